"""Backups (VACUUM INTO, keep the last N, never half-written) and retention of old data."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest

from backend.automation.housekeeping import Housekeeping
from backend.config import Settings
from backend.storage import conversations, metrics, migrate
from backend.storage.db import Database
from tests.conftest import SettingsFactory


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup(make_settings: SettingsFactory) -> tuple[Settings, Database]:
    settings = make_settings(backup_keep=2, backup_hours=24)
    migrate.upgrade(settings.database_path)
    db = Database(settings.database_path)
    with db.session() as session:
        conversations.create(session, "Kept in the backup")
    settings.index_dir.mkdir(parents=True)
    (settings.index_dir / "vectors.json").write_text('{"generation": 3}')
    (settings.index_dir / "vectors-3.faiss").write_bytes(b"faiss bytes")
    return settings, db


def test_a_backup_holds_the_database_and_the_index(setup: tuple[Settings, Database]) -> None:
    settings, db = setup
    clock = Clock()
    folder = Housekeeping(settings, db, clock).backup_now()
    assert folder.parent == settings.backups_dir and folder.name == "20261201-030000"
    with sqlite3.connect(folder / "agentdesk.db") as copy:
        titles = [row[0] for row in copy.execute("SELECT title FROM conversations")]
    assert titles == ["Kept in the backup"]
    assert (folder / "index" / "vectors-3.faiss").read_bytes() == b"faiss bytes"
    assert (folder / "index" / "vectors.json").exists()
    db.dispose()


def test_only_the_last_n_backups_are_kept_and_a_partial_one_does_not_count(
    setup: tuple[Settings, Database],
) -> None:
    settings, db = setup
    clock = Clock()
    keeper = Housekeeping(settings, db, clock)
    (settings.backups_dir / ".partial-20261130-000000").mkdir(parents=True)
    made = []
    for _ in range(4):
        made.append(keeper.backup_now().name)
        clock.now += 86400
    assert [p.name for p in keeper.backups()] == made[-2:]
    assert keeper.status()["backups"] == 2
    db.dispose()


def test_a_backup_is_made_only_when_due(setup: tuple[Settings, Database]) -> None:
    settings, db = setup
    clock = Clock()
    keeper = Housekeeping(settings, db, clock)
    assert keeper.backup_if_due() is not None  # none yet
    clock.now += 23 * 3600
    assert keeper.backup_if_due() is None
    clock.now += 3600
    assert keeper.backup_if_due() is not None
    db.dispose()


def test_old_metrics_and_logs_are_let_go(setup: tuple[Settings, Database]) -> None:
    settings, db = setup
    now = time.time()
    with db.session() as session:
        for days in (1, 6, 8, 30):
            when = datetime.fromtimestamp(now, UTC) - timedelta(days=days)
            metrics.add(session, when, {"cpu_percent": float(days)})
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    files = {"agentdesk.jsonl": 40, "agentdesk.jsonl.1": 2, "agentdesk.jsonl.2": 20}
    for name, age_days in files.items():
        path = settings.logs_dir / name
        path.write_text("{}\n")
        os.utime(path, (now - age_days * 86400, now - age_days * 86400))
    removed = Housekeeping(settings, db).prune()
    assert removed == {"metric_samples": 2, "log_files": 1}
    with db.session() as session:
        left = sorted(
            values[0] for _, values in metrics.since(session, datetime(2000, 1, 1, tzinfo=UTC))
        )
    assert left == [1.0, 6.0]
    assert sorted(p.name for p in settings.logs_dir.iterdir()) == [
        "agentdesk.jsonl",
        "agentdesk.jsonl.1",
    ]
    db.dispose()


def test_backups_are_off_when_the_interval_is_zero(make_settings: SettingsFactory) -> None:
    settings = make_settings(backup_hours=0)
    migrate.upgrade(settings.database_path)
    db = Database(settings.database_path)
    assert Housekeeping(settings, db).backup_if_due() is None
    assert not settings.backups_dir.exists()
    db.dispose()
