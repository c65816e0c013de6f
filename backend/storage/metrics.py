"""The resource monitor's stored history: one averaged row per minute."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.storage.models import MetricSample

# The measured series, in the order stored rows (and the monitor's history) give them.
SERIES = (
    "cpu_percent",
    "memory_percent",
    "disk_percent",
    "process_rss_mb",
    "process_cpu_percent",
    "gpu_percent",
    "gpu_memory_percent",
    "total_rss_mb",
    "total_cpu_percent",
    "model_rss_mb",
    "model_cpu_percent",
)


def add(session: Session, ts: datetime, values: dict[str, float | None]) -> None:
    """Store one averaged sample (missing required values count as 0)."""
    row = MetricSample(ts=ts, **{name: values.get(name) for name in SERIES})
    for name in SERIES[:5]:
        if getattr(row, name) is None:
            setattr(row, name, 0.0)
    session.add(row)


def since(session: Session, start: datetime) -> list[tuple[datetime, list[float | None]]]:
    """Rows from ``start`` on, oldest first, as (time, values in SERIES order)."""
    rows = session.scalars(
        select(MetricSample).where(MetricSample.ts >= start).order_by(MetricSample.ts)
    )
    return [
        (
            row.ts if row.ts.tzinfo else row.ts.replace(tzinfo=UTC),
            [getattr(row, n) for n in SERIES],
        )
        for row in rows
    ]


def prune(session: Session, before: datetime) -> int:
    """Delete rows older than ``before``; returns how many went."""
    result = session.execute(delete(MetricSample).where(MetricSample.ts < before))
    return int(getattr(result, "rowcount", 0) or 0)
