"""A file whose ingest meets a full disk or a locked database is listed with the reason and
indexed by itself once the cause is gone (it used to stay out until the next scan)."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from backend.config import Settings
from backend.knowledge import ingest
from backend.knowledge.retry import RetryBook
from backend.knowledge.service import KnowledgeService
from backend.storage import migrate
from backend.storage.db import Database
from backend.storage.models import Document
from tests.backend.knowledge.conftest import HashEmbedder
from tests.backend.knowledge.waiting import wait_for
from tests.conftest import SettingsFactory


def storage_error(message: str) -> OperationalError:
    return OperationalError("INSERT INTO chunks ...", {}, sqlite3.OperationalError(message))


class Switch:
    """Makes a function fail with ``error`` while on."""

    def __init__(self, real: Callable[..., Any], error: Exception) -> None:
        self.real, self.error, self.on, self.failures = real, error, True, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.on:
            self.failures += 1
            raise self.error
        return self.real(*args, **kwargs)


@pytest.fixture
def service(make_settings: SettingsFactory) -> Iterator[KnowledgeService]:
    settings: Settings = make_settings(watch_debounce_seconds=0.05)
    migrate.upgrade(settings.database_path)
    db = Database(settings.database_path)
    kb = KnowledgeService(settings, db, embedder=HashEmbedder())  # type: ignore[arg-type]
    kb.queue.retries = RetryBook(first=0.05, longest=0.2)
    kb.start(scan=False)
    yield kb
    kb.stop()
    db.dispose()


def indexed(kb: KnowledgeService, path: Path) -> bool:
    with kb.db.session() as session:
        row = session.scalar(select(Document).where(Document.path == str(path)))
        return row is not None and row.state == "indexed"


def test_the_wait_doubles_up_to_a_limit_and_success_forgets() -> None:
    book = RetryBook(first=2, longest=10)
    waits = [book.failed(Path("a"), "full") for _ in range(5)]
    assert waits == [2, 4, 8, 10, 10]
    assert book.waiting() == [(Path("a"), "full", 5)]
    book.done(Path("a"))
    assert len(book) == 0 and book.failed(Path("a"), "full") == 2


def test_a_full_disk_puts_off_only_the_file_that_met_it(
    service: KnowledgeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("alpha")
    second.write_text("beta")
    real = ingest.commit

    def commit(db: Database, vectors: Any, item: Any) -> Any:
        if item.path == first:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(db, vectors, item)

    monkeypatch.setattr(ingest, "commit", commit)
    outcomes = service.ingestor.ingest_many([first, second])
    assert [(o.outcome, o.retry) for o in outcomes] == [("failed", True), ("indexed", False)]
    assert outcomes[0].reason.startswith("the disk holding AgentDesk's data folder is full")
    assert not indexed(service, first) and indexed(service, second)


def test_a_full_disk_is_stated_per_file_and_the_file_is_indexed_once_space_is_back(
    service: KnowledgeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = Switch(ingest.commit, storage_error("database or disk is full"))
    monkeypatch.setattr(ingest, "commit", full)
    note = tmp_path / "note.txt"
    note.write_text("Bees make honey from nectar.")
    service.queue.submit(note, "upsert", complete=True)

    errors = wait_for(lambda: service.status()["errors"])
    assert errors[0]["path"] == str(note)
    assert "disk holding AgentDesk's data folder is full" in errors[0]["reason"]
    recent = service.status()["recent"][0]
    assert recent["outcome"] == "failed" and "full" in recent["reason"]
    wait_for(lambda: full.failures >= 3)  # tried again, and again
    assert not indexed(service, note)

    full.on = False
    wait_for(lambda: indexed(service, note))
    assert service.status()["errors"] == []
    assert len(service.vectors) == 1


def test_a_delete_that_meets_a_locked_database_is_done_later(
    service: KnowledgeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = tmp_path / "gone.txt"
    note.write_text("Soon deleted.")
    service.queue.submit(note, "upsert", complete=True)
    wait_for(lambda: indexed(service, note))
    locked = Switch(service.ingestor.remove, storage_error("database is locked"))
    monkeypatch.setattr(service.ingestor, "remove", locked)
    note.unlink()
    service.queue.submit(note, "delete")
    wait_for(lambda: locked.failures >= 2)
    locked.on = False
    with service.db.session() as session:
        wait_for(lambda: session.scalar(select(Document.id)) is None)
    assert len(service.vectors) == 0
