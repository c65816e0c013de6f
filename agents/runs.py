"""A run in progress: its events, fanned out to live listeners and kept for replay."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from agents.events import EventType, RunEvent


class ActiveRun:
    """Holds one run's events while it is live; any number of listeners can follow it."""

    def __init__(self, run_id: str, conversation_id: str, mode: str, engine: str) -> None:
        self.run_id = run_id
        self.conversation_id = conversation_id
        self.mode = mode
        self.engine = engine
        self.events: list[RunEvent] = []
        self.task: asyncio.Task[None] | None = None
        self.answer = ""
        # What a completed answer cites, stored with it in the conversation.
        self.sources: list[dict[str, Any]] = []
        self.status = "running"
        self._changed = asyncio.Condition()

    @property
    def finished(self) -> bool:
        return bool(self.events) and self.events[-1].terminal

    async def publish(self, type_: EventType, agent: str, data: dict[str, Any]) -> RunEvent:
        """Append an event and wake every listener."""
        event = RunEvent(self.run_id, len(self.events) + 1, type_, agent, data)
        async with self._changed:
            self.events.append(event)
            self._changed.notify_all()
        return event

    def _past(self, index: int) -> Callable[[], bool]:
        return lambda: len(self.events) > index

    async def follow(self, after: int = 0) -> AsyncIterator[RunEvent]:
        """Events with ``seq > after``: those already published, then live ones, to the end."""
        index = after
        if 0 < index <= len(self.events) and self.events[index - 1].terminal:
            return  # the caller has already seen the run end
        while True:
            async with self._changed:
                await self._changed.wait_for(self._past(index))
                batch = self.events[index:]
            for event in batch:
                yield event
                if event.terminal:
                    return
            index += len(batch)
