"""AgentManager: routes a request to an engine, runs it in the background, keeps the transcript.

A run waits for a free slot (``AGENTDESK_AGENT_MAX_CONCURRENT``), is grounded in the knowledge
base when asked, then answered by its engine through the model gateway, which holds the run's
budget. An engine that fails hands over to a simpler one (team → single → chat) and says so;
a run that is stopped, over budget or looping ends with a message saying which. An answer is
checked before the run may end *completed*; one that fails twice ends it *no answer*.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
from typing import Any

from agents.answer_gate import NoAnswer, checked_answer
from agents.charged import ChargedClient
from agents.engines.base import Engine, EngineStopped, RunContext
from agents.events import EventType
from agents.followup import standalone_query
from agents.intents import tool_job
from agents.knowledge import Searcher, retrieve, sources_json
from agents.number_words import with_digits_note
from agents.relevance import Grounding, KnowledgeUse, knowledge_use, relevant
from agents.route_model import ask_model
from agents.routing import ENGINES, FALLBACK, MODES, ModeUnavailable, Route, available_modes, route
from agents.runs import ActiveRun
from agents.tools.registry import AuditFn, ToolRegistry
from agents.wiring import history_with_summary, limits_from, open_endpoint, thread_emitter
from agents.wiring import tool_context as make_tool_context
from backend.config import Settings
from backend.llm.errors import ModelError, ModelUnavailable
from backend.llm.gateway import ModelGateway, RunBudget
from backend.llm.service import ModelService
from backend.storage import conversations, runs
from backend.storage.db import Database
from backend.storage.models import new_id
from backend.storage.problems import storage_problem, with_retries

log = logging.getLogger(__name__)

AVAILABLE_MODES = available_modes()
# Engines that get knowledge passages up front; the others look things up with their tools.
GROUNDED_UP_FRONT = ("chat", "single")
STOP_WAIT_SECONDS = 2.0

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
        knowledge: Searcher | None = None,
        gateway: ModelGateway | None = None,
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
        self.active: dict[str, ActiveRun] = {}
        self.budgets: dict[str, RunBudget] = {}
        self.contexts: dict[str, RunContext] = {}
        self._slots = asyncio.Semaphore(settings.agent_max_concurrent)
        self._waiting: list[str] = []

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
        opened, stored = await asyncio.to_thread(
            self._open_conversation, prompt, conversation_id, run_id, chosen
        )
        run = ActiveRun(run_id, opened, chosen.mode, chosen.engine)
        self.active[run_id] = run
        started = {"conversation_id": opened, "mode": chosen.mode, "engine": chosen.engine}
        await self._emit(run, "started", {**started, "reason": chosen.reason, "documents": use})
        earlier = history if history is not None else stored
        run.task = asyncio.create_task(
            self._execute(run, prompt, earlier, use, chosen), name=f"run-{run_id}"
        )
        return run

    def offered(self, chosen: Route) -> ToolRegistry:
        """The tools the run may use: those its intent names (Auto only), else all of them."""
        subset = self.tools.subset(list(chosen.tools))
        return subset if len(subset) else self.tools

    def _open_conversation(
        self, prompt: str, conversation_id: str | None, run_id: str, chosen: Route
    ) -> tuple[str, list[dict[str, str]]]:
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
            conversations.add_message(session, conversation, "user", prompt, run_id)
            runs.create(session, run_id, conversation.id, chosen.mode, chosen.engine, prompt)
            return conversation.id, history

    async def _emit(
        self, run: ActiveRun, type_: EventType, data: dict[str, Any], agent: str | None = None
    ) -> None:
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

    async def _take_slot(self, run: ActiveRun) -> None:
        """Wait for a free slot, telling the user where they are in the queue."""
        if not self._slots.locked():
            await self._slots.acquire()
            return
        self._waiting.append(run.run_id)
        try:
            position = len(self._waiting)
            await self._emit(run, "progress", {"state": "queued", "position": position})
            await self._slots.acquire()
        finally:
            self._waiting.remove(run.run_id)

    async def _execute(
        self,
        run: ActiveRun,
        prompt: str,
        history: list[dict[str, str]],
        use: KnowledgeUse,
        chosen: Route,
    ) -> None:
        async def emit(type_: EventType, data: dict[str, Any], agent: str | None = None) -> None:
            await self._emit(run, type_, data, agent)

        ending: tuple[EventType, dict[str, Any]]
        status, answer, error = "error", "", ""
        context: RunContext | None = None
        slot = False
        try:
            await self._take_slot(run)
            slot = True
            question = with_digits_note(prompt)
            context = await self._context(run, question, history, emit, self.offered(chosen))
            budget = self.budgets.get(run.run_id)
            if budget is not None and run.engine == "single" and tool_job(prompt):
                # A sum, a date, a file: the agent's first call must call a tool.
                budget.tool_first = True
            if not chosen.sure:
                chosen = await self._ask_route(run, context, chosen)
            grounding = Grounding(use, chosen.knowledge)
            if grounding.searches and run.engine in GROUNDED_UP_FRONT:
                context.sources = await self._ground(run, context, grounding)
            answer = await self._within_time_budget(run, context, grounding)
            status = "completed"
            sources = run.sources = sources_json(context.sources)
            ending = ("completed", {"answer": answer, "usage": context.usage, "sources": sources})
        except NoAnswer as exc:
            status, error = "no_answer", exc.reason
            ending = ("no_answer", self._no_answer(exc, context))
        except asyncio.CancelledError:
            status, error = "stopped", self._reason(run, "stopped by the user")
            answer = self._partial(run)
            ending = ("stopped", {"message": error, "answer": answer})
        except EngineStopped as exc:
            status, error = "stopped", self._reason(run, str(exc))
            answer = self._partial(run)
            ending = ("stopped", {"message": error, "answer": answer})
        except ModelUnavailable as exc:
            error = str(exc)
            ending = ("error", {"message": error, "status": 503})
        except ModelError as exc:
            error = str(exc)
            ending = ("error", {"message": error, "status": 502})
        except Exception as exc:
            log.exception("run %s failed", run.run_id)
            error = f"the run failed: {exc}"
            ending = ("error", {"message": error, "status": 500})
        finally:
            if slot:
                self._slots.release()
            if self.gateway is not None:
                self.gateway.close(run.run_id)
            self.budgets.pop(run.run_id, None)
            self.contexts.pop(run.run_id, None)
        # The answer is stored before the final event goes out, so whoever sees "completed"
        # finds it in the conversation.
        run.status, run.answer = status, answer
        ending = await self._record_end(run, ending, error)
        ending[1]["conversation_id"] = run.conversation_id
        try:
            await emit(*ending)
        finally:
            self.active.pop(run.run_id, None)

    async def _record_end(
        self, run: ActiveRun, ending: tuple[EventType, dict[str, Any]], error: str
    ) -> tuple[EventType, dict[str, Any]]:
        """Store how the run ended (waiting out a short database lock); when that cannot be
        done the ending says so, so no listener is left waiting for an end that never comes."""
        finish = functools.partial(self._finish, run, run.status, run.answer, error)
        try:
            await asyncio.to_thread(with_retries, finish, f"saving run {run.run_id}")
            return ending
        except Exception as exc:
            log.exception("run %s: its end could not be saved", run.run_id)
            problem = storage_problem(exc)
            reason = problem.message if problem else f"{type(exc).__name__}: {exc}"
            run.status = "error"
            data = {
                "message": f"the answer could not be saved: {reason}",
                "status": problem.http_status if problem else 500,
                "answer": run.answer,
            }
            return "error", data

    async def _context(
        self,
        run: ActiveRun,
        prompt: str,
        history: list[dict[str, str]],
        emit: Any,
        tools: ToolRegistry,
    ) -> RunContext:
        loop = asyncio.get_running_loop()
        limits = limits_from(self.settings)
        context = RunContext(
            run_id=run.run_id,
            prompt=prompt,
            history=history_with_summary(history, prompt, self.settings),
            client=self.models.client(),
            emit=emit,
            max_tokens=self.settings.max_tokens,
            temperature=self.settings.temperature,
            tools=tools,
            limits=limits,
            loop=loop,
        )
        publish = thread_emitter(loop, emit)
        budget = None
        if self.gateway is not None:

            def on_call(totals: dict[str, Any]) -> None:
                context.usage.update(totals)
                publish("progress", {"state": "model_call", **totals})

            endpoint, budget = open_endpoint(
                self.gateway, run.run_id, limits, self.models.model_name, on_call
            )
            context.endpoint = endpoint
            self.budgets[run.run_id] = budget
        context.tool_context = make_tool_context(run.run_id, publish, self.audit, budget)
        self.contexts[run.run_id] = context
        return context

    async def _ask_route(self, run: ActiveRun, context: RunContext, chosen: Route) -> Route:
        """No rule was sure: one short model call, charged to the run, picks the engine; the
        pick and its reason show as a step."""
        charged = ChargedClient(context.client, self.budgets.get(run.run_id))
        picked = await ask_model(chosen, context.prompt, charged)
        run.mode = run.engine = picked.engine
        await self._emit(
            run, "step", {"kind": "route", "engine": picked.engine, "reason": picked.reason}
        )
        return picked

    async def _within_time_budget(
        self, run: ActiveRun, context: RunContext, grounding: Grounding
    ) -> str:
        """The answer, or EngineStopped once the run's seconds are spent.

        The gateway refuses model calls past the budget, but one call begun just before it may
        run on for minutes on a slow machine: the deadline ends the run wherever it is.
        """
        seconds = context.limits.max_seconds
        try:
            async with asyncio.timeout(seconds):
                answer = await self._answer(run, context, grounding)
                return await checked_answer(context, answer, run.events)
        except TimeoutError:
            reason = f"the run used its time budget of {seconds:g} s"
            budget = self.budgets.get(run.run_id)
            if budget is not None:
                budget.stop(reason)
            context.cancelled.set()
            raise EngineStopped(self._reason(run, reason)) from None

    async def _answer(self, run: ActiveRun, context: RunContext, grounding: Grounding) -> str:
        """The engine's answer; on failure the next simpler engine's, said as a step."""
        name = run.engine
        while True:
            try:
                engine = await self.engine(name)
                return await engine.run(context)
            except (asyncio.CancelledError, EngineStopped, ModelUnavailable):
                raise
            except Exception as exc:
                budget = self.budgets.get(run.run_id)
                if budget is not None and budget.stopped:
                    raise EngineStopped(budget.reason or "stopped") from exc
                following = FALLBACK.get(name)
                if following is None:
                    raise
                log.warning("engine %s failed for run %s: %s", name, run.run_id, exc)
                reason = f"{type(exc).__name__}: {exc}"[:500]
                step = {"kind": "fallback", "from": name, "to": following, "reason": reason}
                await self._emit(run, "step", step)
                name = following
                if name in GROUNDED_UP_FRONT and not context.sources and grounding.searches:
                    context.sources = await self._ground(run, context, grounding)

    @staticmethod
    def _no_answer(exc: NoAnswer, context: RunContext | None) -> dict[str, Any]:
        """The ``no_answer`` event: the reason, and the rejected text kept apart from
        ``answer`` so no client takes it for one."""
        return {
            "message": f"no answer: {exc.reason}",
            "reason": exc.reason,
            "answer": "",
            "rejected": exc.answer,
            "usage": context.usage if context else {},
            "sources": sources_json(context.sources) if context else [],
        }

    def _reason(self, run: ActiveRun, default: str) -> str:
        budget = self.budgets.get(run.run_id)
        return budget.reason if budget is not None and budget.reason else default

    @staticmethod
    def _partial(run: ActiveRun) -> str:
        return "".join(str(e.data.get("text", "")) for e in run.events if e.type == "token")

    async def _ground(self, run: ActiveRun, context: RunContext, grounding: Grounding) -> list[Any]:
        """The passages that help with this prompt (a follow-up searched as a standalone
        question), announced as a step with the query and how many were left out."""
        try:
            if self.knowledge is None:
                return []
            charged = ChargedClient(context.client, self.budgets.get(run.run_id))
            query = await standalone_query(charged, context.history, context.prompt)
            hits = await retrieve(self.knowledge, query, self.settings.rag_top_k)
        except Exception as error:
            log.exception("knowledge search failed for run %s", run.run_id)
            await self._emit(run, "step", {"kind": "retrieval", "error": str(error), "sources": []})
            return []
        kept = relevant(hits, grounding)
        if hits:
            step = {
                "kind": "retrieval",
                "query": query,
                "sources": sources_json(kept),
                "below_threshold": len(hits) - len(kept),
            }
            await self._emit(run, "step", step)
        return kept

    def _finish(self, run: ActiveRun, status: str, answer: str, error: str) -> None:
        with self.db.session() as session:
            if answer:
                conversation = conversations.get(session, run.conversation_id)
                if conversation is not None:
                    conversations.add_message(
                        session, conversation, "assistant", answer, run.run_id, run.sources
                    )
            runs.finish(session, run.run_id, status, answer or None, error or None, run.engine)

    async def stop(self, run_id: str, reason: str = "stopped by the user") -> bool:
        """Stop a live run within about two seconds; False when it is not running."""
        run = self.active.get(run_id)
        if run is None or run.task is None or run.task.done():
            return False
        budget = self.budgets.get(run_id)
        if budget is not None:
            budget.stop(reason)
        context = self.contexts.get(run_id)
        if context is not None:
            context.cancelled.set()
        run.task.cancel()
        await asyncio.wait({run.task}, timeout=STOP_WAIT_SECONDS)
        return True

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
