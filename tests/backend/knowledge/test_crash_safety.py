"""SIGKILL in the middle of ingesting a few hundred files, restart: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend.config import load_settings
from backend.knowledge.service import KnowledgeService
from backend.storage.db import Database
from tests.backend.knowledge.conftest import HashEmbedder

FILES = 300
ROOT = Path(__file__).resolve().parents[3]


def indexed_count(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=5) as db:
            return int(
                db.execute("SELECT count(*) FROM documents WHERE state='indexed'").fetchone()[0]
            )
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_kill_during_ingest_then_restart_is_consistent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    for i in range(FILES):
        body = "\n\n".join(f"File {i} part {p}: " + f"token{i}_{p} " * 30 for p in range(4))
        (inbox / f"note-{i:03}.txt").write_text(body)

    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.backend.knowledge.crash_worker", str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    database = data / "agentdesk.db"
    deadline = time.monotonic() + 120
    while indexed_count(database) < FILES // 4:
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        assert time.monotonic() < deadline, "ingest did not progress"
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    killed_at = indexed_count(database)
    assert FILES // 4 <= killed_at < FILES, "the kill did not land mid-ingest"

    settings = load_settings(
        _env_file=None,
        data_dir=data,
        llm_provider="fake",
        chunk_size=200,
        chunk_overlap=0,
        watch_debounce_seconds=0.1,
    )
    db = Database(settings.database_path)
    service = KnowledgeService(settings, db, embedder=HashEmbedder())  # type: ignore[arg-type]
    service.start(scan=True)
    try:
        time.sleep(0.5)
        assert service.queue.wait_idle(120)
        with sqlite3.connect(database) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            paths = [r[0] for r in raw.execute("SELECT path FROM documents")]
            states = {r[0] for r in raw.execute("SELECT DISTINCT state FROM documents")}
            chunk_ids = {r[0] for r in raw.execute("SELECT id FROM chunks")}
            per_document = {
                r[0] for r in raw.execute("SELECT count(*) FROM chunks GROUP BY document_id")
            }
            duplicates = raw.execute(
                "SELECT count(*) FROM (SELECT document_id, seq FROM chunks "
                "GROUP BY document_id, seq HAVING count(*) > 1)"
            ).fetchone()[0]
            fts_rows = raw.execute("SELECT count(*) FROM chunks_fts").fetchone()[0]
        assert len(paths) == len(set(paths)) == FILES
        assert states == {"indexed"}
        assert duplicates == 0
        # Every file has the same shape, so one chunk count for all means none doubled.
        assert len(per_document) == 1
        assert service.vectors.ids() == chunk_ids
        assert fts_rows == len(chunk_ids)
    finally:
        service.stop()
        db.dispose()
