"""AgentManager: routes a request to an engine, runs it in the background, keeps the transcript."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from agents.engines.base import Engine, RunContext
from agents.engines.chat import ChatEngine
from agents.events import EventType
from agents.history import fit_history
from agents.knowledge import Searcher, retrieve, source_json
from agents.runs import ActiveRun
from backend.config import Settings
from backend.llm.errors import ModelError, ModelUnavailable
from backend.llm.service import ModelService
from backend.storage import conversations, runs
from backend.storage.db import Database
from backend.storage.models import new_id

log = logging.getLogger(__name__)

MODES = ("auto", "chat", "single", "code", "team")
AVAILABLE_MODES = ("auto", "chat")


class UnknownConversation(LookupError):
    """The conversation id does not exist."""


class ModeUnavailable(ValueError):
    """The requested mode is not available in this build."""


@dataclass(frozen=True)
class Route:
    """Which engine answers, and why."""

    mode: str
    engine: str
    reason: str


def route(mode: str) -> Route:
    """Pick the engine for ``mode``; ``auto`` explains its choice."""
    if mode not in AVAILABLE_MODES:
        raise ModeUnavailable(
            f"mode '{mode}' is not available yet; use one of: {', '.join(AVAILABLE_MODES)}"
        )
    if mode == "auto":
        return Route("chat", "chat", "auto: plain chat is the only engine installed")
    return Route("chat", "chat", "chosen by the user")


class AgentManager:
    """Starts runs, lets listeners follow them, stops them, and records everything."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        models: ModelService,
        knowledge: Searcher | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.models = models
        self.knowledge = knowledge
        self.engines: dict[str, Engine] = {"chat": ChatEngine()}
        self.active: dict[str, ActiveRun] = {}

    def recover(self) -> int:
        """Mark runs a previous process left unfinished as interrupted."""
        with self.db.session() as session:
            return runs.mark_interrupted(session)

    async def submit(
        self, prompt: str, conversation_id: str | None, mode: str, use_knowledge: bool = True
    ) -> ActiveRun:
        """Record the prompt, start the run in the background and return it."""
        chosen = route(mode)
        run_id = new_id()
        opened, history = await asyncio.to_thread(
            self._open_conversation, prompt, conversation_id, run_id, chosen
        )
        run = ActiveRun(run_id, opened, chosen.mode, chosen.engine)
        self.active[run_id] = run
        await self._emit(
            run,
            "started",
            {
                "conversation_id": opened,
                "mode": chosen.mode,
                "engine": chosen.engine,
                "reason": chosen.reason,
            },
        )
        run.task = asyncio.create_task(
            self._execute(run, prompt, history, use_knowledge), name=f"run-{run_id}"
        )
        return run

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
        if type_ != "token":
            await asyncio.to_thread(
                self._persist_event,
                event.run_id,
                event.seq,
                event.ts,
                event.type,
                event.agent,
                event.data,
            )

    def _persist_event(self, *args: Any) -> None:
        with self.db.session() as session:
            runs.add_event(session, *args)

    async def _execute(
        self, run: ActiveRun, prompt: str, history: list[dict[str, str]], use_knowledge: bool
    ) -> None:
        async def emit(type_: EventType, data: dict[str, Any], agent: str | None = None) -> None:
            await self._emit(run, type_, data, agent)

        context = RunContext(
            run_id=run.run_id,
            prompt=prompt,
            history=fit_history(history, prompt, self.settings),
            client=None,  # type: ignore[arg-type]
            emit=emit,
            max_tokens=self.settings.max_tokens,
            temperature=self.settings.temperature,
        )
        ending: tuple[EventType, dict[str, Any]]
        status, answer, error = "error", "", ""
        try:
            context.client = self.models.client()
            if use_knowledge:
                context.sources = await self._ground(run, prompt)
            answer = await self.engines[run.engine].run(context)
            status = "completed"
            sources = [source_json(hit) for hit in context.sources]
            ending = ("completed", {"answer": answer, "usage": context.usage, "sources": sources})
        except asyncio.CancelledError:
            status, error = "stopped", "stopped by the user"
            answer = "".join(str(e.data.get("text", "")) for e in run.events if e.type == "token")
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
        # The answer is stored before the final event goes out, so whoever sees "completed"
        # finds it in the conversation.
        run.status, run.answer = status, answer
        await asyncio.to_thread(self._finish, run, status, answer, error)
        ending[1]["conversation_id"] = run.conversation_id
        await emit(*ending)
        self.active.pop(run.run_id, None)

    async def _ground(self, run: ActiveRun, prompt: str) -> list[Any]:
        """Passages from the knowledge base for this prompt, announced as a step."""
        try:
            hits = await retrieve(self.knowledge, prompt, self.settings.rag_top_k)
        except Exception as error:
            log.exception("knowledge search failed for run %s", run.run_id)
            await self._emit(run, "step", {"kind": "retrieval", "error": str(error), "sources": []})
            return []
        if hits:
            sources = [source_json(hit) for hit in hits]
            await self._emit(run, "step", {"kind": "retrieval", "sources": sources})
        return hits

    def _finish(self, run: ActiveRun, status: str, answer: str, error: str) -> None:
        with self.db.session() as session:
            if answer:
                conversation = conversations.get(session, run.conversation_id)
                if conversation is not None:
                    conversations.add_message(
                        session, conversation, "assistant", answer, run.run_id
                    )
            runs.finish(session, run.run_id, status, answer or None, error or None)

    async def stop(self, run_id: str) -> bool:
        """Stop a live run; False when it is not running."""
        run = self.active.get(run_id)
        if run is None or run.task is None or run.task.done():
            return False
        run.task.cancel()
        await asyncio.gather(run.task, return_exceptions=True)
        return True

    async def shutdown(self) -> None:
        """Stop every live run (they are recorded as stopped)."""
        for run_id in list(self.active):
            await self.stop(run_id)
