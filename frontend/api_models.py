"""The UI's HTTP calls for the Models page: the list, downloads, added files, the active model.

Same rules as :mod:`frontend.api_client`: every failure becomes an
:class:`~frontend.api_client.ApiError` whose message is meant for people.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from frontend import api_client

# Switching restarts the model server, which loads the new model: seconds to minutes.
_SWITCH_TIMEOUT = httpx.Timeout(300.0, connect=5.0)


async def catalog() -> dict[str, Any]:
    """``GET /api/models``: every model, the active one, the download, memory."""
    result: dict[str, Any] = await api_client._get_json("/api/models")
    return result


async def download(model_id: str, confirm: bool = False) -> dict[str, Any]:
    """Start downloading a model; its progress shows in :func:`catalog`."""
    response = await api_client._send(
        "POST", f"/api/models/{quote(model_id, safe='')}/download", json={"confirm": confirm}
    )
    result: dict[str, Any] = response.json()
    return result


async def cancel_download() -> None:
    """Stop the running download."""
    await api_client._send("POST", "/api/models/download/cancel", json={})


async def add(path: str, name: str = "") -> dict[str, Any]:
    """List a GGUF file from this computer; a bad path raises ApiError saying why."""
    response = await api_client._send("POST", "/api/models", json={"path": path, "name": name})
    result: dict[str, Any] = response.json()
    return result


async def activate(model_id: str, confirm: bool = False) -> str:
    """Switch AgentDesk to this model; returns the server's sentence about it."""
    response = await api_client._send(
        "POST",
        f"/api/models/{quote(model_id, safe='')}/activate",
        json={"confirm": confirm},
        timeout=_SWITCH_TIMEOUT,
    )
    return str(response.json().get("message", ""))


async def remove(model_id: str) -> str:
    """Delete a downloaded model, or forget an added file; returns the server's sentence."""
    response = await api_client._send("DELETE", f"/api/models/{quote(model_id, safe='')}")
    return str(response.json().get("message", ""))
