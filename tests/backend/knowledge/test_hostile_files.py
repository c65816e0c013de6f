"""Files from the bad-file corpus (tests/hardening) that once went wrong, one test each:
every file gets its own outcome with a one-line reason, and a big file never holds the
database's write lock for long."""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from backend.config import Settings
from backend.knowledge import bulk, reasons, store
from backend.knowledge.files import path_key, walk_files
from backend.knowledge.ingest import Ingestor, Outcome
from backend.knowledge.queue import IngestQueue
from backend.knowledge.retriever import HybridRetriever
from backend.knowledge.vectors import VectorIndex
from backend.storage.db import Database
from backend.storage.models import Chunk, Document
from tests.backend.knowledge.conftest import HashEmbedder
from tests.conftest import SettingsFactory

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX names and symlinks")


@pytest.fixture
def kb_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(chunk_size=100, chunk_overlap=0)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of files to ingest, apart from the data dir."""
    path = tmp_path / "files"
    path.mkdir()
    return path


def listed(db: Database) -> dict[str, tuple[str, str | None]]:
    with db.session() as session:
        return {d.path: (d.state, d.error) for d in session.scalars(select(Document))}


def note(folder: Path, name: str, words: str = "plain note about herons") -> Path:
    path = folder / name
    path.write_text(f"{words}\n")
    return path


@posix_only
def test_a_name_that_is_not_utf8_is_listed_skipped_and_its_batch_still_indexed(
    ingestor: Ingestor, tmp_path: Path, db: Database
) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as out:
        out.write(b"an old archive's file name")
    bad = Path(os.fsdecode(raw))
    good = note(tmp_path, "good.txt")
    outcomes = ingestor.ingest_many([bad, good])
    assert [(o.outcome, o.reason) for o in outcomes] == [
        ("skipped", reasons.BAD_NAME),
        ("indexed", ""),
    ]
    shown = str(tmp_path / "caf\\xe9.txt")
    assert outcomes[0].path == shown
    assert listed(db) == {shown: ("skipped", reasons.BAD_NAME), str(good): ("indexed", None)}
    bad.unlink()
    assert ingestor.ingest(bad).outcome == "removed"
    assert list(listed(db)) == [str(good)]


@posix_only
def test_a_rename_to_a_name_that_is_not_utf8_drops_the_old_record(
    ingestor: Ingestor, tmp_path: Path, db: Database
) -> None:
    source = note(tmp_path, "fine.txt")
    ingestor.ingest(source)
    target = Path(os.fsdecode(os.fsencode(tmp_path) + b"/fin\xe9.txt"))
    source.rename(target)
    assert ingestor.move(source, target).outcome == "skipped"
    assert listed(db) == {path_key(target): ("skipped", reasons.BAD_NAME)}


def test_an_unexpected_error_fails_only_its_file_with_a_one_line_reason(
    ingestor: Ingestor, tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.knowledge.ingest as ingest_module

    broken, fine = note(tmp_path, "broken.txt"), note(tmp_path, "fine.txt")
    real_parse = ingest_module.parse_file

    def parse(path: Path, *limits: int) -> Any:
        if path == broken:
            raise RuntimeError("parser crashed\nTraceback (most recent call last): ...")
        return real_parse(path, *limits)

    monkeypatch.setattr(ingest_module, "parse_file", parse)
    outcomes = ingestor.ingest_many([broken, fine])
    assert [(o.outcome, o.reason) for o in outcomes] == [
        ("failed", "unexpected error: parser crashed"),
        ("indexed", ""),
    ]


def test_a_failed_commit_does_not_lose_the_other_files_of_its_batch(
    ingestor: Ingestor, tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.knowledge.ingest as ingest_module

    first, second = note(tmp_path, "first.txt", "alpha"), note(tmp_path, "second.txt", "beta")
    real_commit = ingest_module.commit

    def commit(db: Database, vectors: VectorIndex, item: Any) -> Any:
        if item.path == first:
            # Not a full disk or a locked database: those are tried again (see test_retry).
            raise RuntimeError("the chunk table said no")
        return real_commit(db, vectors, item)

    monkeypatch.setattr(ingest_module, "commit", commit)
    outcomes = ingestor.ingest_many([first, second])
    assert [o.outcome for o in outcomes] == ["failed", "indexed"]
    reason = "unexpected error: the chunk table said no"
    assert listed(db)[str(first)] == ("failed", reason)


def test_a_file_deleted_while_it_is_read_is_forgotten_not_failed(
    ingestor: Ingestor, tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.knowledge.ingest as ingest_module

    path = note(tmp_path, "short-lived.txt")
    real_hash = ingest_module.sha256_of

    def hash_after_delete(target: Path) -> str:
        target.unlink()
        return real_hash(target)

    monkeypatch.setattr(ingest_module, "sha256_of", hash_after_delete)
    assert ingestor.ingest(path).outcome == "unchanged"
    assert listed(db) == {}


def test_a_file_that_cannot_be_read_says_so(
    ingestor: Ingestor, tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.knowledge.ingest as ingest_module

    def refuse(path: Path, *limits: int) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(ingest_module, "parse_file", refuse)
    path = note(tmp_path, "private.txt")
    assert ingestor.ingest(path).reason == "cannot be read: Permission denied"


@posix_only
def test_broken_links_are_listed_as_skipped_with_why(
    ingestor: Ingestor, folder: Path, db: Database
) -> None:
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    (folder / "dangling.txt").symlink_to("target.txt")
    (folder / "up").symlink_to(folder)
    found = sorted(p.name for p in walk_files(folder))
    assert found == ["a.txt", "b.txt", "dangling.txt"]
    for outcome in ingestor.ingest_many([folder / name for name in found]):
        assert outcome.outcome == "skipped"
    loop = "broken link: it leads back to itself (a symlink loop)"
    assert listed(db)[str(folder / "a.txt")] == ("skipped", loop)
    missing = "broken link: its target does not exist"
    assert listed(db)[str(folder / "dangling.txt")] == ("skipped", missing)
    note(folder, "target.txt")
    assert ingestor.ingest(folder / "dangling.txt").outcome == "indexed"


def test_a_delete_still_happens_when_the_upserts_of_its_batch_raise(tmp_path: Path) -> None:
    class Raising:
        def __init__(self) -> None:
            self.removed: list[Path] = []

        def ingest_many(self, paths: list[Path]) -> list[Outcome]:
            raise RuntimeError("worker bug")

        def remove(self, path: Path) -> Outcome:
            self.removed.append(path)
            return Outcome(str(path), "removed")

    ingestor = Raising()
    queue = IngestQueue(ingestor, debounce=0.05)  # type: ignore[arg-type]
    queue.submit(note(tmp_path, "new.txt"), "upsert", complete=True)
    queue.submit(tmp_path / "gone.txt", "delete")
    # Both ready before the worker starts, so it takes them in one batch.
    time.sleep(0.2)
    queue.start()
    try:
        assert queue.wait_idle(10)
    finally:
        queue.stop()
    assert ingestor.removed == [tmp_path / "gone.txt"]


class ChunkWrites:
    """Chunk rows written (inserted or deleted) per committed transaction."""

    def __init__(self, db: Database) -> None:
        self.per_commit: list[int] = []
        self._open = 0
        event.listen(db.engine, "after_cursor_execute", self._executed)
        event.listen(db.engine, "commit", self._committed)

    def _executed(self, _conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.startswith(("INSERT INTO chunks", "DELETE FROM chunks")):
            self._open += max(cursor.rowcount, 0)

    def _committed(self, _conn: Any) -> None:
        if self._open:
            self.per_commit.append(self._open)
        self._open = 0


class Killed(BaseException):
    """Like the process being killed: no handler in the app catches it."""


def big_text(chunks: int, tag: str) -> str:
    # Each line fills one 100-character chunk and differs from all the others.
    return "\n".join(f"{tag} line {i:05d} ".ljust(99, "x") for i in range(chunks))


def test_a_big_document_is_written_and_deleted_in_short_transactions(
    ingestor: Ingestor, tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.knowledge.commit as commit_module

    monkeypatch.setattr(commit_module, "VECTOR_BATCH", 100)
    rows = 3 * bulk.STEP_ROWS + 7
    path = tmp_path / "big.txt"
    path.write_text(big_text(rows, "first"))
    writes = ChunkWrites(db)
    assert ingestor.ingest(path).chunks == rows
    with db.session() as session:
        assert ingestor.vectors.ids() == set(session.scalars(select(Chunk.id)))
    retriever = HybridRetriever(db, ingestor.vectors, ingestor.embedder)
    # Each vector sits under its own chunk's id, across the batches it was added in.
    assert "first line 01234 " in retriever.search("first line 01234", 1, mode="dense")[0].text
    path.write_text(big_text(rows, "second"))
    assert ingestor.ingest(path).chunks == rows
    path.unlink()
    assert ingestor.ingest(path).outcome == "removed"
    # Inserted, deleted and inserted again, then deleted.
    assert sum(writes.per_commit) == 4 * rows
    assert max(writes.per_commit) <= bulk.STEP_ROWS
    with db.session() as session:
        assert session.scalar(select(Chunk.id)) is None
    assert len(ingestor.vectors) == 0


def test_another_writer_gets_in_while_a_big_document_is_written(
    ingestor: Ingestor, tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.knowledge.commit as commit_module

    path = tmp_path / "big.txt"
    path.write_text(big_text(2 * bulk.STEP_ROWS + 1, "busy"))
    real_rows = commit_module._rows
    wrote: list[int] = []

    def rows_with_another_writer(item: Any) -> Iterator[dict[str, Any]]:
        for index, row in enumerate(real_rows(item)):
            if index == bulk.STEP_ROWS:
                # Half-way through: a chat transcript, say, must not wait for the whole file.
                with closing(sqlite3.connect(db.path, timeout=2)) as other, other:
                    other.execute("INSERT INTO app_state (key, value) VALUES ('probe', '1')")
                wrote.append(index)
            yield row

    monkeypatch.setattr(commit_module, "_rows", rows_with_another_writer)
    assert ingestor.ingest(path).outcome == "indexed"
    assert wrote == [bulk.STEP_ROWS]


def test_a_big_document_cut_off_half_way_stays_out_of_search_and_is_redone(
    ingestor: Ingestor, tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = 2 * bulk.STEP_ROWS + 1
    path = tmp_path / "big.txt"
    path.write_text(big_text(rows, "kiwi"))
    real_insert = store.insert_chunks
    calls = 0

    def killed_on_the_second_step(session: Any, document_id: int, batch: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Killed
        real_insert(session, document_id, batch)

    monkeypatch.setattr(store, "insert_chunks", killed_on_the_second_step)
    with pytest.raises(Killed):
        ingestor.ingest(path)
    monkeypatch.setattr(store, "insert_chunks", real_insert)
    with db.session() as session:
        document = session.scalar(select(Document))
        assert document is not None
        assert (document.state, document.mtime) == ("pending", 0.0)
    retriever = HybridRetriever(db, ingestor.vectors, ingestor.embedder)
    assert retriever.search("kiwi", 3, mode="bm25") == []
    assert ingestor.ingest(path).chunks == rows
    assert retriever.search("kiwi line 00003", 1, mode="bm25")[0].source == str(path)
    with db.session() as session:
        assert len(store.chunk_ids(session, document.id)) == rows


@posix_only
def test_the_scan_lists_a_broken_link_once_and_then_leaves_it(
    kb_settings: Settings, db: Database
) -> None:
    from backend.knowledge.service import KnowledgeService

    loop = kb_settings.inbox_dir / "loop.txt"
    loop.parent.mkdir(parents=True)
    loop.symlink_to(loop.name)
    service = KnowledgeService(kb_settings, db, embedder=HashEmbedder())  # type: ignore[arg-type]
    service.start(scan=False)
    try:
        assert service.reconcile() == 1
        assert service.queue.wait_idle(10)
        assert listed(db)[str(loop)][0] == "skipped"
        assert service.reconcile() == 0
    finally:
        service.stop()
