"""A run the last process left running is marked interrupted at start, and its transcript
ends with an event saying so (a replay used to end open, so it looked still running)."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from backend.storage import conversations, migrate, runs
from backend.storage.db import Database
from backend.storage.models import utcnow
from tests.conftest import SettingsFactory, client_for


def replayed(body: str) -> list[dict[str, object]]:
    return [json.loads(line[5:]) for line in body.splitlines() if line.startswith("data:")]


async def test_a_cut_off_run_is_interrupted_and_its_replay_ends(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings()
    migrate.upgrade(settings.database_path)
    db = Database(settings.database_path)
    with db.session() as session:
        chat = conversations.create(session, "Cut off")
        conversations.add_message(session, chat, "user", "tell me a story", "run1")
        runs.create(session, "run1", chat.id, "chat", "chat", "tell me a story")
        runs.add_event(session, "run1", 1, utcnow(), "started", "chat", {"mode": "chat"})
        runs.create(session, "run2", chat.id, "chat", "chat", "no events yet")
    db.dispose()

    async with client_for(settings) as client:
        run = (await client.get("/api/agent/runs/run1")).json()
        assert run["status"] == "interrupted" and "stopped during this run" in run["error"]
        events = replayed((await client.get("/api/agent/runs/run1/events")).text)
        assert [(e["seq"], e["type"]) for e in events] == [(1, "started"), (2, "error")]
        assert events[-1]["data"]["message"] == run["error"]  # type: ignore[index]
        lone = replayed((await client.get("/api/agent/runs/run2/events")).text)
        assert [(e["seq"], e["type"]) for e in lone] == [(1, "error")]
        said = (await client.get(f"/api/conversations/{run['conversation_id']}")).json()
        assert [m["content"] for m in said["messages"]] == ["tell me a story"]

    async with client_for(settings) as client:  # a second start changes nothing more
        again = replayed((await client.get("/api/agent/runs/run1/events")).text)
        assert len(again) == 2


async def test_the_app_starts_while_another_program_holds_the_database(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings()
    async with client_for(settings):
        pass  # created and migrated
    holder = sqlite3.connect(settings.database_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        # Start-up used to write (marking no runs interrupted) and fail after the busy timeout.
        async with asyncio.timeout(30), client_for(settings) as client:
            assert (await client.get("/api/health")).json()["database"]["ok"] is True
            assert (await client.get("/api/conversations")).status_code == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()
