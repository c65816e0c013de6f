"""The UI's HTTP calls about runs, engines, modes and conversations, against a mock server."""

from __future__ import annotations

import json

import httpx
import pytest

from frontend import api_agents, api_client
from frontend.api_client import ApiError
from tests.frontend.mock_api import serve_mock_api


async def test_stream_query_sends_the_mode_and_keeps_run_and_agent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = {"run_id": "r1", "seq": 1, "ts": "t", "type": "started", "agent": "team", "data": {}}
    step = {**started, "seq": 2, "type": "step", "agent": "Planner", "data": {"kind": "message"}}
    body = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in (started, step))
    seen = serve_mock_api(
        monkeypatch,
        lambda _: httpx.Response(200, text=body, headers={"content-type": "text/event-stream"}),
    )
    events = [e async for e in api_client.stream_query("plan it", None, mode="team")]

    assert json.loads(seen[0].content)["mode"] == "team"
    assert [(e.type, e.agent, e.run_id, e.seq) for e in events] == [
        ("started", "team", "r1", 1),
        ("step", "Planner", "r1", 2),
    ]


async def test_the_default_mode_is_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = serve_mock_api(monkeypatch, lambda _: httpx.Response(200, text=""))
    assert [e async for e in api_client.stream_query("hi", None)] == []
    assert json.loads(seen[0].content)["mode"] == "auto"


@pytest.mark.parametrize("switch", ["auto", "on", "off"])
async def test_stream_query_sends_the_documents_switch(
    monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    seen = serve_mock_api(monkeypatch, lambda _: httpx.Response(200, text=""))
    assert [e async for e in api_client.stream_query("hi", None, switch)] == []
    assert json.loads(seen[0].content)["use_knowledge"] == switch


async def test_the_documents_switch_defaults_to_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = serve_mock_api(monkeypatch, lambda _: httpx.Response(200, text=""))
    assert [e async for e in api_client.stream_query("hi", None)] == []
    assert json.loads(seen[0].content)["use_knowledge"] == "auto"


async def test_available_modes_come_from_the_model_list(monkeypatch: pytest.MonkeyPatch) -> None:
    models = {"data": [{"id": "agentdesk-auto"}, {"id": "agentdesk-team"}, {"id": "other"}]}
    seen = serve_mock_api(monkeypatch, lambda _: httpx.Response(200, json=models))
    assert await api_agents.available_modes() == ["auto", "team"]
    assert seen[0].url.path == "/v1/models"
    assert seen[0].headers["authorization"] == "Bearer t0ken"


async def test_stop_posts_to_the_runs_stop_route(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = serve_mock_api(monkeypatch, lambda _: httpx.Response(200, json={"stopped": True}))
    assert await api_agents.stop_run("r7") is True
    assert (seen[0].method, seen[0].url.path) == ("POST", "/api/agent/runs/r7/stop")


async def test_stopping_an_unknown_run_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    serve_mock_api(
        monkeypatch, lambda _: httpx.Response(404, json={"detail": "Run r7 does not exist"})
    )
    with pytest.raises(ApiError, match="Run r7 does not exist"):
        await api_agents.stop_run("r7")


async def test_runs_and_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/agent/runs":
            return httpx.Response(200, json={"runs": [{"run_id": "r1"}]})
        return httpx.Response(200, json={"engines": [{"engine": "chat"}], "queued": 2})

    seen = serve_mock_api(monkeypatch, answer)
    assert await api_agents.list_runs(5) == [{"run_id": "r1"}]
    assert (await api_agents.engine_stats())["queued"] == 2
    assert seen[0].url.params["limit"] == "5"


async def test_rename_sends_the_title(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = serve_mock_api(
        monkeypatch, lambda _: httpx.Response(200, json={"id": "c1", "title": "New"})
    )
    await api_agents.rename_conversation("c1", "New")
    assert (seen[0].method, seen[0].url.path) == ("PATCH", "/api/conversations/c1")
    assert json.loads(seen[0].content) == {"title": "New"}


async def test_export_uses_the_servers_file_name(monkeypatch: pytest.MonkeyPatch) -> None:
    headers = {"content-disposition": 'attachment; filename="trip-notes.md"'}
    seen = serve_mock_api(
        monkeypatch, lambda _: httpx.Response(200, text="# Trip", headers=headers)
    )
    download = await api_agents.export_conversation("c1", "md")
    assert download == api_agents.Download("trip-notes.md", "# Trip")
    assert seen[0].url.params["format"] == "md"


async def test_run_export_without_a_file_name_gets_one(monkeypatch: pytest.MonkeyPatch) -> None:
    serve_mock_api(monkeypatch, lambda _: httpx.Response(200, text="{}"))
    download = await api_agents.export_run("r1", "json")
    assert download.filename == "run-r1.json"


async def test_replayed_events_are_read_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    events = [
        {"run_id": "r1", "seq": n, "type": kind, "agent": "chat", "data": {}}
        for n, kind in enumerate(("started", "completed"), 1)
    ]
    body = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)
    seen = serve_mock_api(monkeypatch, lambda _: httpx.Response(200, text=body))
    replay = await api_agents.run_event_list("r1")
    assert [e.type for e in replay] == ["started", "completed"]
    assert seen[0].url.path == "/api/agent/runs/r1/events"
