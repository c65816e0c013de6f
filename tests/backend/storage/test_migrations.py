import sqlite3
from pathlib import Path

from alembic import command

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


def _task_row(db: sqlite3.Connection, task_id: str, use_knowledge: bool) -> None:
    db.execute(
        "INSERT INTO tasks (id, name, prompt, mode, use_knowledge, trigger, enabled, "
        "created_at, updated_at) VALUES (?, ?, 'Summarise my notes', 'chat', ?, ?, 1, "
        "'2026-01-01', '2026-01-01')",
        (task_id, f"Task {task_id}", use_knowledge, '{"type": "cron", "cron": "0 9 * * *"}'),
    )


def _switches(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT id, use_knowledge FROM tasks ORDER BY id").fetchall())


def test_tasks_from_before_0009_keep_their_documents_choice_as_a_word(tmp_path: Path) -> None:
    path = tmp_path / "agentdesk.db"
    migrate.upgrade(path, "0008")
    with sqlite3.connect(path) as db:
        _task_row(db, "a", True)
        _task_row(db, "b", False)
    migrate.upgrade(path)
    assert _switches(path) == {"a": "auto", "b": "off"}
    with sqlite3.connect(path) as db:
        kept = db.execute("SELECT name, prompt, mode, enabled FROM tasks WHERE id='b'").fetchone()
    assert kept == ("Task b", "Summarise my notes", "chat", 1)


def test_going_back_before_0009_turns_the_choice_into_a_boolean_again(tmp_path: Path) -> None:
    path = tmp_path / "agentdesk.db"
    migrate.upgrade(path)
    with sqlite3.connect(path) as db:
        for task_id, switch in (("a", "auto"), ("b", "on"), ("c", "off")):
            _task_row(db, task_id, False)
            db.execute("UPDATE tasks SET use_knowledge = ? WHERE id = ?", (switch, task_id))
    command.downgrade(migrate.alembic_config(path), "0008")
    assert _switches(path) == {"a": 1, "b": 1, "c": 0}
    migrate.upgrade(path)
    # "on" had no boolean of its own: it comes back as auto, which true always meant.
    assert _switches(path) == {"a": "auto", "b": "auto", "c": "off"}
