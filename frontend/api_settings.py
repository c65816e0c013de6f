"""The UI's HTTP calls for the Settings page: read the settings, save a change, test a server.

Same rules as :mod:`frontend.api_client`: every failure becomes an
:class:`~frontend.api_client.ApiError` whose message is meant for people; a refused save also
carries the server's message for each setting.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from backend.api.schemas.settings import ConnectionResult, SettingsPage, SettingsSaved
from frontend import api_client

# A connection test waits up to 5 s for the server it tests.
_TEST_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class SettingsRefused(api_client.ApiError):
    """The server saved nothing; ``errors`` maps each refused setting to its reason."""

    def __init__(self, message: str, status: int, errors: dict[str, str]) -> None:
        super().__init__(message, status)
        self.errors = errors


async def read() -> SettingsPage:
    """``GET /api/settings``: every editable setting with its value, rules and source."""
    return SettingsPage.model_validate(await api_client._get_json("/api/settings"))


async def save(changes: dict[str, Any]) -> SettingsSaved:
    """``PUT /api/settings`` with only the settings to change."""
    try:
        async with api_client._client() as client:
            response = await client.put("/api/settings", json=changes)
    except httpx.HTTPError as error:
        raise api_client._unreachable(error) from error
    if response.status_code in (409, 422):
        message = api_client.error_detail(response.content, response.status_code)
        raise SettingsRefused(message, response.status_code, _errors_of(response.content))
    if response.status_code >= 400:
        detail = api_client.error_detail(response.content, response.status_code)
        raise api_client.ApiError(detail, response.status_code)
    return SettingsSaved.model_validate(response.json())


def _errors_of(body: bytes) -> dict[str, str]:
    try:
        errors = json.loads(body).get("errors")
    except (ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in errors.items()} if isinstance(errors, dict) else {}


async def check_server(base_url: str, api_key: str) -> ConnectionResult:
    """``POST /api/settings/test-connection``: does the server answer, and with which models."""
    response = await api_client._send(
        "POST",
        "/api/settings/test-connection",
        json={"base_url": base_url, "api_key": api_key},
        timeout=_TEST_TIMEOUT,
    )
    return ConnectionResult.model_validate(response.json())


async def check_built_in() -> ConnectionResult:
    """``POST /api/settings/test-connection`` for the model AgentDesk runs itself."""
    response = await api_client._send(
        "POST", "/api/settings/test-connection", json={"built_in": True}, timeout=_TEST_TIMEOUT
    )
    return ConnectionResult.model_validate(response.json())


async def chat_defaults() -> tuple[str, str]:
    """The mode and the "use my documents" choice a new question starts with."""
    page = await read()
    values = {field.key: field.value for field in page.settings}
    return str(values.get("default_mode") or "auto"), str(values.get("use_documents") or "auto")
