"""Ingest progress for the Knowledge page, derived from ``GET /api/knowledge/status``.

"Files done of total" comes from the server's ``batch`` counters; a server without them only
reports running totals, so the batch is then counted from when the queue was last seen empty.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from frontend.state.knowledge_format import format_eta, format_rate
from frontend.state.knowledge_models import file_name

_FINISHED = ("indexed", "skipped", "failed")


@dataclasses.dataclass
class IngestProgress:
    """What the progress panel shows."""

    busy: bool = False
    done: int = 0
    total: int = 0
    percent: int = 0
    files_rate: str = "0"
    chunks_rate: str = "0"
    eta: str = "—"
    current: str = ""
    current_path: str = ""
    stage: str = ""
    indexed: int = 0
    pending: int = 0
    failed: int = 0
    skipped: int = 0
    chunks: int = 0


def _count(mapping: Any, key: str) -> int:
    if not isinstance(mapping, dict):
        return 0
    try:
        return int(mapping.get(key) or 0)
    except (TypeError, ValueError):
        return 0


def _batch(status: dict[str, Any]) -> tuple[int, int]:
    """The server's own batch counters when it reports them, else ``(0, 0)``."""
    batch = status.get("batch")
    done, total = _count(batch, "done"), _count(batch, "total")
    return (min(done, total), total) if total > 0 else (0, 0)


def finished_count(status: dict[str, Any]) -> int:
    """Files the ingester has finished with, whatever the outcome."""
    return sum(_count(status.get("totals"), key) for key in _FINISHED)


def progress_of(status: dict[str, Any], baseline: int | None) -> tuple[IngestProgress, int]:
    """The panel's content and the finished count to measure the next poll's batch from.

    ``baseline`` is the finished count when the queue was last empty (``None`` before the
    first poll); while files are queued it is kept, once the queue drains it moves up.
    """
    active = status.get("active")
    active = active if isinstance(active, dict) else None
    remaining = _count(status, "queue_length") + (1 if active else 0)
    finished = finished_count(status)
    start = finished if baseline is None or baseline > finished else baseline
    done, total = _batch(status)
    if total <= 0:
        done = finished - start
        total = done + remaining
    totals, index = status.get("totals"), status.get("index")
    progress = IngestProgress(
        busy=remaining > 0,
        done=done,
        total=total,
        percent=round(100 * done / total) if total else 100,
        files_rate=format_rate(status.get("files_per_second")),
        chunks_rate=format_rate(status.get("chunks_per_second")),
        eta=format_eta(status.get("eta_seconds")) if remaining else "—",
        current=file_name(active) if active else "",
        current_path=str(active.get("path", "")) if active else "",
        stage=str(active.get("stage") or "") if active else "",
        indexed=_count(totals, "indexed"),
        pending=_count(totals, "pending"),
        failed=_count(totals, "failed"),
        skipped=_count(totals, "skipped"),
        chunks=_count(index, "chunks"),
    )
    return progress, (finished if remaining == 0 else start)


def status_signature(status: dict[str, Any]) -> str:
    """Changes whenever the documents table may be out of date."""
    active = status.get("active")
    where = (active.get("path"), active.get("stage")) if isinstance(active, dict) else ()
    parts = (status.get("totals"), status.get("index"), status.get("queue_length"))
    return repr((*parts, *where, status.get("recent")))
