"""The UI's HTTP calls about agent runs, engines, modes and conversation management.

Same rules as :mod:`frontend.api_client` (whose connection helpers it uses): every failure
becomes an :class:`~frontend.api_client.ApiError` whose message is meant for people.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from frontend import api_client
from frontend.api_client import StreamEvent

MODEL_PREFIX = "agentdesk-"
_FILENAME = re.compile(r'filename="?([^";]+)"?')


@dataclass(frozen=True)
class Download:
    """A file the API offered for download: its name and its text."""

    filename: str
    content: str


async def available_modes() -> list[str]:
    """The agent modes this build offers (``GET /v1/models`` lists them as agentdesk-<mode>)."""
    body = await api_client._get_json("/v1/models")
    ids = [str(item.get("id", "")) for item in body.get("data", []) if isinstance(item, dict)]
    return [model.removeprefix(MODEL_PREFIX) for model in ids if model.startswith(MODEL_PREFIX)]


async def stop_run(run_id: str) -> bool:
    """Ask a running answer to stop; False when it had already finished."""
    response = await api_client._send("POST", f"/api/agent/runs/{run_id}/stop")
    return bool(response.json().get("stopped"))


async def list_runs(limit: int = 30) -> list[dict[str, Any]]:
    """The latest runs, newest first."""
    body = await api_client._get_json("/api/agent/runs", {"limit": limit})
    return list(body.get("runs", []))


async def engine_stats() -> dict[str, Any]:
    """``{"engines": [...], "queued": n}``: each engine's state and record."""
    result: dict[str, Any] = await api_client._get_json("/api/agent/engines")
    return result


async def get_run(run_id: str) -> dict[str, Any]:
    """One run's record: prompt, mode, engine, status, answer, error, times."""
    result: dict[str, Any] = await api_client._get_json(f"/api/agent/runs/{run_id}")
    return result


async def run_events(run_id: str) -> AsyncIterator[StreamEvent]:
    """A run's events: replayed if it is done, followed live (until it ends) if it runs."""
    async for event in api_client.stream_events("GET", f"/api/agent/runs/{run_id}/events"):
        yield event


async def run_event_list(run_id: str) -> list[StreamEvent]:
    """All stored events of a finished run (a running one is followed until it ends)."""
    return [event async for event in run_events(run_id)]


async def rename_conversation(conversation_id: str, title: str) -> dict[str, Any]:
    """Give a conversation a new title; an empty or too long one is refused with the reason."""
    response = await api_client._send(
        "PATCH", f"/api/conversations/{conversation_id}", json={"title": title}
    )
    result: dict[str, Any] = response.json()
    return result


async def clear_conversation(conversation_id: str) -> None:
    """Delete a conversation's messages and keep the conversation."""
    await api_client._send("POST", f"/api/conversations/{conversation_id}/clear")


def _download(response: Any, fallback: str) -> Download:
    found = _FILENAME.search(response.headers.get("content-disposition", ""))
    return Download(found.group(1) if found else fallback, response.text)


async def export_conversation(conversation_id: str, fmt: str) -> Download:
    """A conversation as Markdown (``md``) or JSON (``json``), with the server's file name."""
    response = await api_client._send(
        "GET", f"/api/conversations/{conversation_id}/export", params={"format": fmt}
    )
    return _download(response, f"conversation.{fmt}")


async def export_run(run_id: str, fmt: str) -> Download:
    """A run's transcript as Markdown (``md``) or JSON (``json``)."""
    response = await api_client._send(
        "GET", f"/api/agent/runs/{run_id}/export", params={"format": fmt}
    )
    return _download(response, f"run-{run_id}.{fmt}")


async def search_conversations(query: str) -> list[dict[str, Any]]:
    """Conversations whose title or messages hold a word of ``query``, newest first."""
    body = await api_client._get_json("/api/conversations/search", {"q": query})
    return list(body.get("results", []))
