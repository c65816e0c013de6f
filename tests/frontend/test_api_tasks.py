"""The UI's HTTP calls for the Tasks and System pages, against a mock server."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from frontend import api_system, api_tasks
from frontend.api_client import ApiError
from tests.frontend.mock_api import serve_mock_api


def _serve(
    monkeypatch: pytest.MonkeyPatch, handler: Callable[[httpx.Request], httpx.Response]
) -> list[httpx.Request]:
    return serve_mock_api(monkeypatch, handler, api_token="")


async def test_task_calls_use_the_documented_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/tasks" and request.method == "GET":
            return httpx.Response(200, json={"tasks": [{"id": "t1"}]})
        if request.url.path.endswith("/run"):
            return httpx.Response(202, json={"task_run": {"id": 3, "status": "running"}})
        if request.url.path.endswith("/history"):
            return httpx.Response(200, json={"runs": [], "total": 0})
        if request.method == "DELETE":
            return httpx.Response(404, json={"detail": "Task t1 does not exist"})
        return httpx.Response(200, json={"id": "t1", "next_runs": []})

    seen = _serve(monkeypatch, answer)
    assert await api_tasks.list_tasks() == [{"id": "t1"}]
    trigger = {"type": "cron", "cron": "0 9 * * *"}
    await api_tasks.create_task({"prompt": "p", "trigger": trigger})
    await api_tasks.preview(trigger, 3)
    await api_tasks.set_paused("t1", True)
    await api_tasks.set_paused("t1", False)
    assert await api_tasks.run_now("t1") == {"id": 3, "status": "running"}
    assert await api_tasks.history("t1", 5) == {"runs": [], "total": 0}
    await api_tasks.delete_task("t1")  # already gone: not an error
    assert [(r.method, r.url.path) for r in seen] == [
        ("GET", "/api/tasks"),
        ("POST", "/api/tasks"),
        ("POST", "/api/tasks/preview"),
        ("POST", "/api/tasks/t1/pause"),
        ("POST", "/api/tasks/t1/resume"),
        ("POST", "/api/tasks/t1/run"),
        ("GET", "/api/tasks/t1/history"),
        ("DELETE", "/api/tasks/t1"),
    ]
    assert json.loads(seen[2].content) == {"trigger": trigger, "count": 3}
    assert seen[6].url.params["limit"] == "5"


async def test_a_refused_task_raises_the_servers_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    reason = "Invalid cron expression '0 25 * * *': the hour is higher than 23"
    _serve(monkeypatch, lambda _: httpx.Response(422, json={"detail": reason}))
    with pytest.raises(ApiError) as raised:
        await api_tasks.create_task({"prompt": "p", "trigger": {"type": "cron", "cron": "x"}})
    assert (raised.value.status, raised.value.message) == (422, reason)


async def test_system_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _serve(monkeypatch, lambda _: httpx.Response(200, json={"series": {}}))
    await api_system.stats()
    await api_system.history(10, 120)
    assert [r.url.path for r in seen] == ["/api/system/stats", "/api/system/history"]
    assert dict(seen[1].url.params) == {"minutes": "10", "points": "120"}
