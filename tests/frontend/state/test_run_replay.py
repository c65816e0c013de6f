"""Stored runs read back into the timelines of a reopened conversation."""

from __future__ import annotations

import pytest

from frontend import api_agents, api_client
from frontend.api_client import StreamEvent
from frontend.state import run_replay

SOURCE = {"source": "/docs/notes.txt", "text": "tea", "document_id": 3}


async def test_each_run_gets_its_timeline_and_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = {
        "r1": [
            StreamEvent("started", {"mode": "chat", "engine": "chat", "reason": "auto: x"}),
            StreamEvent("completed", {"answer": "A", "sources": [SOURCE]}),
        ],
        "r2": [
            StreamEvent("started", {"mode": "chat", "engine": "chat"}),
            StreamEvent("stopped", {"message": "stopped by the user", "answer": "B"}),
        ],
    }

    async def events(run_id: str) -> list[StreamEvent]:
        if run_id == "gone":
            raise api_client.ApiError("Run gone does not exist", 404)
        return stored[run_id]

    monkeypatch.setattr(api_agents, "run_event_list", events)
    replayed = await run_replay.replay_runs(["r1", "r2", "gone"])

    timeline, sources = replayed["r1"]
    assert (timeline.status, timeline.answer) == ("completed", "A")
    assert [source.name for source in sources] == ["notes.txt"]
    timeline, sources = replayed["r2"]
    assert (timeline.status, timeline.message, sources) == ("stopped", "stopped by the user", [])
    # A run that cannot be read leaves its answer without steps instead of failing the rest.
    timeline, sources = replayed["gone"]
    assert (timeline.status, timeline.steps, sources) == ("", [], [])
