import sqlite3
from pathlib import Path

from backend.storage import migrate


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_empty_database_upgrades_to_head(tmp_path: Path) -> None:
    path = tmp_path / "agentdesk.db"
    assert migrate.current_revision(path) is None
    migrate.upgrade(path)
    assert migrate.current_revision(path) == migrate.head_revision()
    assert {"conversations", "messages", "runs", "run_events"} <= tables(path)


def test_database_from_the_first_migration_keeps_its_chats(tmp_path: Path) -> None:
    path = tmp_path / "agentdesk.db"
    migrate.upgrade(path, "0001")
    assert "runs" not in tables(path)
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO conversations VALUES ('c1', 'Old chat', '2026-01-01', '2026-01-01')"
        )
        db.execute(
            "INSERT INTO messages (id, conversation_id, seq, role, content, created_at) "
            "VALUES ('m1', 'c1', 1, 'user', 'hello from before', '2026-01-01')"
        )
    migrate.upgrade(path)
    assert migrate.current_revision(path) == migrate.head_revision()
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT content, run_id FROM messages WHERE id='m1'").fetchone()
        title = db.execute("SELECT title FROM conversations WHERE id='c1'").fetchone()
    assert row == ("hello from before", None)
    assert title == ("Old chat",)


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "agentdesk.db"
    migrate.upgrade(path)
    migrate.upgrade(path)
    assert migrate.current_revision(path) == migrate.head_revision()


def test_answers_stored_before_0007_keep_loading_without_sources(tmp_path: Path) -> None:
    path = tmp_path / "agentdesk.db"
    migrate.upgrade(path, "0005")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO conversations VALUES ('c1', 'Old chat', '2026-01-01', '2026-01-01')"
        )
        db.execute(
            "INSERT INTO messages (id, conversation_id, seq, role, content, created_at) "
            "VALUES ('m1', 'c1', 1, 'assistant', 'an older answer [1]', '2026-01-01')"
        )
    migrate.upgrade(path)
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT content, sources FROM messages WHERE id='m1'").fetchone()
    assert row == ("an older answer [1]", None)
