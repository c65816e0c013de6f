"""A locked database or a full disk: requests get a status and a reason (never a 500), and a
run or task run whose end cannot be written at once still ends."""

from __future__ import annotations

import asyncio
import errno
import sqlite3
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from agents.manager import AgentManager
from backend.automation.task_runs import TaskRunner
from backend.llm.fake_server import FakeOpenAIServer
from backend.storage import problems
from tests.backend.api.test_tasks_api import make_task, wait_for_entry

# A hang guard: before the fix, a run whose end could not be saved never ended.
HANG_GUARD = 30


def locked() -> OperationalError:
    return OperationalError("UPDATE runs ...", {}, sqlite3.OperationalError("database is locked"))


def full() -> OperationalError:
    return OperationalError("INSERT ...", {}, sqlite3.OperationalError("database or disk is full"))


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(problems, "RETRY_PAUSES", (0.01, 0.01))


def failing(times: int, error: Exception, real: Any) -> Any:
    """A stand-in for ``real`` that raises ``error`` the first ``times`` calls."""
    calls = {"n": 0}

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return real(*args, **kwargs)

    return stand_in


async def test_a_locked_database_is_503_with_the_reason(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.storage import conversations

    monkeypatch.setattr(conversations, "summaries", failing(99, locked(), None))
    response = await client.get("/api/conversations")
    assert response.status_code == 503
    assert "database is busy" in response.json()["detail"]
    assert response.headers["retry-after"] == "5"


async def test_a_full_disk_is_507_with_the_reason(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.api import knowledge

    def no_space(*_: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(knowledge, "save_uploads", no_space)
    response = await client.post("/api/knowledge/upload", files={"files": ("a.txt", b"hello")})
    assert response.status_code == 507
    assert "disk holding AgentDesk's data folder is full" in response.json()["detail"]


async def test_a_run_waits_out_a_short_lock_on_its_record(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.set_rules([{"reply": "Saved in the end."}])
    monkeypatch.setattr(AgentManager, "_finish", failing(2, locked(), AgentManager._finish))
    async with asyncio.timeout(HANG_GUARD):
        response = await client.post("/api/agent/query", json={"prompt": "hi", "mode": "chat"})
    assert response.status_code == 200 and response.json()["answer"] == "Saved in the end."
    run = (await client.get(f"/api/agent/runs/{response.json()['run_id']}")).json()
    assert run["status"] == "completed"


async def test_a_run_whose_end_cannot_be_saved_still_ends_and_says_why(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.set_rules([{"reply": "Nowhere to put this."}])
    monkeypatch.setattr(AgentManager, "_finish", failing(99, full(), None))
    async with asyncio.timeout(HANG_GUARD):
        response = await client.post("/api/agent/query", json={"prompt": "hi", "mode": "chat"})
    assert response.status_code == 507
    assert response.json()["detail"].startswith("the answer could not be saved: the disk")
    services = client.app.state.services  # type: ignore[attr-defined]
    async with asyncio.timeout(HANG_GUARD):
        while True:  # it goes once its last event is out
            if not services.agents.active:
                break
            await asyncio.sleep(0.01)


async def test_events_that_cannot_be_stored_do_not_fail_the_answer(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.set_rules([{"reply": "Answered anyway."}])
    monkeypatch.setattr(AgentManager, "_persist_event", failing(99, full(), None))
    async with asyncio.timeout(HANG_GUARD):
        response = await client.post("/api/agent/query", json={"prompt": "hi", "mode": "chat"})
    assert response.status_code == 200 and response.json()["answer"] == "Answered anyway."


async def test_a_task_run_waits_out_a_short_lock_on_its_history(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.set_rules([{"reply": "Task done."}])
    monkeypatch.setattr(TaskRunner, "_finish", failing(1, locked(), TaskRunner._finish))
    task = await make_task(client)
    await client.post(f"/api/tasks/{task['id']}/run")
    async with asyncio.timeout(HANG_GUARD):
        entry = await wait_for_entry(client, task["id"])
    assert entry["status"] == "completed" and entry["output"] == "Task done."
