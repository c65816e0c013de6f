"""AgentManager: starts runs, keeps the live ones, lets listeners follow them and stops them.

A run waits for a free slot (``AGENTDESK_AGENT_MAX_CONCURRENT``) and then lives its life in
``agents.lifecycle``; the run itself (``agents.runs.ActiveRun``) owns its task, budget, context
and events. The manager keeps one map of live runs, the queue, the engines and the transcript.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any

from agents import lifecycle
from agents.engines.base import Engine
from agents.estimate import RECENT_RUNS, estimate
from agents.events import EventType
from agents.knowledge import Searcher
from agents.relevance import knowledge_use
from agents.routing import (
    ENGINES,
    MODES,
    ModeUnavailable,
    Route,
    available_modes,
    follow_up_route,
    route,
)
from agents.runs import ActiveRun
from agents.tools.registry import AuditFn, ToolRegistry
from backend.config import Settings
from backend.llm.gateway import ModelGateway
from backend.llm.service import ModelService
from backend.storage import conversations, runs
from backend.storage.db import Database
from backend.storage.models import new_id
from backend.storage.problems import storage_problem

log = logging.getLogger(__name__)

AVAILABLE_MODES = available_modes()

__all__ = ["AVAILABLE_MODES", "MODES", "AgentManager", "ModeUnavailable", "Route", "route"]


class UnknownConversation(LookupError):
    """The conversation id does not exist."""


class AgentManager:
    """Starts runs, lets listeners follow them, stops them, and records everything."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        models: ModelService,
        gateway: ModelGateway,
        knowledge: Searcher | None = None,
        tools: ToolRegistry | None = None,
        audit: AuditFn | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.models = models
        self.knowledge = knowledge
        self.gateway = gateway
        self.tools = tools or ToolRegistry()
        self.audit = audit
        self.engines: dict[str, Engine] = {}
        # The live runs; each owns its task, budget, context and events.
        self.active: dict[str, ActiveRun] = {}
        self._slots = asyncio.Semaphore(settings.agent_max_concurrent)
        self._waiting: list[str] = []
        # The modes of the runs holding a slot, by run id: what a waiting run waits for.
        self._holding: dict[str, str] = {}

    def recover(self) -> int:
        """Mark runs a previous process left unfinished as interrupted."""
        with self.db.session() as session:
            return runs.mark_interrupted(session)

    async def engine(self, name: str) -> Engine:
        """The engine ``name``, imported on first use (its framework is slow to import)."""
        if name not in self.engines:
            module, cls = ENGINES[name].split(":")
            loaded = await asyncio.to_thread(importlib.import_module, module)
            self.engines[name] = getattr(loaded, cls)()
        return self.engines[name]

    async def submit(
        self,
        prompt: str,
        conversation_id: str | None,
        mode: str,
        use_knowledge: bool | str = True,
        history: list[dict[str, str]] | None = None,
    ) -> ActiveRun:
        """Record the prompt, start the run in the background and return it.

        ``use_knowledge`` is the "use my documents" switch: "auto" (or true), "on", "off" (or
        false). ``history`` (earlier turns sent by an OpenAI-style client) replaces the stored
        conversation's earlier messages when given.
        """
        use = knowledge_use(use_knowledge)
        chosen = route(mode, prompt)
        run_id = new_id()
        opened, stored, chosen = await asyncio.to_thread(
            self._open_conversation, prompt, conversation_id, run_id, chosen, history, mode
        )
        run = ActiveRun(run_id, opened, chosen.mode, chosen.engine)
        self.active[run_id] = run
        started: dict[str, Any] = {
            "conversation_id": opened,
            "mode": chosen.mode,
            "engine": chosen.engine,
        }
        place = len(self._waiting) + 1 if self._slots.locked() else 0
        started["estimate"] = await self.estimate(run, place)
        await self.emit(run, "started", {**started, "reason": chosen.reason, "documents": use})
        earlier = history if history is not None else stored
        run.task = asyncio.create_task(
            lifecycle.execute(self, run, prompt, earlier, use, chosen), name=f"run-{run_id}"
        )
        return run

    def offered(self, chosen: Route) -> ToolRegistry:
        """The tools the run may use: those its intent names (Auto only), else all of them."""
        subset = self.tools.subset(list(chosen.tools))
        return subset if len(subset) else self.tools

    def _open_conversation(
        self,
        prompt: str,
        conversation_id: str | None,
        run_id: str,
        chosen: Route,
        sent: list[dict[str, str]] | None,
        mode: str,
    ) -> tuple[str, list[dict[str, str]], Route]:
        """The conversation (opened or new), its earlier turns, and the route: Auto sends a
        follow-up where the question it follows went."""
        with self.db.session() as session:
            if conversation_id:
                conversation = conversations.get(session, conversation_id)
                if conversation is None:
                    raise UnknownConversation(f"conversation {conversation_id} does not exist")
            else:
                conversation = conversations.create(session, conversations.title_from(prompt))
            earlier = conversations.recent_messages(
                session, conversation.id, self.settings.history_messages
            )
            history = [{"role": m.role, "content": m.content} for m in earlier]
            if mode == "auto":
                chosen = follow_up_route(chosen, prompt, sent if sent is not None else history)
            conversations.add_message(session, conversation, "user", prompt, run_id)
            runs.create(session, run_id, conversation.id, chosen.mode, chosen.engine, prompt)
            return conversation.id, history, chosen

    async def emit(
        self, run: ActiveRun, type_: EventType, data: dict[str, Any], agent: str | None = None
    ) -> None:
        """Publish an event of ``run`` to its listeners and store it (tokens are live only)."""
        event = await run.publish(type_, agent or run.engine, data)
        # Tokens are streamed live only; the completed event carries the whole answer.
        if type_ == "token":
            return
        try:
            await asyncio.to_thread(
                self._persist_event,
                event.run_id,
                event.seq,
                event.ts,
                event.type,
                event.agent,
                event.data,
            )
        except Exception as error:
            if storage_problem(error) is None:
                raise
            # Listeners have the event already; only the stored transcript lacks this line,
            # which is no reason to fail the answer.
            log.warning("run %s: event %d not stored: %s", run.run_id, event.seq, error)

    def _persist_event(self, *args: Any) -> None:
        with self.db.session() as session:
            runs.add_event(session, *args)

    def _finish(self, run: ActiveRun, error: str) -> None:
        """Store how ``run`` ended, and its answer in the conversation."""
        with self.db.session() as session:
            if run.answer:
                conversation = conversations.get(session, run.conversation_id)
                if conversation is not None:
                    conversations.add_message(
                        session, conversation, "assistant", run.answer, run.run_id, run.sources
                    )
            runs.finish(
                session, run.run_id, run.status, run.answer or None, error or None, run.engine
            )

    async def take_slot(self, run: ActiveRun) -> None:
        """Wait for a free slot, telling the user where they are in the queue and how long
        it should take; once it has one, those still waiting hear their new place."""
        if not self._slots.locked():
            await self._slots.acquire()
            self._holding[run.run_id] = run.mode
            return
        self._waiting.append(run.run_id)
        try:
            await self._tell_place(run)
            await self._slots.acquire()
        finally:
            self._waiting.remove(run.run_id)
        self._holding[run.run_id] = run.mode
        await self.emit(
            run, "progress", {"state": "running", "estimate": await self.estimate(run, 0)}
        )
        for waiting in [self.active.get(run_id) for run_id in self._waiting]:
            if waiting is not None:
                await self._tell_place(waiting)

    async def _tell_place(self, run: ActiveRun) -> None:
        place = self._waiting.index(run.run_id) + 1
        data = {"state": "queued", "position": place, "estimate": await self.estimate(run, place)}
        await self.emit(run, "progress", data)

    async def estimate(self, run: ActiveRun, place: int) -> dict[str, Any]:
        """How long ``run`` should take from now (see ``agents.estimate``): at ``place`` in
        line (0: being worked on) it waits for the runs holding a slot and those before it."""
        ahead: list[str] = []
        if place:
            ahead = [mode for run_id, mode in self._holding.items() if run_id != run.run_id]
            ahead += [self.active[w].mode for w in self._waiting[: place - 1] if w in self.active]
        try:
            durations = await asyncio.to_thread(self._durations, {run.mode, *ahead})
        except Exception as error:
            if storage_problem(error) is None:
                raise
            durations = {}  # a locked database costs the estimate, never the answer
        slots = self.settings.agent_max_concurrent
        found = estimate(durations, run.mode, ahead, slots, place, self.models.throughput.rate())
        return found.as_data()

    def _durations(self, modes: set[str]) -> dict[str, list[float]]:
        with self.db.session() as session:
            return runs.recent_durations(session, modes, RECENT_RUNS)

    def release_slot(self, run: ActiveRun) -> None:
        self._holding.pop(run.run_id, None)
        self._slots.release()

    async def stop(self, run_id: str, reason: str = "stopped by the user") -> bool:
        """Stop a live run within about two seconds; False when it is not running."""
        run = self.active.get(run_id)
        return run is not None and await run.stop(reason)

    @property
    def waiting(self) -> list[str]:
        """Runs waiting for a free slot, first in line first."""
        return list(self._waiting)

    def engine_states(self) -> dict[str, str]:
        """``working`` for engines answering a run now, else ``idle``."""
        busy = {run.engine for run in self.active.values() if not run.finished}
        return {name: ("working" if name in busy else "idle") for name in AVAILABLE_MODES[1:]}

    async def shutdown(self) -> None:
        """Stop every live run (they are recorded as stopped)."""
        for run_id in list(self.active):
            await self.stop(run_id, "the app is shutting down")
