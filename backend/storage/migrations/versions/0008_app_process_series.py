"""The resource history keeps AgentDesk's total (with the model server and every other
process it started) and the model server on its own; older rows have NULL.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = ("total_rss_mb", "total_cpu_percent", "model_rss_mb", "model_cpu_percent")


def upgrade() -> None:
    with op.batch_alter_table("metric_samples") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("metric_samples") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
