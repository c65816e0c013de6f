"""Stored runs read back into timelines, for answers of a conversation opened again."""

from __future__ import annotations

import asyncio

from frontend import api_agents, api_client
from frontend.api_client import StreamEvent
from frontend.state.knowledge_models import ChatSource, sources_of
from frontend.state.run_timeline import RunTimeline, timeline_of


def completed_sources(events: list[StreamEvent]) -> list[ChatSource]:
    """The sources a finished run cited (stored messages do not keep them)."""
    for event in reversed(events):
        if event.type == "completed":
            return sources_of(event.data) or []
    return []


async def _events(run_id: str) -> list[StreamEvent]:
    """A finished run's events; none when they cannot be read (the answer still shows)."""
    try:
        return await api_agents.run_event_list(run_id)
    except api_client.ApiError:
        return []


async def replay_runs(run_ids: list[str]) -> dict[str, tuple[RunTimeline, list[ChatSource]]]:
    """Each run's timeline and cited sources, read side by side."""
    replays = await asyncio.gather(*(_events(run_id) for run_id in run_ids))
    return {
        run_id: (timeline_of(events), completed_sources(events))
        for run_id, events in zip(run_ids, replays, strict=True)
    }
