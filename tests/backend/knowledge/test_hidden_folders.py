"""Hidden means hidden below the watched folder: a data folder or a watched folder that lives
under a dot-folder (``~/.local/share/AgentDesk``, ``~/.notes``) is indexed like any other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.config import Settings
from backend.knowledge.service import KnowledgeService
from backend.storage.db import Database
from tests.backend.knowledge.conftest import HashEmbedder
from tests.backend.knowledge.test_watch_and_reconcile import states
from tests.backend.knowledge.waiting import wait_for
from tests.conftest import SettingsFactory


@pytest.fixture
def kb_settings(make_settings: SettingsFactory, tmp_path: Path) -> Settings:
    # Where the desktop app keeps its data on Linux, below a fake home.
    data = tmp_path / "home" / ".local" / "share" / "AgentDesk"
    return make_settings(data_dir=data, watch_debounce_seconds=0.3, chunk_size=300)


@pytest.fixture
def kb(kb_settings: Settings, db: Database) -> Iterator[KnowledgeService]:
    service = KnowledgeService(kb_settings, db, embedder=HashEmbedder())  # type: ignore[arg-type]
    service.start(scan=False)
    yield service
    service.stop()


def test_a_file_dropped_into_an_inbox_under_a_dot_folder_is_indexed_and_follows_renames(
    kb: KnowledgeService, kb_settings: Settings, db: Database
) -> None:
    inbox = kb_settings.inbox_dir
    assert ".local" in inbox.parts
    (inbox / "zebra.txt").write_text("Zebras are striped animals that live in Africa.")
    wait_for(lambda: states(db) == {"zebra.txt": "indexed"}, show=lambda: states(db))
    assert kb.search("zebras striped", 3)[0].source.endswith("zebra.txt")

    (inbox / "zebra.txt").rename(inbox / "stripes.txt")
    wait_for(lambda: states(db) == {"stripes.txt": "indexed"}, show=lambda: states(db))


def test_a_hidden_folder_below_the_inbox_is_still_ignored(
    kb: KnowledgeService, kb_settings: Settings, tmp_path: Path, db: Database
) -> None:
    inbox = kb_settings.inbox_dir
    staging = tmp_path / "staging"
    (staging / ".git").mkdir(parents=True)
    (staging / ".git" / "config.txt").write_text("hidden settings nobody should search")
    (staging / "project" / ".obsidian").mkdir(parents=True)
    (staging / "project" / ".obsidian" / "workspace.txt").write_text("editor state")
    (staging / "project" / "plan.txt").write_text("The plan: plant kiwis in spring.")
    # Folders moved in arrive whole: the watcher lists their files itself.
    (staging / ".git").rename(inbox / ".git")
    (staging / "project").rename(inbox / "project")
    (inbox / "visible.txt").write_text("A visible note about kiwis.")
    expected = {"visible.txt": "indexed", "plan.txt": "indexed"}
    wait_for(lambda: states(db) == expected, show=lambda: states(db))
    assert kb.queue.wait_idle(10)
    assert kb.reconcile() == 0
    assert states(db) == expected


def test_the_scan_at_start_finds_files_in_an_inbox_under_a_dot_folder(
    kb: KnowledgeService, kb_settings: Settings, db: Database
) -> None:
    kb.watcher.stop()
    (kb_settings.inbox_dir / "while-closed.txt").write_text("Written while AgentDesk was closed.")
    assert kb.reconcile() == 1
    wait_for(lambda: states(db) == {"while-closed.txt": "indexed"}, show=lambda: states(db))


def test_a_watched_folder_under_a_dot_folder_is_indexed(
    kb: KnowledgeService, tmp_path: Path, db: Database
) -> None:
    notes = tmp_path / "home" / ".notes"
    (notes / "sub").mkdir(parents=True)
    (notes / "sub" / "plan.md").write_text("# Plan\nShip the quarterly roadmap.")
    kb.add_folder(str(notes))
    wait_for(lambda: states(db).get("plan.md") == "indexed", show=lambda: states(db))
    (notes / "later.md").write_text("Added while watched.")
    wait_for(lambda: states(db).get("later.md") == "indexed", show=lambda: states(db))
