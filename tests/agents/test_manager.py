"""The AgentManager through the API: routing, engines behind the model gateway, audited tool
calls, budgets, fallbacks, the run queue and stopping; the fake model over real HTTP."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from agents.engines.base import RunContext
from agents.routing import auto_route, installed
from backend.llm.fake_server import FakeOpenAIServer
from backend.storage import conversations, runs
from backend.storage.models import new_id
from tests.conftest import SettingsFactory, client_for

NEEDS_CODE = pytest.mark.skipif(not installed("code"), reason="the code engine is not installed")


def services_of(client: httpx.AsyncClient) -> Any:
    return client.app.state.services  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("prompt", "mode"),
    [
        ("What is the capital of France?", "chat"),
        pytest.param("Write a python function that reverses a string", "code", marks=NEEDS_CODE),
        pytest.param("List the prime numbers below 30", "code", marks=NEEDS_CODE),
        ("First find the report, then compare it with last year's", "team"),
        ("What is 17 * 23?", "single"),
        ("Save a note that the meeting is on Friday", "single"),
        ("What time is it?", "single"),
    ],
)
def test_auto_routes_by_simple_rules_and_says_why(prompt: str, mode: str) -> None:
    chosen = auto_route(prompt)
    assert chosen.mode == mode
    assert chosen.reason.startswith("auto: ") and chosen.reason.endswith(f"→ {mode}")


async def test_team_run_uses_a_real_tool_through_the_gateway_and_is_audited(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": "How much is 6 times 7", "reply": "1. Use the calculator.", "times": 1},
            {
                "match": "calculator",
                "reply": '```json\n{"name": "calculator", "arguments": {"expression": "6*7"}}\n```',
                "times": 1,
            },
            {"match": "calculator", "reply": "The calculator says 42.", "times": 1},
            {"match": "says 42", "reply": "FINAL ANSWER: 42"},
        ]
    )
    response = await client.post(
        "/api/agent/query",
        json={"prompt": "How much is 6 times 7?", "mode": "team", "use_knowledge": False},
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["answer"] == "42" and body["engine"] == "team"
    steps = body["steps"]
    agents = [s["agent"] for s in steps if s["type"] == "step"]
    assert agents == ["Planner", "Executor", "Planner"]
    # The model wrote its call as fenced JSON; the gateway made it a real tool call.
    (call,) = [s for s in steps if s["type"] == "tool_call"]
    assert call["data"] == {"tool": "calculator", "arguments": {"expression": "6*7"}}
    (result,) = [s for s in steps if s["type"] == "tool_result"]
    assert result["data"]["result"] == "42"
    progress = [s["data"] for s in steps if s["type"] == "progress"]
    assert progress and progress[-1]["model_calls"] == 4 and progress[-1]["tokens"] > 0

    audited = (await client.get(f"/api/agent/runs/{body['run_id']}/tools")).json()
    assert [(c["tool"], c["agent"], c["error"]) for c in audited["tool_calls"]] == [
        ("calculator", "Executor", None)
    ]
    markdown = (await client.get(f"/api/agent/runs/{body['run_id']}/export?format=md")).text
    assert "`calculator`" in markdown and "## Answer\n\n42" in markdown
    exported = (await client.get(f"/api/agent/runs/{body['run_id']}/export")).json()
    assert exported["status"] == "completed"
    assert [e["seq"] for e in exported["events"]] == sorted(e["seq"] for e in exported["events"])


async def test_token_budget_stops_the_run_with_the_reason(
    make_settings: SettingsFactory, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "1. Think more.", "usage": {"prompt_tokens": 400}}])
    async with client_for(make_settings(agent_max_tokens=500)) as client:
        body = (
            await client.post(
                "/api/agent/query",
                json={"prompt": "ponder", "mode": "team", "use_knowledge": False},
            )
        ).json()
    assert body["status"] == "stopped"
    last = body["steps"][-1]
    assert last["type"] == "stopped"
    assert last["data"]["message"] == "the run used its budget of 500 tokens"
    # Two calls of about 400 tokens each: the third was refused before reaching the model.
    assert len(fake.requests) == 2


@pytest.mark.parametrize("mode", ["chat", "single"])
async def test_every_model_call_of_a_run_counts_in_its_token_budget(
    make_settings: SettingsFactory, fake: FakeOpenAIServer, mode: str
) -> None:
    # The answer is refused by the answer check; the second try would be a second call, but
    # the first one spent the whole budget: the run stops, whichever engine answered.
    fake.set_rules([{"reply": "", "usage": {"prompt_tokens": 400}}])
    async with client_for(make_settings(agent_max_tokens=300)) as client:
        body = (
            await client.post(
                "/api/agent/query", json={"prompt": "ponder", "mode": mode, "use_knowledge": False}
            )
        ).json()
    assert body["status"] == "stopped", body
    assert body["steps"][-1]["data"]["message"] == "the run used its budget of 300 tokens"
    progress = [s["data"] for s in body["steps"] if s["data"].get("state") == "model_call"]
    assert progress and progress[-1]["model_calls"] == 1 and progress[-1]["tokens"] >= 400
    assert len(fake.requests) == 1


@pytest.mark.parametrize("mode", ["chat", "single", "team", pytest.param("code", marks=NEEDS_CODE)])
async def test_a_model_call_past_the_time_budget_ends_the_run(
    make_settings: SettingsFactory, fake: FakeOpenAIServer, mode: str
) -> None:
    # The call is admitted inside the budget, then takes far longer than the whole budget.
    fake.set_rules([{"reply": "too late", "delay": 120}])
    async with client_for(make_settings(agent_max_seconds=1.0, llm_timeout=300.0)) as client:
        body = (
            await client.post(
                "/api/agent/query", json={"prompt": "ponder", "mode": mode, "use_knowledge": False}
            )
        ).json()
        record = (await client.get(f"/api/agent/runs/{body['run_id']}")).json()
    assert body["status"] == "stopped", body
    assert body["steps"][-1]["type"] == "stopped"
    assert body["steps"][-1]["data"]["message"] == "the run used its time budget of 1 s"
    assert record["status"] == "stopped"
    assert record["error"] == "the run used its time budget of 1 s"


class Broken:
    def __init__(self, name: str) -> None:
        self.name = name

    async def run(self, context: RunContext) -> str:
        raise RuntimeError(f"{self.name} engine is broken")


async def test_a_failing_engine_falls_back_and_says_so(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    manager = services_of(client).agents
    manager.engines["team"] = Broken("team")
    manager.engines["single"] = Broken("single")
    fake.set_rules([{"match": "hello", "reply": "Plain hello."}])
    body = (await client.post("/api/agent/query", json={"prompt": "hello", "mode": "team"})).json()
    assert body["answer"] == "Plain hello."
    fallbacks = [s["data"] for s in body["steps"] if s["data"].get("kind") == "fallback"]
    assert [(f["from"], f["to"]) for f in fallbacks] == [("team", "single"), ("single", "chat")]
    assert "team engine is broken" in fallbacks[0]["reason"]


async def test_runs_beyond_the_limit_wait_in_a_queue(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "slow", "reply": "done slowly", "delay": 0.5}])
    first = await services_of(client).agents.submit("slow one", None, "chat", False)
    second = await services_of(client).agents.submit("slow two", None, "chat", False)
    events = [e async for e in second.follow()]
    queued = [e.data for e in events if e.type == "progress" and e.data.get("state") == "queued"]
    assert [(q["position"], q["estimate"]["place"]) for q in queued] == [(1, 1)]
    assert events[-1].type == "completed"
    assert [e.type async for e in first.follow()][-1] == "completed"


def estimates(events: list[Any]) -> list[tuple[str, int, float | None, int]]:
    """(event state, place, seconds, based on) of each estimate a run's events carried."""
    found = []
    for event in events:
        if "estimate" in event.data:
            state = str(event.data.get("state") or event.type)
            shown = event.data["estimate"]
            found.append((state, shown["place"], shown["seconds"], shown["based_on"]))
    return found


async def test_without_history_an_answer_has_no_estimate_yet(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "hi"}])
    run = await services_of(client).agents.submit("hello", None, "chat", False)
    events = [e async for e in run.follow()]
    assert estimates(events) == [("started", 0, None, 0)]


def past_runs(client: httpx.AsyncClient, mode: str, seconds: list[float]) -> None:
    """Completed runs of ``mode`` that took ``seconds``, finished an hour ago and earlier."""
    with services_of(client).db.session() as session:
        for number, took in enumerate(seconds):
            ended = datetime.now(UTC) - timedelta(hours=1, minutes=number)
            conversation = conversations.create(session, f"past {number}")
            row = runs.create(session, new_id(), conversation.id, mode, mode, f"past {number}")
            row.status, row.started_at, row.finished_at = (
                "completed",
                ended - timedelta(seconds=took),
                ended,
            )


async def test_the_estimate_follows_recent_runs_and_the_place_in_line(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    # Eight answers of 40 s: a few quick ones finishing now leave the median where it is.
    past_runs(client, "chat", [40.0] * 8)
    manager = services_of(client).agents
    fake.set_rules([{"match": "slow", "reply": "ok", "delay": 0.3}])
    queued = [await manager.submit(f"slow {n}", None, "chat", False) for n in range(3)]
    third = [e async for e in queued[2].follow()]
    for run in queued[:2]:
        [e async for e in run.follow()]
    # One slot: third in line waits for the run holding it and the one before it, then for
    # one, then is worked on; each step is its own 40 s plus 40 s a run ahead.
    assert estimates(third) == [
        ("started", 2, 120.0, 8),
        ("queued", 2, 120.0, 8),
        ("queued", 1, 80.0, 8),
        ("running", 0, 40.0, 8),
    ]


async def test_stop_ends_an_agent_run_at_once_and_keeps_it(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "too late", "delay": 600}])
    manager = services_of(client).agents
    run = await manager.submit("think about it", None, "team", False)
    while not fake.requests:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    response = await client.post(f"/api/agent/runs/{run.run_id}/stop")
    assert response.json() == {"run_id": run.run_id, "stopped": True}
    # The stop call waits (at most two seconds) for the run to end: it has ended.
    assert run.run_id not in manager.active
    record = (await client.get(f"/api/agent/runs/{run.run_id}")).json()
    assert record["status"] == "stopped" and record["error"] == "stopped by the user"
    engines = (await client.get("/api/agent/engines")).json()["engines"]
    team = next(e for e in engines if e["engine"] == "team")
    assert team["state"] == "idle" and team["runs"] == 1 and team["success_rate"] == 0.0


async def test_engines_report_state_and_record(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    for prompt in ("one", "two"):
        await client.post("/api/agent/query", json={"prompt": prompt, "mode": "chat"})
    listing = (await client.get("/api/agent/engines")).json()
    chat = next(e for e in listing["engines"] if e["engine"] == "chat")
    assert chat["runs"] == 2 and chat["success_rate"] == 1.0 and chat["state"] == "idle"
    assert chat["p50_seconds"] is not None and chat["p95_seconds"] >= chat["p50_seconds"]
    runs = (await client.get("/api/agent/runs?limit=1")).json()["runs"]
    assert len(runs) == 1 and runs[0]["prompt"] == "two"


async def test_single_run_writes_a_file_in_the_workspace_only(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    write = {"name": "write_file", "arguments": {"path": "notes/todo.txt", "content": "buy milk"}}
    escape = {"name": "write_file", "arguments": {"path": "../escape.txt", "content": "x"}}
    fake.set_rules(
        [
            {"match": "Save my todo", "tool_calls": [write], "times": 1},
            {"match": "Save my todo", "tool_calls": [escape], "times": 1},
            {"match": "Save my todo", "reply": "Saved to notes/todo.txt."},
        ]
    )
    body = (
        await client.post(
            "/api/agent/query",
            json={"prompt": "Save my todo: buy milk", "mode": "single", "use_knowledge": False},
        )
    ).json()
    assert body["answer"] == "Saved to notes/todo.txt." and body["engine"] == "single"
    settings = services_of(client).settings
    assert (settings.workspace_dir / "notes" / "todo.txt").read_text() == "buy milk"
    assert not (settings.data_dir / "escape.txt").exists()
    results = [s["data"] for s in body["steps"] if s["type"] == "tool_result"]
    assert "error" not in results[0] and "outside" in results[1]["error"].lower()
    # The refusal reached the model as the tool's answer.
    assert any(
        m["role"] == "tool" and "outside" in m["content"].lower()
        for m in fake.requests[-1]["messages"]
    )


def offered(request: dict[str, Any]) -> list[str]:
    """The tool names a model request offered: natively, or in the schema of a call that must
    be a tool call (no final answer among them)."""
    if request.get("tools"):
        return [tool["function"]["name"] for tool in request["tools"]]
    form = request.get("response_format") or {}
    options = form.get("json_schema", {}).get("schema", {}).get("anyOf", [])
    return [option["properties"]["tool"]["const"] for option in options]


def tool_calls_offered(fake: FakeOpenAIServer) -> list[dict[str, Any]]:
    return [r for r in fake.requests if offered(r)]


@pytest.mark.parametrize(
    ("prompt", "call", "tools"),
    [
        (
            "What date will it be 45 days from today?",
            {"name": "calendar", "arguments": {"date": "today", "add": "45 days"}},
            ["current_time", "calendar"],
        ),
        (
            "What is 17 * 23?",
            {"name": "calculator", "arguments": {"expression": "17 * 23"}},
            ["calculator"],
        ),
        (
            "List the files in my workspace",
            {"name": "list_files", "arguments": {}},
            ["list_files", "read_file", "write_file", "calculator"],
        ),
    ],
)
async def test_auto_offers_the_agent_only_the_tools_its_intent_needs(
    client: httpx.AsyncClient,
    fake: FakeOpenAIServer,
    prompt: str,
    call: dict[str, Any],
    tools: list[str],
) -> None:
    fake.set_rules(
        [
            {"match": re.escape(prompt), "tool_calls": [call], "times": 1},
            {"match": re.escape(prompt), "reply": "Here is what the tool said."},
        ]
    )
    body = (await client.post("/api/agent/query", json={"prompt": prompt})).json()
    assert body["engine"] == "single", body
    results = [s["data"] for s in body["steps"] if s["type"] == "tool_result"]
    assert [r["tool"] for r in results] == [call["name"]] and "error" not in results[0]
    agent_calls = tool_calls_offered(fake)
    assert agent_calls and all(offered(r) == tools for r in agent_calls)
    # The job needs a tool: the first call may only call one; the next may answer.
    first, *later = agent_calls
    assert "tools" not in first and "final_answer" not in offered(first)
    assert later and all("tools" in r for r in later)


async def test_a_question_that_needs_no_tool_may_be_answered_at_once(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "Canberra."}])
    prompt = "What is the capital of Australia?"
    body = (await client.post("/api/agent/query", json={"prompt": prompt, "mode": "single"})).json()
    assert body["status"] == "completed" and body["answer"] == "Canberra."
    (request,) = fake.requests
    assert request.get("tools") and "response_format" not in request


async def test_the_agent_chosen_by_hand_gets_the_tools_of_a_plain_job(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    today = datetime.now().astimezone().strftime("%A")  # an answer the clock check accepts
    fake.set_rules([{"reply": f"It is {today}."}])
    prompt = "Which day of the week is it today?"
    await client.post("/api/agent/query", json={"prompt": prompt, "mode": "single"})
    assert [offered(r) for r in fake.requests] == [["current_time", "calendar"]]
    assert "tools" not in fake.requests[0]  # the clock is a tool job: a call comes first


async def test_the_agent_chosen_by_hand_has_every_tool_when_the_job_is_unclear(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "Here is a summary."}])
    prompt = "Tell me something useful about my week."
    await client.post("/api/agent/query", json={"prompt": prompt, "mode": "single"})
    everything = [tool.name for tool in services_of(client).agents.tools.tools]
    assert len(everything) > 2
    assert [offered(r) for r in fake.requests] == [everything]


async def test_numbers_in_words_reach_the_engine_in_digits_too(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "It is 42."}])
    prompt = "What is seven times six?"
    body = (await client.post("/api/agent/query", json={"prompt": prompt, "mode": "chat"})).json()
    asked = fake.requests[-1]["messages"][-1]["content"]
    assert asked == f"{prompt}\n(In digits: What is 7 times 6?)"
    stored = (await client.get(f"/api/conversations/{body['conversation_id']}")).json()
    assert stored["messages"][0]["content"] == prompt  # the conversation keeps it as typed


async def test_auto_sends_a_follow_up_where_the_question_it_follows_went(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "The west region sold 80 units."}])
    first = (
        await client.post(
            "/api/agent/query",
            json={"prompt": "How many units did north sell in sales.csv?", "mode": "chat"},
        )
    ).json()
    asked = {"prompt": "And the west region?", "conversation_id": first["conversation_id"]}
    follow = (await client.post("/api/agent/query", json={**asked, "mode": "auto"})).json()
    started = follow["steps"][0]["data"]
    assert follow["engine"] == "single", follow
    assert "a follow-up to the last question" in started["reason"]
    # Chosen by hand, the mode stays.
    by_hand = (await client.post("/api/agent/query", json={**asked, "mode": "chat"})).json()
    assert by_hand["engine"] == "chat"
