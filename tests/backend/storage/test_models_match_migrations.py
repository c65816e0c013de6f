"""The tables the migrations build are the tables the models describe."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.storage import migrate
from backend.storage.db import make_engine
from backend.storage.models import Base

# The FTS5 keyword index is made by raw SQL in a migration, not described by a model.
FTS_TABLES = {"chunks_fts", "chunks_fts_data", "chunks_fts_idx", "chunks_fts_docsize"}
FTS_TABLES |= {"chunks_fts_config"}


def differences(path: Path) -> list[Any]:
    engine = make_engine(path)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            found = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    return [
        diff
        for diff in found
        if not (
            isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name in FTS_TABLES
        )
    ]


def test_schema_after_upgrade_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "agentdesk.db"
    migrate.upgrade(path)
    assert differences(path) == []


def test_agent_tool_tables_come_and_go_with_their_migration(tmp_path: Path) -> None:
    path = tmp_path / "agentdesk.db"
    migrate.upgrade(path)
    command.downgrade(migrate.alembic_config(path), "0003")
    with sqlite3.connect(path) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "tool_calls" not in names and "memories" not in names
    assert "chunks" in names
    migrate.upgrade(path)
    assert differences(path) == []
