"""The UI's HTTP calls for the Settings page, against a mock server."""

from __future__ import annotations

import json

import httpx
import pytest

from frontend import api_settings
from tests.frontend.mock_api import serve_mock_api
from tests.frontend.state.test_settings_models import _page, setting


async def test_save_sends_only_the_changes_and_reads_a_refusal_per_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refusal = {"detail": "Not saved: Temperature: too hot", "errors": {"temperature": "too hot"}}

    def answer(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content) == {"temperature": 9}:
            return httpx.Response(422, json=refusal)
        return httpx.Response(
            200, json={"applied_now": ["rag_top_k"], "after_restart": [], "page": _page()}
        )

    seen = serve_mock_api(monkeypatch, answer, api_token="")
    with pytest.raises(api_settings.SettingsRefused) as refused:
        await api_settings.save({"temperature": 9})
    assert refused.value.errors == {"temperature": "too hot"} and refused.value.status == 422
    saved = await api_settings.save({"rag_top_k": 6})
    assert saved.applied_now == ["rag_top_k"]
    assert [(r.method, r.url.path) for r in seen] == [("PUT", "/api/settings")] * 2


async def test_the_chat_starts_on_the_defaults_from_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = _page()
    page["settings"] = [
        setting(key="default_mode", kind="choice", value="code").model_dump(),
        setting(key="use_documents", kind="choice", value="off").model_dump(),
    ]
    serve_mock_api(monkeypatch, lambda request: httpx.Response(200, json=page), api_token="")
    assert await api_settings.chat_defaults() == ("code", "off")
