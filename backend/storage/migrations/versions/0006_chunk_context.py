"""Chunk context: the document title and heading a chunk is matched by, kept beside its text.

The keyword index gets a second column for it, so a chunk is found by the words of its
title and heading while its own text (what a user is shown and cited) stays the passage
itself. Existing chunks get an empty context and the index is rebuilt from the chunks table;
the documents are split again once by the chunker version in the index recipe.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TRIGGERS = ("chunks_au", "chunks_ad", "chunks_ai")


def _keyword_index(columns: list[str]) -> None:
    """(Re)create the FTS5 table over ``columns`` of chunks, its triggers, and its content."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE chunks_fts USING fts5("
        f"{names}, content='chunks', content_rowid='id', tokenize='porter unicode61')"
    )
    op.execute(
        "CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN "
        f"INSERT INTO chunks_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN "
        f"INSERT INTO chunks_fts(chunks_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
        "END"
    )
    op.execute(
        f"CREATE TRIGGER chunks_au AFTER UPDATE OF {names} ON chunks BEGIN "
        f"INSERT INTO chunks_fts(chunks_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO chunks_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")


def _drop_keyword_index() -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS chunks_fts")


def upgrade() -> None:
    _drop_keyword_index()
    with op.batch_alter_table("chunks") as batch:
        batch.add_column(sa.Column("context", sa.Text, nullable=False, server_default=""))
    _keyword_index(["context", "text"])


def downgrade() -> None:
    _drop_keyword_index()
    with op.batch_alter_table("chunks") as batch:
        batch.drop_column("context")
    _keyword_index(["text"])
