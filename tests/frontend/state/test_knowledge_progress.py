"""Ingest progress: files done of total, rates and ETA from the status body."""

from __future__ import annotations

from typing import Any

from frontend.state.knowledge_progress import progress_of, status_signature


def _status(
    indexed: int = 0,
    failed: int = 0,
    queue: int = 0,
    active: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "queue_length": queue,
        "active": active,
        "files_per_second": 2.0,
        "chunks_per_second": 31.25,
        "eta_seconds": 65.0,
        "totals": {"indexed": indexed, "skipped": 0, "failed": failed, "pending": queue},
        "recent": [],
        "errors": [],
        "index": {"documents": indexed, "chunks": 10 * indexed, "vectors": 0, "generation": 1},
        # Between batches the server's counters are zero.
        "batch": {"done": 0, "total": 0},
        **extra,
    }


def test_the_servers_batch_counters_win() -> None:
    active = {"path": "/inbox/b.txt", "stage": "embedding"}
    status = _status(indexed=5, queue=2, active=active, batch={"done": 1, "total": 4})
    progress, _ = progress_of(status, None)
    assert (progress.busy, progress.done, progress.total, progress.percent) == (True, 1, 4, 25)
    assert (progress.current, progress.current_path, progress.stage) == (
        "b.txt",
        "/inbox/b.txt",
        "embedding",
    )
    assert (progress.files_rate, progress.chunks_rate, progress.eta) == ("2.0", "31.2", "1 min 5 s")
    assert (progress.indexed, progress.chunks) == (5, 50)


def test_between_batches_the_batch_starts_when_the_queue_was_empty() -> None:
    idle, baseline = progress_of(_status(indexed=3), None)
    assert not idle.busy and idle.percent == 100 and idle.eta == "—"
    assert baseline == 3
    active = {"path": "/inbox/x.md", "stage": "parsing"}
    busy, baseline = progress_of(_status(indexed=4, failed=1, queue=2, active=active), baseline)
    assert (busy.done, busy.total, busy.percent) == (2, 5, 40)
    assert baseline == 3
    done, baseline = progress_of(_status(indexed=6, failed=1), baseline)
    assert not done.busy and baseline == 7


def test_deletions_never_make_progress_negative() -> None:
    progress, baseline = progress_of(_status(indexed=1, queue=1), 5)
    assert progress.done == 0 and progress.total == 1 and baseline == 1


def test_signature_changes_with_what_the_table_shows() -> None:
    first = status_signature(_status(indexed=1))
    assert status_signature(_status(indexed=1)) == first
    assert status_signature(_status(indexed=2)) != first
    assert status_signature(_status(indexed=1, active={"path": "/a", "stage": "x"})) != first
