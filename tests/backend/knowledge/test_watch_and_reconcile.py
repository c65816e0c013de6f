"""The watched folder live (watchdog), the debounce, and the scan that catches up after a
restart."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.config import Settings
from backend.knowledge.ingest import Ingestor, Outcome
from backend.knowledge.service import KnowledgeService
from backend.knowledge.vectors import VectorIndex
from backend.storage.db import Database
from backend.storage.models import Document
from tests.backend.knowledge.conftest import HashEmbedder, ServiceFactory
from tests.backend.knowledge.waiting import wait_for
from tests.conftest import SettingsFactory


@pytest.fixture
def kb_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(watch_debounce_seconds=0.3, chunk_size=300, chunk_overlap=0)


def states(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {Path(d.path).name: d.state for d in session.scalars(select(Document))}


def test_dropped_file_becomes_searchable_and_edits_renames_deletes_follow(
    services: ServiceFactory, kb_settings: Settings, db: Database
) -> None:
    kb = services()
    inbox = kb_settings.inbox_dir
    (inbox / "zebra.txt").write_text("Zebras are striped animals that live in Africa.")
    wait_for(lambda: bool(kb.search("zebras striped", 3)))
    assert kb.search("zebras striped", 3)[0].source.endswith("zebra.txt")

    (inbox / "zebra.txt").write_text("Okapis are relatives of giraffes with striped legs.")
    wait_for(lambda: bool(kb.search("okapis giraffes", 3, mode="bm25")))
    assert not kb.search("Africa", 3, mode="bm25")

    (inbox / "zebra.txt").rename(inbox / "okapi.txt")
    wait_for(
        lambda: list(states(db)) == ["okapi.txt"],
        show=lambda: (states(db), [(o.path, o.outcome, o.reason) for o, _ in kb.queue.recent]),
    )
    (inbox / "okapi.txt").unlink()
    wait_for(lambda: not states(db))
    assert len(kb.vectors) == 0


def test_temporary_files_are_ignored_and_a_rename_into_place_is_indexed(
    services: ServiceFactory, kb_settings: Settings, db: Database
) -> None:
    kb = services()
    inbox = kb_settings.inbox_dir
    (inbox / "report.docx.crdownload").write_text("half downloaded")
    (inbox / "~$lock.docx").write_text("lock")
    (inbox / "report.txt.part").write_text("The final report about quarterly sales.")
    time.sleep(1.0)
    assert kb.queue.wait_idle(10)
    assert states(db) == {}
    (inbox / "report.txt.part").rename(inbox / "report.txt")
    wait_for(lambda: states(db) == {"report.txt": "indexed"})


def test_a_file_still_being_written_is_read_only_once_it_is_complete(
    services: ServiceFactory, kb_settings: Settings, db: Database
) -> None:
    kb = services()
    seen: list[int] = []
    original = kb.ingestor.ingest_many

    def recording(paths: list[Path]) -> list[Outcome]:
        seen.extend(p.stat().st_size for p in paths if p.exists())
        return original(paths)

    kb.ingestor.ingest_many = recording  # type: ignore[method-assign]
    path = kb_settings.inbox_dir / "growing.txt"
    with path.open("w") as handle:
        for i in range(12):
            handle.write(f"line {i} of a file that is still being copied\n")
            handle.flush()
            time.sleep(0.1)
    final = path.stat().st_size
    wait_for(lambda: states(db).get("growing.txt") == "indexed")
    assert kb.queue.wait_idle(10)
    assert seen == [final]


def test_changes_made_while_closed_are_caught_up_at_start(
    services: ServiceFactory, kb_settings: Settings, db: Database
) -> None:
    inbox = kb_settings.inbox_dir
    first = services()
    for name, text in {
        "keep": "alpha beta",
        "edit": "gamma delta",
        "move": "epsilon zeta",
        "gone": "eta theta",
    }.items():
        (inbox / f"{name}.txt").write_text(f"{text} " * 20)
    wait_for(lambda: len(states(db)) == 4 and set(states(db).values()) == {"indexed"})
    first.stop()
    with db.session() as session:
        moved_id = session.scalar(select(Document.id).where(Document.path.endswith("move.txt")))

    (inbox / "edit.txt").write_text("iota kappa " * 20)
    (inbox / "move.txt").rename(inbox / "moved.txt")
    (inbox / "gone.txt").unlink()
    (inbox / "new.txt").write_text("lambda mu " * 20)

    second = services()
    # edited, moved-to and new files, then the two paths that are gone
    assert second.reconcile() == 5
    wait_for(lambda: set(states(db)) == {"keep.txt", "edit.txt", "moved.txt", "new.txt"})
    assert second.queue.wait_idle(10)
    assert second.search("iota kappa", 1, mode="bm25")[0].source.endswith("edit.txt")
    assert not second.search("gamma", 1, mode="bm25")
    with db.session() as session:
        assert (
            session.scalar(select(Document.id).where(Document.path.endswith("moved.txt")))
            == moved_id
        )
    assert second.reconcile() == 0


def test_watched_folders_can_be_added_and_removed(
    services: ServiceFactory, tmp_path: Path, db: Database
) -> None:
    kb = services()
    notes = tmp_path / "notes"
    (notes / "sub").mkdir(parents=True)
    (notes / "sub" / "plan.md").write_text("# Plan\nShip the quarterly roadmap.")
    added = kb.add_folder(str(notes))
    assert added["path"] == str(notes.resolve())
    wait_for(lambda: states(db).get("plan.md") == "indexed")
    assert {f["path"] for f in kb.folders()} >= {str(notes.resolve())}
    kb.remove_folder(added["id"])
    wait_for(lambda: "plan.md" not in states(db))
    assert (notes / "sub" / "plan.md").exists()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: str(tmp / "missing"), "does not exist"),
        (lambda tmp: str(shutil.copy(__file__, tmp / "file.py")), "is a file"),
        (lambda tmp: "relative/path", "not an absolute folder path"),
    ],
)
def test_bad_folders_are_refused_with_the_reason(
    services: ServiceFactory, tmp_path: Path, make: Callable[[Path], str], reason: str
) -> None:
    from backend.knowledge.watched_folders import FolderError

    kb = services()
    with pytest.raises(FolderError, match=reason):
        kb.add_folder(make(tmp_path))


def test_the_queue_never_runs_two_files_at_once(
    services: ServiceFactory, kb_settings: Settings
) -> None:
    kb = services()
    running = 0
    most = 0
    lock = threading.Lock()
    original = Ingestor.ingest_many

    def counting(self: Ingestor, paths: list[Path]) -> list[Outcome]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return original(self, paths)
        finally:
            with lock:
                running -= 1

    kb.ingestor.ingest_many = counting.__get__(kb.ingestor)  # type: ignore[method-assign]
    for i in range(40):
        (kb_settings.inbox_dir / f"n{i}.txt").write_text(f"note number {i} " * 10)
    time.sleep(0.5)
    assert kb.queue.wait_idle(30)
    assert most == 1


def test_rates_and_eta_stay_while_a_long_batch_runs(
    services: ServiceFactory, kb_settings: Settings
) -> None:
    kb = services()
    for i in range(3):
        (kb_settings.inbox_dir / f"r{i}.txt").write_text(f"rate sample {i} " * 20)
    wait_for(lambda: len(kb.queue.recent) >= 3)
    files_rate, _ = kb.queue.rates()
    assert files_rate > 0
    # Pretend the window has passed with a batch still in progress.
    with kb.queue._lock:
        kb.queue._done.clear()
        kb.queue.active = ("/big/file.html", "indexing")
    assert kb.queue.rates()[0] == files_rate
    with kb.queue._lock:
        kb.queue.active = None
    assert kb.queue.rates() == (0.0, 0.0)


def test_ingest_waits_while_a_chat_answer_is_generated(
    services: ServiceFactory, kb_settings: Settings, db: Database
) -> None:
    kb = services()
    answering = threading.Event()
    answering.set()
    kb.queue.should_yield = answering.is_set
    (kb_settings.inbox_dir / "later.txt").write_text("indexed after the answer " * 10)
    wait_for(lambda: kb.queue.active is not None)
    wait_for(lambda: kb.queue.active is not None and "chat" in kb.queue.active[1])
    # Listed as pending while it waits, not read or indexed yet.
    assert states(db) == {"later.txt": "pending"}
    answering.clear()
    wait_for(lambda: states(db) == {"later.txt": "indexed"})


class FakeClock:
    """Time that passes only when the worker sleeps or the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_when_answers_never_stop_ingest_still_gets_half_the_time(
    kb_settings: Settings, db: Database
) -> None:
    from backend.knowledge.queue import MAX_YIELD_SECONDS, IngestQueue

    clock = FakeClock()
    queue = IngestQueue(Ingestor(kb_settings, db, HashEmbedder(), None), 0.1)  # type: ignore[arg-type]
    queue.yield_clock, queue.yield_sleep = clock, clock.sleep
    queue._credit_since = clock.now
    queue.should_yield = lambda: True  # an answer is always being generated

    def waited() -> float:
        before = clock.now
        queue._yield_to_chat()
        return clock.now - before

    # The first answer is waited out up to the limit; after that, each batch of 5 s of
    # indexing earns the next 5 s of stepping aside, never more.
    assert waited() == pytest.approx(MAX_YIELD_SECONDS)
    for _ in range(3):
        clock.now += 5.0
        assert waited() == pytest.approx(5.0)
    # After a long quiet spell the whole wait is available again.
    clock.now += 10 * MAX_YIELD_SECONDS
    assert waited() == pytest.approx(MAX_YIELD_SECONDS)


def test_an_answer_now_and_then_is_waited_out_in_full(kb_settings: Settings, db: Database) -> None:
    from backend.knowledge.queue import IngestQueue

    clock = FakeClock()
    queue = IngestQueue(Ingestor(kb_settings, db, HashEmbedder(), None), 0.1)  # type: ignore[arg-type]
    queue.yield_clock, queue.yield_sleep = clock, clock.sleep
    queue._credit_since = clock.now
    for _ in range(3):
        answer_ends = clock.now + 20.0
        queue.should_yield = lambda end=answer_ends: clock.now < end
        queue._yield_to_chat()
        assert clock.now == pytest.approx(answer_ends)
        clock.now += 40.0  # indexing and quiet until the next question


def test_listing_a_file_the_worker_has_just_recorded_is_harmless(
    kb_settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race an upload meets: the watcher's worker records the file between mark_pending's
    # look-up and its insert.
    from backend.knowledge import store

    service = KnowledgeService(kb_settings, db, embedder=HashEmbedder())  # type: ignore[arg-type]
    path = kb_settings.data_dir / "notes.txt"
    path.write_text("a note", encoding="utf-8")
    with db.session() as session:
        session.add(Document(path=str(path), file_type="txt", size=6, state="indexed"))
    monkeypatch.setattr(store, "document_by_path", lambda session, raw: None)

    service.mark_pending(path)

    with db.session() as session:
        rows = session.scalars(select(Document).where(Document.path == str(path))).all()
        assert [row.state for row in rows] == ["indexed"]


def test_indexing_a_file_an_upload_has_just_listed_uses_its_row(
    kb_settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other side of that race: the upload lists the file as pending between the worker's
    # look-up and its insert. The worker's insert gives way, and the file is indexed.
    from backend.knowledge import store

    kb_settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    path = kb_settings.inbox_dir / "herons.txt"
    path.write_text("Grey herons nest in tall trees. " * 5, encoding="utf-8")
    real = store.document_by_path
    looked = 0

    def listed_meanwhile(session: object, raw: str) -> Document | None:
        nonlocal looked
        looked += 1
        if looked == 1:
            with db.session() as other:
                other.add(Document(path=raw, file_type="txt", size=1, state="pending"))
            return None
        return real(session, raw)  # type: ignore[arg-type]

    ingestor = Ingestor(kb_settings, db, HashEmbedder(), VectorIndex(kb_settings.index_dir, 384))  # type: ignore[arg-type]
    monkeypatch.setattr(store, "document_by_path", listed_meanwhile)
    with db.session() as session:
        first = store.document_for(session, str(path))
    monkeypatch.setattr(store, "document_by_path", real)

    outcome = ingestor.ingest(path)
    assert outcome.outcome == "indexed", outcome
    with db.session() as session:
        rows = session.scalars(select(Document).where(Document.path == str(path))).all()
        assert [(row.id, row.state) for row in rows] == [(first.id, "indexed")]
