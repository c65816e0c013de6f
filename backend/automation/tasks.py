"""TaskService: the user's scheduled agent tasks, kept in the database and in the scheduler.

The ``tasks`` table holds each task's definition; APScheduler's persistent job store holds its
schedule (job ``task-<id>``), so next-run times and runs missed while AgentDesk was closed
survive a restart. ``sync`` makes the two agree at start-up.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from backend.automation.scheduler import TASK_STORE, Scheduler
from backend.automation.task_runs import TaskNotFound, TaskRunner
from backend.automation.triggers import (
    DateSpec,
    build_trigger,
    describe,
    normalized,
    parse_spec,
)
from backend.storage import tasks as store
from backend.storage.db import Database
from backend.storage.models import Task

log = logging.getLogger(__name__)

FIRE_REF = "backend.automation.tasks:fire_scheduled_task"
PREVIEW_COUNT = 5

_runner: TaskRunner | None = None


def fire_scheduled_task(task_id: str) -> None:
    """What the persistent job store calls (it stores this function by name)."""
    runner = _runner
    if runner is None:
        log.warning("task %s fired before the task runner was ready; skipped", task_id)
        return
    runner.fire(task_id)


def job_id(task_id: str) -> str:
    return f"task-{task_id}"


class TaskService:
    """Create, edit, pause, resume and delete tasks; the runner runs them."""

    def __init__(
        self, db: Database, scheduler: Scheduler, runner: TaskRunner, misfire_grace_seconds: int
    ) -> None:
        self.db = db
        self.scheduler = scheduler
        self.runner = runner
        self.misfire_grace_seconds = misfire_grace_seconds

    def attach(self) -> None:
        """Route fired jobs to this service's runner (before the scheduler starts)."""
        global _runner
        _runner = self.runner
        self.scheduler.add_listener(self._on_job)

    def detach(self) -> None:
        global _runner
        if _runner is self.runner:
            _runner = None

    def _on_job(self, job: str, outcome: str, scheduled: datetime | None) -> None:
        if outcome in ("missed", "skipped") and job.startswith("task-"):
            self.runner.record_missed(job.removeprefix("task-"), scheduled, outcome)

    def recover(self) -> int:
        """Runs the last process left running end as interrupted (before the scheduler starts,
        which may at once fire runs that were due while AgentDesk was closed)."""
        with self.db.session() as session:
            interrupted = store.mark_interrupted(session)
        if interrupted:
            log.warning("%d task run(s) were interrupted by the last shutdown", interrupted)
        return interrupted

    def sync(self) -> None:
        """Make the job store match the tasks (after the scheduler has started)."""
        with self.db.session() as session:
            tasks = store.all_tasks(session)
        wanted = {job_id(task.id) for task in tasks}
        for stale in set(self.scheduler.job_ids(TASK_STORE)) - wanted:
            self.scheduler.remove(stale)
        for task in tasks:
            if not self.scheduler.has(job_id(task.id)):
                self._schedule(task, check_past=False)
            elif not task.enabled:
                self.scheduler.pause(job_id(task.id))
            elif self.scheduler.next_run(job_id(task.id)) is None:
                self.scheduler.resume(job_id(task.id))

    def _schedule(self, task: Task, check_past: bool = True) -> None:
        spec = parse_spec(task.trigger)
        if isinstance(spec, DateSpec) and not check_past:
            # A one-off whose time passed while AgentDesk was closed: it is over.
            run_at = spec.run_at if spec.run_at.tzinfo else spec.run_at.replace(tzinfo=UTC)
            if run_at <= datetime.now(UTC):
                return
        trigger = build_trigger(spec, check_past=check_past)
        self.scheduler.add_stored(
            job_id(task.id), FIRE_REF, trigger, (task.id,), self.misfire_grace_seconds
        )
        if not task.enabled:
            self.scheduler.pause(job_id(task.id))

    # The job store writes through its own connection: each change to ``tasks`` is committed
    # before the scheduler is touched, or SQLite would see two writers at once.

    def create(self, **fields: Any) -> dict[str, Any]:
        """A new task from validated fields; ``trigger`` is a spec (raises TriggerError)."""
        spec = fields.pop("trigger")
        build_trigger(spec)
        with self.db.session() as session:
            task = store.create(session, trigger=normalized(spec), **fields)
        try:
            self._schedule(task)
        except Exception:
            with self.db.session() as session:
                store.remove(session, task.id)
            raise
        return self._as_dict(task, detailed=True)

    def edit(self, task_id: str, **fields: Any) -> dict[str, Any]:
        """Change some fields; a new trigger reschedules the task."""
        spec = fields.pop("trigger", None)
        if spec is not None:
            build_trigger(spec)
            fields["trigger"] = normalized(spec)
        with self.db.session() as session:
            task = store.change(session, self._get(session, task_id), **fields)
        if spec is not None or "enabled" in fields:
            self.scheduler.remove(job_id(task.id))
            self._schedule(task)
        return self._as_dict(task, detailed=True)

    def set_enabled(self, task_id: str, enabled: bool) -> dict[str, Any]:
        """Pause (False) or resume (True) a task."""
        with self.db.session() as session:
            task = store.change(session, self._get(session, task_id), enabled=enabled)
        if not self.scheduler.has(job_id(task.id)):
            self._schedule(task, check_past=False)
        elif enabled:
            self.scheduler.resume(job_id(task.id))
        else:
            self.scheduler.pause(job_id(task.id))
        return self._as_dict(task, detailed=True)

    def delete(self, task_id: str) -> bool:
        """Delete a task and its history; False when there was none."""
        self.scheduler.remove(job_id(task_id))
        with self.db.session() as session:
            return store.remove(session, task_id)

    def get(self, task_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            return self._as_dict(self._get(session, task_id), detailed=True)

    def list(self) -> list[dict[str, Any]]:
        with self.db.session() as session:
            last = store.last_runs(session)
            return [self._as_dict(t, last_run=last.get(t.id)) for t in store.all_tasks(session)]

    def history(self, task_id: str, limit: int, offset: int) -> dict[str, Any]:
        with self.db.session() as session:
            self._get(session, task_id)
            runs = store.history(session, task_id, limit, offset)
            total = store.count_runs(session, task_id)
            return {"runs": [store.run_as_dict(r) for r in runs], "total": total}

    @staticmethod
    def _get(session: Any, task_id: str) -> Task:
        task = store.get(session, task_id)
        if task is None:
            raise TaskNotFound(f"Task {task_id} does not exist")
        return task

    def _as_dict(self, task: Task, detailed: bool = False, last_run: Any = None) -> dict[str, Any]:
        spec = parse_spec(task.trigger)
        next_run = self.scheduler.next_run(job_id(task.id))
        if task.id in self.runner.running:
            state = "running"
        elif not task.enabled:
            state = "paused"
        elif next_run is None:
            state = "finished"
        else:
            state = "scheduled"
        body: dict[str, Any] = {
            "id": task.id,
            "name": task.name,
            "prompt": task.prompt,
            "mode": task.mode,
            "use_knowledge": task.use_knowledge,
            "trigger": task.trigger,
            "schedule": describe(spec),
            "enabled": task.enabled,
            "state": state,
            "next_run_at": next_run.isoformat() if next_run else None,
            "conversation_id": task.conversation_id,
            "created_at": store.iso(task.created_at),
            "updated_at": store.iso(task.updated_at),
        }
        if detailed:
            with self.db.session() as session:
                latest = store.history(session, task.id, 1)
            last_run = latest[0] if latest else None
            upcoming = self.scheduler.upcoming(job_id(task.id), PREVIEW_COUNT)
            body["next_runs"] = [moment.isoformat() for moment in upcoming]
        body["last_run"] = store.run_as_dict(last_run) if last_run is not None else None
        return body
