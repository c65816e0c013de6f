"""Fixtures for the built-in tools: a migrated database in a temp data dir, the registry,
and a run context whose calls are audited and whose events are collected."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agents.tools.audit import AuditLog
from agents.tools.builtin import default_registry
from agents.tools.registry import ToolContext, ToolRegistry
from backend.config import Settings
from backend.storage import migrate
from backend.storage.db import Database
from tests.conftest import SettingsFactory

RUN_ID = "run-tools-1"


@pytest.fixture
def tool_settings(make_settings: SettingsFactory) -> Settings:
    return make_settings(chunk_size=200, chunk_overlap=40)


@pytest.fixture
def db(tool_settings: Settings) -> Iterator[Database]:
    migrate.upgrade(tool_settings.database_path)
    database = Database(tool_settings.database_path)
    yield database
    database.dispose()


@pytest.fixture
def registry(tool_settings: Settings, db: Database) -> ToolRegistry:
    return default_registry(tool_settings, db)


class Events(list[tuple[str, dict[str, Any]]]):
    """Run events a ToolContext emitted, in order."""

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        self.append((kind, data))


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def context(db: Database, events: Events) -> ToolContext:
    return ToolContext(run_id=RUN_ID, agent="tester", emit=events, audit=AuditLog(db))
