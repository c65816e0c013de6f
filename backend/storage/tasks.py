"""Scheduled tasks and their run history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from backend.storage.models import Task, TaskRun, utcnow

# Statuses a run can end with; "running" is the only one that is not final.
FINAL_STATUSES = (
    "completed",
    "no_answer",
    "error",
    "stopped",
    "skipped",
    "missed",
    "interrupted",
)


def create(session: Session, **fields: Any) -> Task:
    """Store a new task (``name``, ``prompt``, ``mode``, ``use_knowledge``, ``trigger``...)."""
    task = Task(**fields)
    session.add(task)
    session.flush()
    return task


def get(session: Session, task_id: str) -> Task | None:
    return session.get(Task, task_id)


def all_tasks(session: Session) -> list[Task]:
    """Every task, oldest first."""
    return list(session.scalars(select(Task).order_by(Task.created_at, Task.id)))


def change(session: Session, task: Task, **fields: Any) -> Task:
    """Set the given fields and touch ``updated_at``."""
    for name, value in fields.items():
        setattr(task, name, value)
    task.updated_at = utcnow()
    session.flush()
    return task


def remove(session: Session, task_id: str) -> bool:
    """Delete a task and its history; False when there was no such task."""
    task = session.get(Task, task_id)
    if task is None:
        return False
    session.execute(delete(TaskRun).where(TaskRun.task_id == task_id))
    session.delete(task)
    return True


def start_run(
    session: Session, task_id: str, reason: str, scheduled_for: datetime | None = None
) -> TaskRun:
    """Record that a run of ``task_id`` has begun."""
    row = TaskRun(task_id=task_id, reason=reason, status="running", scheduled_for=scheduled_for)
    session.add(row)
    session.flush()
    return row


def record(session: Session, task_id: str, reason: str, status: str, error: str) -> TaskRun:
    """Record a run that never started (skipped, missed): it begins and ends now."""
    now = utcnow()
    row = TaskRun(
        task_id=task_id, reason=reason, status=status, error=error, started_at=now, finished_at=now
    )
    session.add(row)
    session.flush()
    return row


def link(session: Session, task_run_id: int, run_id: str, conversation_id: str) -> None:
    """Attach the agent run (and its conversation) that answers this task run."""
    session.execute(
        update(TaskRun)
        .where(TaskRun.id == task_run_id)
        .values(run_id=run_id, conversation_id=conversation_id)
    )


def finish(
    session: Session, task_run_id: int, status: str, output: str | None, error: str | None
) -> None:
    session.execute(
        update(TaskRun)
        .where(TaskRun.id == task_run_id)
        .values(status=status, output=output, error=error, finished_at=utcnow())
    )


def history(session: Session, task_id: str, limit: int = 50, offset: int = 0) -> list[TaskRun]:
    """A task's runs, newest first."""
    query = (
        select(TaskRun)
        .where(TaskRun.task_id == task_id)
        .order_by(TaskRun.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def count_runs(session: Session, task_id: str) -> int:
    query = select(func.count()).select_from(TaskRun).where(TaskRun.task_id == task_id)
    return int(session.scalar(query) or 0)


def last_runs(session: Session) -> dict[str, TaskRun]:
    """Each task's latest run."""
    latest = select(func.max(TaskRun.id)).group_by(TaskRun.task_id)
    rows = session.scalars(select(TaskRun).where(TaskRun.id.in_(latest)))
    return {row.task_id: row for row in rows}


def prune(session: Session, task_id: str, keep: int) -> int:
    """Forget all but the newest ``keep`` runs of a task; returns how many went."""
    newest = (
        select(TaskRun.id).where(TaskRun.task_id == task_id).order_by(TaskRun.id.desc()).limit(keep)
    )
    result = session.execute(
        delete(TaskRun).where(TaskRun.task_id == task_id, TaskRun.id.not_in(newest))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def mark_interrupted(session: Session) -> int:
    """Runs a previous process left running end as interrupted."""
    if session.scalar(select(TaskRun.id).where(TaskRun.status == "running").limit(1)) is None:
        return 0  # nothing to write: a start-up needs no write lock then
    result = session.execute(
        update(TaskRun)
        .where(TaskRun.status == "running")
        .values(
            status="interrupted", error="AgentDesk stopped during the run", finished_at=utcnow()
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def counts_by_status(session: Session) -> dict[str, int]:
    """How many task runs ended each way (for the metrics)."""
    rows = session.execute(select(TaskRun.status, func.count()).group_by(TaskRun.status))
    return {str(status): int(count) for status, count in rows}


def aware(moment: datetime | None) -> datetime | None:
    """``moment`` in UTC (SQLite hands back naive datetimes)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    stamp = aware(moment)
    return stamp.isoformat() if stamp else None


def run_as_dict(row: TaskRun) -> dict[str, Any]:
    """A task run as the API shows it, with links to its agent run's transcript."""
    started, finished = aware(row.started_at), aware(row.finished_at)
    duration = None
    if started is not None and finished is not None:
        duration = round((finished - started).total_seconds(), 3)
    links = None
    if row.run_id:
        base = f"/api/agent/runs/{row.run_id}"
        links = {"run": base, "events": f"{base}/events", "export": f"{base}/export?format=md"}
    return {
        "id": row.id,
        "task_id": row.task_id,
        "reason": row.reason,
        "status": row.status,
        "scheduled_for": iso(row.scheduled_for),
        "started_at": iso(row.started_at),
        "finished_at": iso(finished),
        "duration_seconds": duration,
        "output": row.output,
        "error": row.error,
        "run_id": row.run_id,
        "conversation_id": row.conversation_id,
        "links": links,
    }
