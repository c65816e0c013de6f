"""Agent runs and their persisted event transcripts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
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
    session: Session,
    run_id: str,
    status: str,
    answer: str | None,
    error: str | None,
    engine: str | None = None,
) -> None:
    """Record how a run ended; ``engine`` when it is not the one the run started with (the
    model chose another for an unsure auto route)."""
    values: dict[str, Any] = {
        "status": status,
        "answer": answer,
        "error": error,
        "finished_at": utcnow(),
    }
    if engine is not None:
        values["mode"] = values["engine"] = engine
    session.execute(update(Run).where(Run.id == run_id).values(**values))


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


INTERRUPTED = "the app stopped during this run; ask again for an answer"


def mark_interrupted(session: Session) -> int:
    """Runs left 'running' by a previous process are marked interrupted; returns how many.

    Each transcript gets a closing ``error`` event too: a replay of it would otherwise end
    without one, and whoever follows it (the UI's run timeline) would show it still running.
    """
    cut_off = session.execute(select(Run.id, Run.engine).where(Run.status == "running")).all()
    if not cut_off:
        return 0  # nothing to write: a start-up needs no write lock then
    last_seqs = dict(
        session.execute(
            select(RunEventRecord.run_id, func.max(RunEventRecord.seq))
            .where(RunEventRecord.run_id.in_([run_id for run_id, _ in cut_off]))
            .group_by(RunEventRecord.run_id)
        ).all()
    )
    now = utcnow()
    for run_id, engine in cut_off:
        data: dict[str, Any] = {"message": INTERRUPTED, "status": 503, "interrupted": True}
        add_event(session, run_id, (last_seqs.get(run_id) or 0) + 1, now, "error", engine, data)
    session.execute(
        update(Run)
        .where(Run.id.in_([run_id for run_id, _ in cut_off]))
        .values(status="interrupted", error=INTERRUPTED, finished_at=now)
    )
    return len(cut_off)


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


def recent(session: Session, limit: int = 50, engine: str | None = None) -> list[Run]:
    """The latest runs, newest first, optionally of one engine."""
    query = select(Run).order_by(Run.started_at.desc()).limit(limit)
    if engine:
        query = query.where(Run.engine == engine)
    return list(session.scalars(query).all())


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


def engine_stats(session: Session, window: int = 500) -> dict[str, dict[str, Any]]:
    """Per engine over its last ``window`` finished runs: count, success rate, p50/p95 s.

    Only ``completed`` runs are successes: a run whose answer failed the answer check is
    ``no_answer`` and counted as such.
    """
    finished = session.execute(
        select(Run.engine, Run.status, Run.started_at, Run.finished_at)
        .where(Run.finished_at.is_not(None))
        .order_by(Run.started_at.desc())
    ).all()
    grouped: dict[str, list[tuple[str, float]]] = {}
    for engine, status, started, ended in finished:
        rows = grouped.setdefault(engine, [])
        if ended is not None and len(rows) < window:
            rows.append((status, (ended - started).total_seconds()))
    stats: dict[str, dict[str, Any]] = {}
    for engine, rows in grouped.items():
        seconds = [s for _, s in rows]
        done = sum(1 for status, _ in rows if status == "completed")
        stats[engine] = {
            "runs": len(rows),
            "completed": done,
            "no_answer": sum(1 for status, _ in rows if status == "no_answer"),
            "success_rate": round(done / len(rows), 3),
            "p50_seconds": _percentile(seconds, 0.5),
            "p95_seconds": _percentile(seconds, 0.95),
        }
    return stats


def as_markdown(run: Run, events: list[RunEventRecord]) -> str:
    """A run's transcript as Markdown: the question, every step, and how it ended."""
    lines = [
        f"# Run {run.id}",
        "",
        f"- mode: {run.mode}, engine: {run.engine}, status: {run.status}",
        f"- started: {run.started_at.isoformat()}",
        f"- finished: {run.finished_at.isoformat() if run.finished_at else '-'}",
        "",
        "## Prompt",
        "",
        run.prompt,
        "",
        "## Steps",
        "",
    ]
    for event in events:
        data = dict(event.data)
        if event.type == "tool_call":
            detail = f"`{data.get('tool')}` {data.get('arguments')}"
        elif event.type == "tool_result":
            detail = f"`{data.get('tool')}` → {data.get('error') or data.get('result', '')}"
        elif event.type == "step" and data.get("kind") == "code":
            detail = f"\n\n```python\n{data.get('code', '')}\n```\n\n{data.get('output', '')}"
        else:
            detail = str(data.get("text") or data.get("message") or data.get("reason") or "")
        lines.append(f"{event.seq}. **{event.type}** ({event.agent}) {detail}".rstrip())
    lines += ["", "## Answer", "", run.answer or f"_(none: {run.error or run.status})_", ""]
    return "\n".join(lines)


def recent_durations(session: Session, modes: Iterable[str], limit: int) -> dict[str, list[float]]:
    """Seconds each of the last ``limit`` completed runs of each mode took, newest first."""
    found: dict[str, list[float]] = {}
    for mode in set(modes):
        rows = session.execute(
            select(Run.started_at, Run.finished_at)
            .where(Run.mode == mode, Run.status == "completed", Run.finished_at.is_not(None))
            .order_by(Run.finished_at.desc())
            .limit(limit)
        )
        found[mode] = [(ended - started).total_seconds() for started, ended in rows if ended]
    return found
