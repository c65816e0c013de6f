"""Ingest progress for the Knowledge page, derived from ``GET /api/knowledge/status``.

"Files done of total" comes from the server's ``batch`` counters; between batches (total 0)
the batch is counted from the running totals since the queue was last seen empty.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from backend.api.schemas.knowledge import KnowledgeStatus
from frontend.state.knowledge_format import format_eta, format_rate
from frontend.state.knowledge_models import file_name


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


def finished_count(status: KnowledgeStatus) -> int:
    """Files the ingester has finished with, whatever the outcome."""
    totals = status.totals
    return totals.indexed + totals.skipped + totals.failed


def progress_of(
    raw: dict[str, Any] | KnowledgeStatus, baseline: int | None
) -> tuple[IngestProgress, int]:
    """The panel's content and the finished count to measure the next poll's batch from.

    ``baseline`` is the finished count when the queue was last empty (``None`` before the
    first poll); while files are queued it is kept, once the queue drains it moves up.
    """
    status = KnowledgeStatus.model_validate(raw)
    active = status.active
    remaining = status.queue_length + (1 if active else 0)
    finished = finished_count(status)
    start = finished if baseline is None or baseline > finished else baseline
    done, total = min(status.batch.done, status.batch.total), status.batch.total
    if total <= 0:
        done = finished - start
        total = done + remaining
    totals = status.totals
    progress = IngestProgress(
        busy=remaining > 0,
        done=done,
        total=total,
        percent=round(100 * done / total) if total else 100,
        files_rate=format_rate(status.files_per_second),
        chunks_rate=format_rate(status.chunks_per_second),
        eta=format_eta(status.eta_seconds) if remaining else "—",
        current=file_name({"path": active.path}) if active else "",
        current_path=active.path if active else "",
        stage=active.stage if active else "",
        indexed=totals.indexed,
        pending=totals.pending,
        failed=totals.failed,
        skipped=totals.skipped,
        chunks=status.index.chunks,
    )
    return progress, (finished if remaining == 0 else start)


def status_signature(status: dict[str, Any]) -> str:
    """Changes whenever the documents table may be out of date."""
    active = status.get("active")
    where = (active.get("path"), active.get("stage")) if isinstance(active, dict) else ()
    parts = (status.get("totals"), status.get("index"), status.get("queue_length"))
    return repr((*parts, *where, status.get("recent")))
