"""``ingest`` and ``status`` commands for the knowledge base (registered in backend.cli)."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from backend.config import load_settings

BATCH = 16


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ingest`` and ``status`` to the command line."""
    ingest = commands.add_parser(
        "ingest",
        help="index files or folders into the knowledge base",
        description="Index files and folders (recursively) with a progress bar, then print a "
        "summary: indexed / unchanged / skipped / failed, with the reasons. Unchanged files "
        "cost nothing, so it is safe to run again. Run it while the app is stopped; the app "
        "picks the result up at its next start.",
    )
    ingest.add_argument("paths", nargs="+", type=Path, help="files or folders")
    ingest.set_defaults(run=run_ingest)
    status = commands.add_parser("status", help="documents and chunks in the knowledge base")
    status.set_defaults(run=run_status)


def _open() -> Any:
    from backend.allocator import tune_allocator
    from backend.knowledge.embedder import Embedder
    from backend.knowledge.ingest import Ingestor
    from backend.knowledge.vectors import VectorIndex
    from backend.storage import migrate
    from backend.storage.db import Database

    tune_allocator()
    settings = load_settings()
    migrate.upgrade(settings.database_path)
    db = Database(settings.database_path)
    embedder = Embedder(settings.embedding_model, settings.embed_batch_size)
    ingestor = Ingestor(settings, db, embedder, VectorIndex(settings.index_dir, embedder.dimension))
    ingestor.sync_vectors()
    return ingestor


def _files(paths: list[Path]) -> list[Path]:
    from backend.knowledge.files import is_ignored, walk_files

    found: list[Path] = []
    for path in paths:
        resolved = path.expanduser().resolve()
        if resolved.is_dir():
            found += sorted(walk_files(resolved))
        elif resolved.is_file() and not is_ignored(resolved, resolved.parent):
            found.append(resolved)
        else:
            print(f"not found: {path}", file=sys.stderr)
    return found


def _bar(done: int, total: int, chunks: int, started: float, out: TextIO) -> None:
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = done / elapsed
    eta = (total - done) / rate if rate > 0 else 0.0
    width = 30
    filled = int(width * done / total) if total else width
    line = (
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files  "
        f"{rate:.1f} files/s  {chunks / elapsed:.0f} chunks/s  ETA {eta:4.0f}s"
    )
    out.write(line)
    out.flush()


def run_ingest(args: argparse.Namespace) -> int:
    """Index the given paths; exit 1 when any file failed."""
    files = _files(args.paths)
    if not files:
        print("Nothing to index.", file=sys.stderr)
        return 1
    ingestor = _open()
    started = time.monotonic()
    outcomes = []
    chunks = 0
    for i in range(0, len(files), BATCH):
        batch = ingestor.ingest_many(files[i : i + BATCH])
        outcomes += batch
        chunks += sum(o.chunks for o in batch if o.outcome == "indexed")
        _bar(len(outcomes), len(files), chunks, started, sys.stderr)
    ingestor.save_vectors()
    sys.stderr.write("\n")
    print(summary(outcomes, time.monotonic() - started))
    return 1 if any(o.outcome == "failed" for o in outcomes) else 0


def summary(outcomes: list[Any], seconds: float) -> str:
    """The table printed after an ingest: counts per outcome, then each problem file."""
    counts = Counter(o.outcome for o in outcomes)
    lines = [f"{'outcome':<10} {'files':>6}", f"{'-' * 10} {'-' * 6}"]
    for kind in ("indexed", "moved", "unchanged", "removed", "skipped", "failed"):
        if counts[kind]:
            lines.append(f"{kind:<10} {counts[kind]:>6}")
    lines.append(f"{'total':<10} {len(outcomes):>6}   in {seconds:.1f} s")
    problems = [o for o in outcomes if o.outcome in ("skipped", "failed")]
    if problems:
        lines += ["", "Not indexed:"]
        lines += [f"  {o.outcome}: {o.reason}  {o.path}" for o in problems]
    return "\n".join(lines)


def run_status(args: argparse.Namespace) -> int:
    """Print how many documents and chunks are indexed and which files failed."""
    from sqlalchemy import select

    from backend.knowledge import store
    from backend.storage import migrate
    from backend.storage.db import Database
    from backend.storage.models import Document

    settings = load_settings()
    migrate.upgrade(settings.database_path)
    db = Database(settings.database_path)
    with db.session() as session:
        totals = store.counts(session)
        failed = session.execute(
            select(Document.path, Document.error).where(Document.state == "failed")
        ).all()
    print(
        f"indexed {totals['indexed']}  skipped {totals['skipped']}  failed {totals['failed']}  "
        f"chunks {totals['chunks']}"
    )
    for path, error in failed:
        print(f"  failed: {error}  {path}")
    return 0
