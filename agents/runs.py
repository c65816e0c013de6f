"""A run in progress: it owns its task, its budget, its context and its events.

Events fan out to any number of live listeners and stay for replay; stopping a run ends its
budget (so the gateway refuses its next model call), sets its stop flag (engines in threads
poll it) and cancels its task, all in one place.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from agents.events import EventType, RunEvent

if TYPE_CHECKING:
    from agents.engines.base import RunContext
    from backend.llm.budget import RunBudget

# How long a stop waits for the run to end.
STOP_WAIT_SECONDS = 2.0


class ActiveRun:
    """One live run: its task, budget, context and events; listeners can follow it."""

    def __init__(self, run_id: str, conversation_id: str, mode: str, engine: str) -> None:
        self.run_id = run_id
        self.conversation_id = conversation_id
        self.mode = mode
        self.engine = engine
        self.events: list[RunEvent] = []
        self.task: asyncio.Task[None] | None = None
        # Set once the run has a slot: what it may spend on the model, and what its engine gets.
        self.budget: RunBudget | None = None
        self.context: RunContext | None = None
        self.answer = ""
        # What a completed answer cites, stored with it in the conversation.
        self.sources: list[dict[str, Any]] = []
        self.status = "running"
        self._changed = asyncio.Condition()

    @property
    def finished(self) -> bool:
        return bool(self.events) and self.events[-1].terminal

    def stop_reason(self, default: str) -> str:
        """Why the run is stopping: the budget's reason (spent, timed out, stopped), else
        ``default``."""
        if self.budget is not None and self.budget.reason:
            return self.budget.reason
        return default

    def partial_answer(self) -> str:
        """The answer's text streamed so far (kept when the run is stopped)."""
        return "".join(str(e.data.get("text", "")) for e in self.events if e.type == "token")

    def halt(self, reason: str) -> None:
        """End the run's model use and raise its stop flag; its task goes on to its end."""
        if self.budget is not None:
            self.budget.stop(reason)
        if self.context is not None:
            self.context.cancelled.set()

    async def stop(self, reason: str, wait: float = STOP_WAIT_SECONDS) -> bool:
        """Stop the run and wait (at most ``wait`` seconds) for it to end; False when it is
        not running."""
        task = self.task
        if task is None or task.done():
            return False
        self.halt(reason)
        task.cancel()
        await asyncio.wait({task}, timeout=wait)
        return True

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

    async def first_answer_event(self) -> tuple[list[RunEvent], RunEvent | None]:
        """Events up to the first one past ``started``, and that one. A caller waits for it
        so a model that is down is answered with a proper HTTP status, not a 200 stream that
        carries an error."""
        seen: list[RunEvent] = []
        async for event in self.follow():
            seen.append(event)
            if event.type != "started":
                return seen, event
        return seen, None

    async def replay(self, seen: list[RunEvent]) -> AsyncIterator[RunEvent]:
        """``seen`` (the events a caller has read already), then the rest, to the end."""
        for event in seen:
            yield event
        async for event in self.follow(after=len(seen)):
            yield event

    async def all_events(self, seen: list[RunEvent]) -> list[RunEvent]:
        """``seen``, then every event up to the run's end."""
        return [event async for event in self.replay(seen)]
