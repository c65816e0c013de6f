"""Task schedules live in the app database: they survive a restart, and so do missed runs."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.llm.fake_server import FakeOpenAIServer
from backend.storage import tasks as store
from backend.storage.db import Database
from tests.backend.api.test_tasks_api import make_task, wait_for_entry
from tests.conftest import SettingsFactory, client_for


async def test_a_schedule_survives_a_restart(make_settings: SettingsFactory) -> None:
    settings = make_settings()
    async with client_for(settings) as client:
        task = await make_task(
            client, trigger={"type": "cron", "cron": "30 6 * * 1", "timezone": "UTC"}
        )
        await client.post(f"/api/tasks/{task['id']}/pause")
        other = await make_task(client, name="Other")
    with sqlite3.connect(settings.database_path) as db:
        jobs = {row[0] for row in db.execute("SELECT id FROM apscheduler_jobs")}
    assert jobs == {f"task-{task['id']}", f"task-{other['id']}"}
    async with client_for(settings) as client:
        again = (await client.get(f"/api/tasks/{task['id']}")).json()
        assert again["state"] == "paused" and again["next_run_at"] is None
        resumed = (await client.post(f"/api/tasks/{task['id']}/resume")).json()
        monday = datetime.fromisoformat(resumed["next_run_at"])
        assert (monday.weekday(), monday.hour, monday.minute) == (0, 6, 30)
        kept = (await client.get(f"/api/tasks/{other['id']}")).json()
        assert kept["next_run_at"] == other["next_run_at"]


async def past(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.05)


async def test_a_run_missed_while_closed_is_in_the_history(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings(task_misfire_grace_seconds=1)
    async with client_for(settings) as client:
        when = datetime.now(UTC) + timedelta(seconds=2)
        # Created, then the app closes before it fires.
        task = await make_task(client, trigger={"type": "date", "run_at": when.isoformat()})
        await client.post(f"/api/tasks/{task['id']}/pause")
        await client.post(f"/api/tasks/{task['id']}/resume")
    await past(when + timedelta(seconds=1.5))
    async with client_for(settings) as client:
        entry = await wait_for_entry(client, task["id"])
        assert entry["status"] == "missed"
        assert "was missed" in entry["error"] and entry["run_id"] is None
        after = (await client.get(f"/api/tasks/{task['id']}")).json()
        assert after["state"] == "finished"


async def test_a_run_due_within_the_grace_time_runs_at_start(
    make_settings: SettingsFactory, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "late", "reply": "Better late."}])
    settings = make_settings(task_misfire_grace_seconds=300)
    async with client_for(settings) as client:
        when = datetime.now(UTC) + timedelta(seconds=2)
        task = await make_task(
            client, prompt="late one", trigger={"type": "date", "run_at": when.isoformat()}
        )
        await client.post(f"/api/tasks/{task['id']}/pause")
        await client.post(f"/api/tasks/{task['id']}/resume")
    await past(when)
    async with client_for(settings) as client:
        entry = await wait_for_entry(client, task["id"])
        assert (entry["status"], entry["reason"], entry["output"]) == (
            "completed",
            "schedule",
            "Better late.",
        )


async def test_runs_cut_off_by_a_shutdown_are_marked_interrupted(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings()
    async with client_for(settings) as client:
        task: dict[str, Any] = await make_task(client)
    db = Database(settings.database_path)
    with db.session() as session:
        store.start_run(session, task["id"], "schedule")
    db.dispose()
    async with client_for(settings) as client:
        entry = await wait_for_entry(client, task["id"])
        assert entry["status"] == "interrupted"
        assert entry["finished_at"] is not None
