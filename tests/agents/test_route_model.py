"""An unsure auto route asks the model once, held to a schema; through the API and directly."""

from __future__ import annotations

import json

import httpx
import pytest

from agents.route_model import choose, parse
from agents.routing import installed
from backend.llm.client import ChatClient, ClientOptions
from backend.llm.fake_server import FakeOpenAIServer

UNSURE = "Find the invoice from March"


def client_of(fake: FakeOpenAIServer) -> ChatClient:
    return ChatClient(ClientOptions(base_url=fake.base_url, retries=0))


async def test_the_model_picks_an_engine_from_the_enum_with_its_reason(
    fake: FakeOpenAIServer,
) -> None:
    fake.set_rules([{"reply": '{"engine": "single", "reason": "it needs the file tools"}'}])
    chosen = await choose("auto", UNSURE, client_of(fake))
    assert chosen.engine == "single"
    assert chosen.reason == "auto (model): it needs the file tools → single"
    (request,) = fake.requests
    schema = request["response_format"]["json_schema"]["schema"]
    assert "single" in schema["properties"]["engine"]["enum"]
    assert request["messages"][-1]["content"] == UNSURE


@pytest.mark.parametrize(
    "reply",
    ['{"engine": "rocket", "reason": "x"}', "single, because", '["single"]'],
)
async def test_an_unreadable_choice_keeps_the_rules_route(
    fake: FakeOpenAIServer, reply: str
) -> None:
    fake.set_rules([{"reply": reply}])
    chosen = await choose("auto", UNSURE, client_of(fake))
    assert chosen.engine == "chat" and "unreadable" in chosen.reason


async def test_a_failing_model_keeps_the_rules_route(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"error": {"status": 500, "message": "boom"}}])
    chosen = await choose("auto", UNSURE, client_of(fake))
    assert chosen.engine == "chat" and "could not help" in chosen.reason


async def test_sure_rules_and_chosen_modes_make_no_model_call(fake: FakeOpenAIServer) -> None:
    assert (await choose("auto", "What is 23% of 4,180?", client_of(fake))).engine == "single"
    assert (await choose("chat", UNSURE, client_of(fake))).reason == "chosen by the user"
    assert fake.requests == []


def test_parse_keeps_one_short_line_of_reason() -> None:
    reply = json.dumps({"engine": "chat", "reason": "a\n b " * 100})
    engine, reason = parse(reply, ("chat", "single")) or ("", "")
    assert engine == "chat" and "\n" not in reason and len(reason) == 60


@pytest.mark.skipif(not installed("single"), reason="the single engine is not installed")
async def test_the_models_reason_shows_in_the_run(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {
                "match": f"^{UNSURE}$",
                "reply": '{"engine": "single", "reason": "a file lookup"}',
                "times": 1,
            },
            {"reply": "There is no invoice from March in the workspace."},
        ]
    )
    body = (
        await client.post("/api/agent/query", json={"prompt": UNSURE, "use_knowledge": False})
    ).json()
    assert body["engine"] == "single"
    started = body["steps"][0]
    assert started["type"] == "started"
    assert started["data"]["reason"] == "auto: no rule is sure → chat"
    (picked,) = [s for s in body["steps"] if s["data"].get("kind") == "route"]
    assert picked["data"] == {
        "kind": "route",
        "engine": "single",
        "reason": "auto (model): a file lookup → single",
    }
    # The routing call is the run's first model call, counted in its budget.
    calls = [s["data"]["model_calls"] for s in body["steps"] if "model_calls" in s["data"]]
    assert calls[0] == 1 and calls[-1] == len(fake.requests) == 2


@pytest.mark.skipif(not installed("single"), reason="the single engine is not installed")
async def test_the_routing_call_is_refused_once_the_runs_budget_is_spent(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.llm.budget import RunBudget

    monkeypatch.setattr(RunBudget, "admit", lambda self: "budget spent")
    fake.set_rules([{"reply": '{"engine": "single", "reason": "a file lookup"}'}])
    body = (
        await client.post("/api/agent/query", json={"prompt": UNSURE, "use_knowledge": False})
    ).json()
    assert body["status"] == "stopped"
    assert fake.requests == []
