"""Links out of watched folders are not followed; folders that must not be watched are refused;
overlapping folders keep each other's documents."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.config import Settings
from backend.knowledge.links import OUTSIDE
from backend.knowledge.service import KnowledgeService
from backend.knowledge.watched_folders import FolderError
from backend.storage.db import Database
from backend.storage.models import Document, WatchedFolder
from tests.backend.knowledge.conftest import ServiceFactory
from tests.backend.knowledge.waiting import wait_for
from tests.conftest import SettingsFactory

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX symlinks")
SECRET = "zanzibar quokka passphrase"


@pytest.fixture
def kb_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(watch_debounce_seconds=0.2, chunk_size=300, chunk_overlap=0)


def indexed(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {d.path: d.state for d in session.scalars(select(Document))}


def names(db: Database) -> set[str]:
    return {Path(path).name for path in indexed(db)}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder nobody watches, holding a file with a secret in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"The {SECRET} is here.")
    return folder


def settled(kb: KnowledgeService) -> None:
    assert kb.queue.wait_idle(20)


@posix_only
def test_the_scan_follows_no_link_out_of_the_watched_folder(
    services: ServiceFactory, kb_settings: Settings, db: Database, outside: Path
) -> None:
    inbox = kb_settings.inbox_dir
    inbox.mkdir(parents=True)
    (inbox / "own.txt").write_text("A note of our own about herons.")
    (inbox / "to-secret.txt").symlink_to(outside / "secret.txt")
    (inbox / "to-passwd.txt").symlink_to("/etc/passwd")
    (inbox / "linked-folder").symlink_to(outside, target_is_directory=True)
    (inbox / "to-own.txt").symlink_to(inbox / "own.txt")
    kb = services()
    kb.reconcile()
    settled(kb)
    assert names(db) == {"own.txt", "to-own.txt"}
    assert not kb.search(SECRET, 5, mode="bm25")
    assert not kb.search("root", 5, mode="bm25")


@posix_only
def test_links_made_while_watching_are_not_followed_out(
    services: ServiceFactory, kb_settings: Settings, db: Database, outside: Path
) -> None:
    kb = services()
    inbox = kb_settings.inbox_dir
    (inbox / "to-secret.txt").symlink_to(outside / "secret.txt")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "through.txt").symlink_to(outside / "secret.txt")
    (inbox / "later.txt").write_text("Written after the link, so the watcher got to it.")
    wait_for(lambda: "later.txt" in names(db))
    # A path through a linked folder, as a watcher of a platform that follows them reports it.
    (inbox / "door").symlink_to(outside, target_is_directory=True)
    kb.queue.submit(inbox / "door" / "secret.txt", "upsert", complete=True)
    settled(kb)
    assert names(db) == {"later.txt"}
    assert not kb.search(SECRET, 5, mode="bm25")
    reasons = {Path(o.path).name: o.reason for o, _ in kb.queue.recent}
    assert reasons["to-secret.txt"] == OUTSIDE


@posix_only
def test_an_indexed_file_that_became_a_link_out_is_removed_on_reconcile(
    services: ServiceFactory, kb_settings: Settings, db: Database, outside: Path
) -> None:
    note = kb_settings.inbox_dir / "note.txt"
    note.parent.mkdir(parents=True)
    note.write_text("Plain words about lighthouses.")
    kb = services()
    kb.reconcile()
    settled(kb)
    assert names(db) == {"note.txt"}
    kb.stop()
    # Swapped for a link to a file of the same size and time: the fingerprint does not change.
    secret = outside / "secret.txt"
    secret.write_text(f"{SECRET}!!!!!!!!".ljust(len(note.read_text()), "!"))
    stat = note.stat()
    os.utime(secret, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    note.unlink()
    note.symlink_to(secret)
    again = services()
    again.reconcile()
    settled(again)
    assert names(db) == set()
    assert not again.search(SECRET, 5, mode="bm25")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda s: s.data_dir, "own data folder"),
        (lambda s: s.data_dir / "logs", "own data folder or inside it"),
        (lambda s: s.data_dir.parent, "contains AgentDesk's own data folder"),
        (lambda s: Path("/proc/self"), "operating system"),
        (lambda s: Path("/etc"), "operating system"),
        (lambda s: Path("/"), "whole drive"),
        (lambda s: Path.home(), "home folder"),
    ],
)
def test_folders_that_must_not_be_watched_are_refused(
    services: ServiceFactory,
    kb_settings: Settings,
    make: Callable[[Settings], Path],
    reason: str,
) -> None:
    folder = make(kb_settings)
    folder.mkdir(parents=True, exist_ok=True)
    kb = services()
    with pytest.raises(FolderError, match=reason):
        kb.add_folder(str(folder))
    with pytest.raises(FolderError, match="lone UTF-16 surrogate"):
        kb.add_folder(str(folder) + "/\ud800")


def test_a_refused_folder_watched_before_is_dropped_at_start(
    services: ServiceFactory, kb_settings: Settings, db: Database
) -> None:
    kb_settings.data_dir.mkdir(parents=True, exist_ok=True)
    with db.session() as session:
        session.add(WatchedFolder(path=str(kb_settings.data_dir.resolve())))
    kb = services()
    assert [f["path"] for f in kb.folders()] == [str(kb_settings.inbox_dir.resolve())]


def test_removing_a_folder_keeps_what_another_watched_folder_covers(
    services: ServiceFactory, db: Database, tmp_path: Path
) -> None:
    parent = tmp_path / "papers"
    child = parent / "kept"
    child.mkdir(parents=True)
    (parent / "loose.txt").write_text("Only the parent folder covers this page.")
    for number in range(3):
        (child / f"k{number}.txt").write_text(f"The subfolder holds page {number}.")
    kb = services()
    outer = kb.add_folder(str(parent))
    inner = kb.add_folder(str(child))
    wait_for(lambda: len(indexed(db)) == 4 and set(indexed(db).values()) == {"indexed"})
    assert kb.remove_folder(inner["id"])
    settled(kb)
    assert len(indexed(db)) == 4  # the parent still covers the subfolder
    inner = kb.add_folder(str(child))
    assert kb.remove_folder(outer["id"])
    settled(kb)
    time.sleep(0.5)
    settled(kb)
    assert names(db) == {"k0.txt", "k1.txt", "k2.txt"}
    counts = {f["path"]: f["documents"] for f in kb.folders()}
    assert counts[str(child.resolve())] == 3
    assert kb.search("subfolder page", 5, mode="bm25")
