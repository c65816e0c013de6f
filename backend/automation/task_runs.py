"""TaskRunner: runs a scheduled task as an agent run and keeps it in the task's history.

The scheduler fires a task in one of its pool threads; the run itself happens on the event
loop (AgentManager is async), and the pool thread only waits for it, so one task never runs
twice at once and nothing blocks the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agents.manager import AgentManager, UnknownConversation
from agents.relevance import KnowledgeUse, knowledge_use
from backend.storage import conversations
from backend.storage import tasks as store
from backend.storage.db import Database
from backend.storage.models import TaskRun
from backend.storage.problems import with_retries

log = logging.getLogger(__name__)
audit = logging.getLogger("agentdesk.audit")

WAIT_SLICE_SECONDS = 1.0
# A scheduled run waits this long at most for the chat to go quiet before it starts.
CHAT_YIELD_SECONDS = 60.0


class TaskNotFound(LookupError):
    """No task has this id."""


class TaskBusy(RuntimeError):
    """The task is already running."""


@dataclass(frozen=True)
class TaskSnapshot:
    """What a run needs from the task, read once when it starts."""

    id: str
    name: str
    prompt: str
    mode: str
    use_knowledge: KnowledgeUse  # handed to the agent run as the task stores it
    conversation_id: str | None


class TaskRunner:
    """Starts task runs on the event loop and records how each one ended."""

    def __init__(
        self,
        db: Database,
        agents: AgentManager,
        keep_runs: int = 200,
        chat_yield_seconds: float = CHAT_YIELD_SECONDS,
    ) -> None:
        self.db = db
        self.agents = agents
        self.keep_runs = keep_runs
        self.chat_yield_seconds = chat_yield_seconds
        self.run_ids: set[str] = set()  # agent runs started by tasks
        self.loop: asyncio.AbstractEventLoop | None = None
        self.running: dict[str, int] = {}  # task id -> task run id; touched on the loop only
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    # -- from the scheduler's threads -------------------------------------------------------

    def fire(self, task_id: str, scheduled_for: datetime | None = None) -> None:
        """Run ``task_id`` now and wait for it to end (called by the scheduler)."""
        loop = self.loop
        if loop is None or self._closed or loop.is_closed():
            log.warning("task %s fired while AgentDesk is not running; skipped", task_id)
            return
        future = asyncio.run_coroutine_threadsafe(self.run(task_id, "schedule"), loop)
        while True:
            try:
                future.result(timeout=WAIT_SLICE_SECONDS)
                return
            except concurrent.futures.TimeoutError:
                # A pool thread must not outlive the app, or the process cannot exit.
                if self._closed or loop.is_closed():
                    future.cancel()
                    return
            except Exception:
                log.exception("task %s failed to run", task_id)
                return

    def record_missed(
        self, task_id: str, scheduled_for: datetime | None, status: str = "missed"
    ) -> None:
        """Note in the history that a scheduled run did not happen: ``missed`` (AgentDesk was
        closed or busy) or ``skipped`` (the previous run was still going)."""
        when = scheduled_for.isoformat(timespec="seconds") if scheduled_for else "its time"
        if status == "skipped":
            reason = f"the run due at {when} was skipped: the previous run was still going"
        else:
            reason = f"the run due at {when} was missed: AgentDesk was not running or was busy"
        with self.db.session() as session:
            if store.get(session, task_id) is not None:
                store.record(session, task_id, "schedule", status, reason)

    # -- on the event loop -------------------------------------------------------------------

    async def run(self, task_id: str, reason: str) -> dict[str, Any]:
        """Run the task to its end; returns its history entry."""
        row = await self.begin(task_id, reason)
        if row["status"] == "running":
            await self._execute(row["id"], task_id, step_aside=True)
        return await asyncio.to_thread(self.entry, row["id"])

    def chat_busy(self) -> bool:
        """Whether a person's question is being answered or waiting (not a task's run)."""
        return any(run_id not in self.run_ids for run_id in self.agents.active)

    async def _step_aside(self) -> None:
        # A scheduled run lets a chat answer that is in progress finish first (the agents
        # answer one run at a time), up to a limit so the task still runs on a busy day.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.chat_yield_seconds
        while loop.time() < deadline:
            if not self.chat_busy():
                return
            await asyncio.sleep(0.5)

    async def run_now(self, task_id: str) -> dict[str, Any]:
        """Start the task in the background; returns its (running) history entry at once."""
        if task_id in self.running:
            raise TaskBusy("This task is already running; wait for it to finish.")
        row = await self.begin(task_id, "manual")
        job = asyncio.create_task(self._execute(row["id"], task_id), name=f"task-{task_id}")
        self._tasks.add(job)
        job.add_done_callback(self._tasks.discard)
        return row

    async def begin(self, task_id: str, reason: str) -> dict[str, Any]:
        """Open a history entry: ``running``, or ``skipped`` when the last run is still going."""
        busy = task_id in self.running
        if not busy:
            self.running[task_id] = 0  # claimed now: a second caller sees it is taken
        try:
            row = await asyncio.to_thread(self._open, task_id, reason, busy)
        except BaseException:
            if not busy:
                self.running.pop(task_id, None)
            raise
        if not busy:
            self.running[task_id] = row["id"]
        return row

    def _open(self, task_id: str, reason: str, busy: bool) -> dict[str, Any]:
        with self.db.session() as session:
            if store.get(session, task_id) is None:
                raise TaskNotFound(f"Task {task_id} does not exist")
            if busy:
                note = "the previous run of this task was still going"
                return store.run_as_dict(store.record(session, task_id, reason, "skipped", note))
            return store.run_as_dict(store.start_run(session, task_id, reason))

    def _snapshot(self, task_id: str) -> TaskSnapshot:
        with self.db.session() as session:
            task = store.get(session, task_id)
            if task is None:
                raise TaskNotFound(f"Task {task_id} does not exist")
            return TaskSnapshot(
                task.id,
                task.name,
                task.prompt,
                task.mode,
                knowledge_use(task.use_knowledge),
                task.conversation_id,
            )

    async def _execute(self, task_run_id: int, task_id: str, step_aside: bool = False) -> None:
        """Run the agent for an opened history entry and record how it ended; the task is
        marked not running afterwards whatever happens."""
        status, output, error = "error", None, None
        run: Any = None
        task = TaskSnapshot(task_id, "", "", "auto", "auto", None)
        try:
            if step_aside:
                await self._step_aside()
            task = await asyncio.to_thread(self._snapshot, task_id)
            audit.info(json.dumps({"event": "task_run", "state": "started", **self._ids(task)}))
            run = await self._submit(task)
            self.run_ids.add(run.run_id)
            await asyncio.to_thread(self._link, task_run_id, task, run.run_id, run.conversation_id)
            last = None
            async for event in run.follow():
                last = event
            data = last.data if last is not None else {}
            # A run whose answer failed the answer check is "no_answer", never "completed", so
            # the history counts only answers that passed.
            status = {"completed": "completed", "stopped": "stopped", "no_answer": "no_answer"}.get(
                last.type if last else "", "error"
            )
            output = str(data.get("answer") or "") or None
            error = None if status == "completed" else str(data.get("message") or "the run failed")
        except asyncio.CancelledError:
            status, error = "stopped", "AgentDesk stopped during the run"
            raise
        except Exception as exc:
            log.exception("task %s run %d failed", task.id, task_run_id)
            error = str(exc) or type(exc).__name__
        finally:
            self.running.pop(task.id, None)
            if run is not None:
                self.run_ids.discard(run.run_id)
            # Worth waiting out a short database lock: otherwise the entry says "running"
            # until the next start.
            finish = functools.partial(self._finish, task_run_id, task, status, output, error)
            await asyncio.shield(
                asyncio.to_thread(with_retries, finish, f"saving task run {task_run_id}")
            )

    async def _submit(self, task: TaskSnapshot) -> Any:
        # Each run gets an empty history: earlier runs of the task must not steer this one.
        try:
            return await self.agents.submit(
                task.prompt, task.conversation_id, task.mode, task.use_knowledge, history=[]
            )
        except UnknownConversation:  # the user deleted the task's conversation
            return await self.agents.submit(
                task.prompt, None, task.mode, task.use_knowledge, history=[]
            )

    def _link(
        self, task_run_id: int, task: TaskSnapshot, run_id: str, conversation_id: str
    ) -> None:
        with self.db.session() as session:
            store.link(session, task_run_id, run_id, conversation_id)
            if conversation_id != task.conversation_id:
                row = store.get(session, task.id)
                if row is not None:
                    row.conversation_id = conversation_id
                chat = conversations.get(session, conversation_id)
                if chat is not None:
                    conversations.rename(session, chat, f"Task: {task.name}"[:200])

    def _finish(
        self,
        task_run_id: int,
        task: TaskSnapshot,
        status: str,
        output: str | None,
        error: str | None,
    ) -> None:
        with self.db.session() as session:
            store.finish(session, task_run_id, status, output, error)
            store.prune(session, task.id, self.keep_runs)
        ended = {
            "event": "task_run",
            "state": status,
            "task_run_id": task_run_id,
            **self._ids(task),
        }
        audit.info(json.dumps({**ended, "error": error}, ensure_ascii=False))

    @staticmethod
    def _ids(task: TaskSnapshot) -> dict[str, str]:
        return {"task_id": task.id, "task": task.name}

    def entry(self, task_run_id: int) -> dict[str, Any]:
        """One history entry by id."""
        with self.db.session() as session:
            row = session.get(TaskRun, task_run_id)
            if row is None:
                raise TaskNotFound(f"Task run {task_run_id} does not exist")
            return store.run_as_dict(row)

    async def close(self, timeout: float = 5.0) -> None:
        """Let runs in flight record their end (their agent runs are stopped first)."""
        self._closed = True
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
