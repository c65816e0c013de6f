"""One Knowledge status poll: the documents and folders are read only when the status moved."""

from __future__ import annotations

from typing import Any

import pytest

from frontend import api_client, api_knowledge
from frontend.state import knowledge
from frontend.state.knowledge_progress import status_signature

STATUS: dict[str, Any] = {"totals": {"indexed": 1}, "index": {}, "queue_length": 0, "recent": []}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []

    async def status() -> dict[str, Any]:
        made.append("status")
        return STATUS

    async def documents(state: str = "", query: str = "", limit: int = 100) -> dict[str, Any]:
        made.append(f"documents:{state}")
        return {"documents": [], "total": 0}

    async def folders() -> list[dict[str, Any]]:
        made.append("folders")
        return []

    monkeypatch.setattr(api_knowledge, "knowledge_status", status)
    monkeypatch.setattr(api_knowledge, "list_documents", documents)
    monkeypatch.setattr(api_knowledge, "list_folders", folders)
    return made


async def test_an_unchanged_status_reads_nothing_else(reads: list[str]) -> None:
    polled = await knowledge._poll_status(status_signature(STATUS), "all")
    assert reads == ["status"]
    assert polled.status == STATUS and not polled.documents_read


async def test_a_changed_status_rereads_the_filtered_documents_and_folders(
    reads: list[str],
) -> None:
    polled = await knowledge._poll_status("", "failed")
    assert reads == ["status", "documents:failed", "folders"]
    assert polled.documents_read and polled.listing == {"documents": [], "total": 0}
    assert polled.folders == [] and polled.document_filter == "failed"


async def test_an_unreachable_server_is_reported_without_further_reads(
    reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable() -> dict[str, Any]:
        raise api_client.ApiError("cannot reach the AgentDesk server")

    monkeypatch.setattr(api_knowledge, "knowledge_status", unreachable)
    polled = await knowledge._poll_status("", "all")
    assert polled.status is None and polled.status_error and not polled.documents_read
    assert reads == []
