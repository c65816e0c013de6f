"""The UI's HTTP helpers pointed at an in-memory mock of the API, for the api_* unit tests."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from backend.config import load_settings
from frontend import api_client


def serve_mock_api(
    monkeypatch: pytest.MonkeyPatch,
    handler: Callable[[httpx.Request], httpx.Response],
    api_token: str = "t0ken",
) -> list[httpx.Request]:
    """Route every call of :mod:`frontend.api_client` to ``handler``; returns the requests seen."""
    settings = load_settings(llm_provider="fake", api_token=api_token)
    monkeypatch.setattr(api_client, "get_settings", lambda: settings)
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    def client(timeout: httpx.Timeout = api_client._TIMEOUT) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url="http://agentdesk.test",
            headers=api_client._headers(),
            transport=httpx.MockTransport(record),
            timeout=timeout,
        )

    monkeypatch.setattr(api_client, "_client", client)
    return seen
