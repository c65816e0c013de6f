"""The UI's HTTP calls for the System page: the latest resource sample and its history.

Same rules as :mod:`frontend.api_client`: every failure becomes an
:class:`~frontend.api_client.ApiError` whose message is meant for people.
"""

from __future__ import annotations

from typing import Any

from frontend import api_client


async def stats() -> dict[str, Any]:
    """``GET /api/system/stats``: CPU, memory, disk, GPU, the model, the index, the queue."""
    result: dict[str, Any] = await api_client._get_json("/api/system/stats")
    return result


async def history(minutes: float = 10, points: int = 120) -> dict[str, Any]:
    """``{"series": {"ts": [...], "cpu_percent": [...], ...}, "resolution_seconds"}``."""
    result: dict[str, Any] = await api_client._get_json(
        "/api/system/history", {"minutes": minutes, "points": points}
    )
    return result


async def quit_app() -> str:
    """``POST /api/system/shutdown``: stop AgentDesk; returns the server's message."""
    response = await api_client._send("POST", "/api/system/shutdown", json={})
    return str(response.json().get("message", "AgentDesk is stopping."))
