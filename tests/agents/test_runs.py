"""ActiveRun: events fanned out to listeners and replayed, ending at the terminal event."""

from __future__ import annotations

import asyncio

from agents.runs import ActiveRun


async def test_following_after_the_end_returns_at_once() -> None:
    run = ActiveRun("run-1", "conv-1", "chat", "chat")
    await run.publish("started", "chat", {})
    await run.publish("stopped", "chat", {"message": "the run used its time budget of 1 s"})
    seen = [event.type async for event in run.follow()]
    assert seen == ["started", "stopped"]
    # A caller that has read up to the end (the query route does) asks for what comes next.
    rest = await asyncio.wait_for(_collect(run, after=2), timeout=5)
    assert rest == []


async def test_a_listener_gets_live_events_up_to_the_end() -> None:
    run = ActiveRun("run-1", "conv-1", "chat", "chat")
    await run.publish("started", "chat", {})
    listener = asyncio.create_task(_collect(run, after=1))
    await run.publish("token", "chat", {"text": "Hi"})
    await run.publish("completed", "chat", {"answer": "Hi"})
    await run.publish("token", "chat", {"text": "ignored: past the end"})
    assert await asyncio.wait_for(listener, timeout=5) == ["token", "completed"]


async def _collect(run: ActiveRun, after: int) -> list[str]:
    return [event.type async for event in run.follow(after=after)]
