"""Agent runs and their persisted event transcripts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.storage.models import Run, RunEventRecord, utcnow


def create(
    session: Session,
    run_id: str,
    conversation_id: str | None,
    mode: str,
    engine: str,
    prompt: str,
) -> Run:
    run = Run(
        id=run_id,
        conversation_id=conversation_id,
        mode=mode,
        engine=engine,
        prompt=prompt,
        status="running",
    )
    session.add(run)
    session.flush()
    return run


def add_event(
    session: Session,
    run_id: str,
    seq: int,
    ts: datetime,
    type_: str,
    agent: str,
    data: dict[str, Any],
) -> None:
    session.add(RunEventRecord(run_id=run_id, seq=seq, ts=ts, type=type_, agent=agent, data=data))


def finish(
    session: Session, run_id: str, status: str, answer: str | None, error: str | None
) -> None:
    session.execute(
        update(Run)
        .where(Run.id == run_id)
        .values(status=status, answer=answer, error=error, finished_at=utcnow())
    )


def get(session: Session, run_id: str) -> Run | None:
    return session.get(Run, run_id)


def events(session: Session, run_id: str) -> list[RunEventRecord]:
    return list(
        session.scalars(
            select(RunEventRecord)
            .where(RunEventRecord.run_id == run_id)
            .order_by(RunEventRecord.seq)
        ).all()
    )


def mark_interrupted(session: Session) -> int:
    """Runs left 'running' by a previous process are marked interrupted; returns how many."""
    result = session.execute(
        update(Run)
        .where(Run.status == "running")
        .values(status="interrupted", error="the app stopped during this run", finished_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def as_dict(run: Run) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "conversation_id": run.conversation_id,
        "mode": run.mode,
        "engine": run.engine,
        "prompt": run.prompt,
        "status": run.status,
        "answer": run.answer,
        "error": run.error,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
