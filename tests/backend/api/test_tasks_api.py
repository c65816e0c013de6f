"""/api/tasks: scheduled agent tasks against the fake model, over the real scheduler."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from backend.llm.fake_server import FakeOpenAIServer

CRON = {"type": "cron", "cron": "0 9 * * *", "timezone": "UTC"}


async def make_task(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "Morning brief", "prompt": "Summarise my notes", "mode": "chat"}
    body.update(fields)
    body.setdefault("trigger", CRON)
    response = await client.post("/api/tasks", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def wait_for_entry(
    client: httpx.AsyncClient, task_id: str, done: bool = True
) -> dict[str, Any]:
    """The newest history entry once it exists (and has ended, when ``done``)."""
    while True:
        runs = (await client.get(f"/api/tasks/{task_id}/history")).json()["runs"]
        if runs and (not done or runs[0]["status"] != "running"):
            return dict(runs[0])
        await asyncio.sleep(0.05)


async def test_create_lists_the_task_with_its_next_runs(client: httpx.AsyncClient) -> None:
    task = await make_task(client)
    assert task["state"] == "scheduled" and task["enabled"] is True
    # In words; the zone is named when it is not the machine's.
    assert task["schedule"] in ("every day at 09:00", "every day at 09:00 (UTC)")
    assert len(task["next_runs"]) == 5
    first = datetime.fromisoformat(task["next_runs"][0])
    assert first.hour == 9 and first.minute == 0 and first > datetime.now(UTC)
    assert task["next_run_at"] == task["next_runs"][0]
    listing = (await client.get("/api/tasks")).json()["tasks"]
    assert [t["id"] for t in listing] == [task["id"]]
    assert listing[0]["last_run"] is None


async def test_invalid_cron_and_past_date_are_422_with_the_reason(
    client: httpx.AsyncClient,
) -> None:
    bad_cron = {"type": "cron", "cron": "0 25 * * *"}
    response = await client.post(
        "/api/tasks", json={"prompt": "x", "trigger": bad_cron, "mode": "chat"}
    )
    assert response.status_code == 422
    assert "Invalid cron expression '0 25 * * *'" in response.json()["detail"]
    assert "higher than the maximum value (23)" in response.json()["detail"]
    past = {"type": "date", "run_at": "2020-05-01T10:00:00Z"}
    response = await client.post("/api/tasks", json={"prompt": "x", "trigger": past})
    assert response.status_code == 422
    assert "is in the past" in response.json()["detail"]
    assert (await client.get("/api/tasks")).json()["tasks"] == []


async def test_preview_shows_fire_times_without_saving(client: httpx.AsyncClient) -> None:
    body = {"trigger": {"type": "cron", "cron": "*/10 * * * *", "timezone": "UTC"}, "count": 3}
    response = await client.post("/api/tasks/preview", json=body)
    assert response.status_code == 200, response.text
    runs = [datetime.fromisoformat(t) for t in response.json()["next_runs"]]
    assert len(runs) == 3
    assert all(t.minute % 10 == 0 for t in runs)
    assert [b - a for a, b in itertools.pairwise(runs)] == [timedelta(minutes=10)] * 2
    bad = await client.post("/api/tasks/preview", json={"trigger": {"type": "cron", "cron": "x"}})
    assert bad.status_code == 422 and "Wrong number of fields" in bad.json()["detail"]
    assert (await client.get("/api/tasks")).json()["tasks"] == []


async def test_numbers_too_big_for_a_schedule_or_the_database_are_422(
    client: httpx.AsyncClient,
) -> None:
    # Found by the API fuzz: each of these was a 500 (datetime or SQLite integer overflow).
    huge = {"trigger": {"type": "interval", "days": 2912066, "hours": 1000}}
    preview = await client.post("/api/tasks/preview", json=huge)
    assert preview.status_code == 422 and "longest allowed is 366 days" in preview.json()["detail"]
    task = await make_task(client)
    for path in (
        f"/api/tasks/{task['id']}/history?offset={2**63}",
        f"/api/tasks/{task['id']}/history/{2**63}",
    ):
        response = await client.get(path)
        assert response.status_code == 422, response.text
        assert "less than or equal to 9223372036854775807" in response.json()["detail"]


async def test_run_now_keeps_the_answer_and_links_the_transcript(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "summarise my notes", "reply": "Three notes, all about bees."}])
    task = await make_task(client)
    started = await client.post(f"/api/tasks/{task['id']}/run")
    assert started.status_code == 202, started.text
    entry_id = started.json()["task_run"]["id"]
    assert started.json()["task_run"]["reason"] == "manual"
    entry = await wait_for_entry(client, task["id"])
    assert entry["id"] == entry_id
    assert entry["status"] == "completed", entry
    assert entry["output"] == "Three notes, all about bees."
    assert entry["error"] is None and entry["duration_seconds"] >= 0
    run = (await client.get(entry["links"]["run"])).json()
    assert run["run_id"] == entry["run_id"] and run["answer"] == "Three notes, all about bees."
    events = await client.get(entry["links"]["events"])
    assert '"type": "completed"' in events.text or '"type":"completed"' in events.text
    # The task keeps one conversation, named after it.
    chat = (await client.get(f"/api/conversations/{entry['conversation_id']}")).json()
    assert chat["title"] == "Task: Morning brief"
    again = (await client.get(f"/api/tasks/{task['id']}")).json()
    assert again["last_run"]["status"] == "completed"
    assert again["conversation_id"] == entry["conversation_id"]


async def test_a_failed_run_keeps_the_error(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "summarise", "error": {"status": 400, "message": "bad request"}}])
    task = await make_task(client)
    await client.post(f"/api/tasks/{task['id']}/run")
    entry = await wait_for_entry(client, task["id"])
    assert entry["status"] == "error"
    assert entry["error"] and entry["output"] is None


async def test_pause_resume_edit_delete(client: httpx.AsyncClient) -> None:
    task = await make_task(client)
    paused = (await client.post(f"/api/tasks/{task['id']}/pause")).json()
    assert paused["state"] == "paused" and paused["next_run_at"] is None
    assert paused["next_runs"] == []
    resumed = (await client.post(f"/api/tasks/{task['id']}/resume")).json()
    assert resumed["state"] == "scheduled" and resumed["next_run_at"]
    edited = await client.patch(
        f"/api/tasks/{task['id']}",
        json={"name": "Hourly", "trigger": {"type": "interval", "hours": 1}},
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["name"] == "Hourly" and body["schedule"] == "every 1 hour"
    gap = datetime.fromisoformat(body["next_runs"][1]) - datetime.fromisoformat(
        body["next_runs"][0]
    )
    assert gap == timedelta(hours=1)
    bad = await client.patch(
        f"/api/tasks/{task['id']}", json={"trigger": {"type": "cron", "cron": "a b c d e"}}
    )
    assert bad.status_code == 422
    assert (await client.get(f"/api/tasks/{task['id']}")).json()["schedule"] == "every 1 hour"
    assert (await client.delete(f"/api/tasks/{task['id']}")).status_code == 204
    assert (await client.get(f"/api/tasks/{task['id']}")).status_code == 404
    assert (await client.post(f"/api/tasks/{task['id']}/run")).status_code == 404
    assert (await client.delete(f"/api/tasks/{task['id']}")).status_code == 404


async def test_a_scheduled_date_fires_by_itself(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "ring", "reply": "Ding."}])
    soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    task = await make_task(client, prompt="ring the bell", trigger={"type": "date", "run_at": soon})
    entry = await wait_for_entry(client, task["id"])
    assert entry["reason"] == "schedule"
    assert entry["status"] == "completed" and entry["output"] == "Ding."
    after = (await client.get(f"/api/tasks/{task['id']}")).json()
    assert after["state"] == "finished" and after["next_run_at"] is None


async def test_tasks_need_the_token_when_one_is_set(make_settings: Any) -> None:
    from tests.conftest import client_for

    async with client_for(make_settings(api_token="s3cret")) as http:
        assert (await http.get("/api/tasks")).status_code == 401
        ok = await http.get("/api/tasks", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200


async def test_a_scheduled_run_lets_a_chat_answer_finish_first(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": "slow question", "reply": "A slow answer.", "delay": 1.0},
            {"match": "summarise", "reply": "Task done."},
        ]
    )
    services = client.app.state.services  # type: ignore[attr-defined]
    task = await make_task(client)
    chat = asyncio.create_task(
        client.post("/api/agent/query", json={"prompt": "slow question", "mode": "chat"})
    )
    while True:
        if services.agents.active:
            break
        await asyncio.sleep(0.01)
    # What the scheduler does when the task fires:
    entry = await services.tasks.runner.run(task["id"], "schedule")
    answer = (await chat).json()
    assert entry["status"] == "completed" and entry["output"] == "Task done."
    chat_run = (await client.get(f"/api/agent/runs/{answer['run_id']}")).json()
    task_run = (await client.get(f"/api/agent/runs/{entry['run_id']}")).json()
    assert task_run["started_at"] >= chat_run["finished_at"]


async def test_run_now_twice_is_409_and_a_deleted_task_leaves_nothing_running(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "summarise", "reply": "Slowly done.", "delay": 0.5}])
    services = client.app.state.services  # type: ignore[attr-defined]
    task = await make_task(client)
    first, second = await asyncio.gather(
        client.post(f"/api/tasks/{task['id']}/run"), client.post(f"/api/tasks/{task['id']}/run")
    )
    assert sorted([first.status_code, second.status_code]) == [202, 409]
    busy = second if second.status_code == 409 else first
    assert "already running" in busy.json()["detail"]
    assert (await client.get(f"/api/tasks/{task['id']}")).json()["state"] == "running"
    assert (await client.delete(f"/api/tasks/{task['id']}")).status_code == 204
    await services.tasks.runner.close()
    assert services.tasks.runner.running == {}


async def test_a_task_created_paused_has_no_next_run_until_enabled(
    client: httpx.AsyncClient,
) -> None:
    task = await make_task(client, enabled=False)
    assert task["state"] == "paused" and task["next_run_at"] is None
    enabled = (await client.patch(f"/api/tasks/{task['id']}", json={"enabled": True})).json()
    assert enabled["state"] == "scheduled" and enabled["next_run_at"] == enabled["next_runs"][0]
    unknown = await client.post("/api/tasks", json={"prompt": "x", "trigger": {"type": "weekly"}})
    assert unknown.status_code == 422 and "trigger" in unknown.json()["detail"]
