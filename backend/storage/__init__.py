"""Storage: SQLite through SQLAlchemy 2, schema managed by Alembic migrations."""
