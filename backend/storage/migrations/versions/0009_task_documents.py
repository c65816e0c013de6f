"""A task's "use my documents" choice is a word, as in chat: ``auto`` (only when relevant),
``on`` (always) or ``off`` (never). The boolean it replaces had no way to say "always": true
meant auto and becomes ``auto``, false becomes ``off``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.alter_column(
            "use_knowledge",
            type_=sa.String(8),
            existing_type=sa.Boolean,
            existing_nullable=False,
        )
    # SQLite kept the booleans as 1 and 0 (text "1" and "0" once the column is a string).
    op.execute(
        "UPDATE tasks SET use_knowledge = "
        "CASE WHEN use_knowledge IN ('0', 0, 'false', 'off') THEN 'off' ELSE 'auto' END"
    )


def downgrade() -> None:
    # "on" has no boolean: the nearest is true (auto), which at least still uses documents.
    op.execute("UPDATE tasks SET use_knowledge = CASE WHEN use_knowledge = 'off' THEN 0 ELSE 1 END")
    with op.batch_alter_table("tasks") as batch:
        batch.alter_column(
            "use_knowledge",
            type_=sa.Boolean,
            existing_type=sa.String(8),
            existing_nullable=False,
        )
