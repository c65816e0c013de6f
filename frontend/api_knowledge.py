"""The UI's HTTP calls for the Knowledge page: status, watched folders, documents, search, uploads.

Same rules as :mod:`frontend.api_client` (whose connection helpers it uses): every failure
becomes an :class:`~frontend.api_client.ApiError` whose message is meant for people. Each call
returns the API's JSON body as documented in the HTTP contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

import httpx

from backend.config import get_settings
from frontend import api_client

# Forwarding an upload of up to ``upload_max_mb`` over loopback is quick, but not instant.
_UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=5.0)


async def knowledge_status() -> dict[str, Any]:
    """``GET /api/knowledge/status``: queue, rates, ETA, totals, recent outcomes."""
    result: dict[str, Any] = await api_client._get_json("/api/knowledge/status")
    return result


async def list_folders() -> list[dict[str, Any]]:
    """The watched folders with their document counts."""
    body = await api_client._get_json("/api/knowledge/folders")
    return list(body.get("folders", []))


async def add_folder(path: str) -> dict[str, Any]:
    """Watch a folder; a missing or unreadable path raises :class:`ApiError` with the reason."""
    response = await api_client._send("POST", "/api/knowledge/folders", json={"path": path})
    result: dict[str, Any] = response.json()
    return result


async def remove_folder(folder_id: int) -> None:
    """Stop watching a folder; one that is already gone is not an error."""
    await api_client._send("DELETE", f"/api/knowledge/folders/{folder_id}", missing_ok=True)


async def list_documents(state: str = "", query: str = "", limit: int = 100) -> dict[str, Any]:
    """``{"documents": [...], "total": n}``, optionally filtered by state and name."""
    params: dict[str, Any] = {"limit": limit}
    if state:
        params["state"] = state
    if query:
        params["q"] = query
    result: dict[str, Any] = await api_client._get_json("/api/knowledge/documents", params)
    return result


async def get_document(document_id: int) -> dict[str, Any]:
    """One document with its chunks."""
    result: dict[str, Any] = await api_client._get_json(f"/api/knowledge/documents/{document_id}")
    return result


async def delete_document(document_id: int) -> None:
    """Remove a document from the index; one that is already gone is not an error."""
    await api_client._send("DELETE", f"/api/knowledge/documents/{document_id}", missing_ok=True)


async def search_knowledge(query: str, mode: str = "hybrid", k: int = 10) -> list[dict[str, Any]]:
    """Ranked chunks for ``query`` (``mode`` is hybrid, dense or bm25)."""
    body = await api_client._get_json("/api/knowledge/search", {"q": query, "k": k, "mode": mode})
    return list(body.get("results", []))


@dataclass(frozen=True)
class UploadLimits:
    """The API's upload caps (AGENTDESK_UPLOAD_MAX_MB per file, AGENTDESK_UPLOAD_TOTAL_MB in
    all), so the drop zone can refuse what the API would, before sending a byte of it."""

    file_mb: float
    total_mb: float

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * 1_000_000)

    @property
    def total_bytes(self) -> int:
        return int(self.total_mb * 1_000_000)


def upload_limits() -> UploadLimits:
    """The upload caps of the API this UI talks to (both run from the same settings)."""
    settings = get_settings()
    return UploadLimits(
        settings.upload_max_mb, max(settings.upload_total_mb, settings.upload_max_mb)
    )


async def upload_documents(files: list[tuple[str, BinaryIO, str]]) -> list[dict[str, Any]]:
    """Send ``(name, file, content type)`` triples to the inbox; a 413 carries the size limit."""
    parts = [("files", (name, handle, content_type)) for name, handle, content_type in files]
    response = await api_client._send(
        "POST", "/api/knowledge/upload", files=parts, timeout=_UPLOAD_TIMEOUT
    )
    return list(response.json().get("files", []))
