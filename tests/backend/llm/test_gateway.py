"""The model gateway: per-run endpoints, tool-call repair, budgets and stopping, over real HTTP
with the official OpenAI client against the scripted fake model."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from backend.llm.budget import RunBudget
from backend.llm.client import ModelEndpoint
from backend.llm.errors import ModelUnavailable
from backend.llm.fake_server import FakeOpenAIServer
from backend.llm.gateway import ModelGateway
from tests.conftest import free_port

ADD_TOOL = {
    "type": "function",
    "function": {
        "name": "add",
        "description": "Add two numbers",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
            "required": ["a", "b"],
        },
    },
}


@pytest.fixture
def gateway(fake: FakeOpenAIServer) -> Iterator[ModelGateway]:
    gw = ModelGateway(lambda: ModelEndpoint(fake.base_url, "", "fake-model"))
    yield gw
    gw.stop()


def client_for(gateway: ModelGateway, run_id: str, budget: RunBudget) -> openai.OpenAI:
    base_url = gateway.open(run_id, budget)
    return openai.OpenAI(base_url=base_url, api_key=budget.key, max_retries=0, timeout=30)


def budget(**overrides: Any) -> RunBudget:
    values: dict[str, Any] = {"max_tokens": 10_000, "max_calls": 10, "max_seconds": 60.0}
    values.update(overrides)
    return RunBudget(**values)


def test_forwards_and_counts_usage(gateway: ModelGateway, fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"match": "hello", "reply": "hi there friend"}])
    seen: list[dict[str, Any]] = []
    allowance = budget()
    allowance.on_call = seen.append
    client = client_for(gateway, "run1", allowance)
    reply = client.chat.completions.create(
        model="anything", messages=[{"role": "user", "content": "hello"}]
    )
    assert reply.choices[0].message.content == "hi there friend"
    # The upstream model name replaces whatever the framework sent.
    assert fake.requests[-1]["model"] == "fake-model"
    assert allowance.calls == 1
    assert allowance.tokens == reply.usage.total_tokens if reply.usage else False
    assert seen and seen[-1]["model_calls"] == 1 and seen[-1]["tokens"] == allowance.tokens


def test_text_tool_call_becomes_tool_calls(gateway: ModelGateway, fake: FakeOpenAIServer) -> None:
    fenced = '```json\n{"name": "add", "arguments": {"a": 2, "b": 3}}\n```'
    fake.set_rules([{"match": "sum", "reply": fenced}])
    client = client_for(gateway, "run2", budget())
    reply = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "sum 2 and 3"}], tools=[ADD_TOOL]
    )
    call = reply.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "add"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"a": 2, "b": 3}  # type: ignore[union-attr]
    assert reply.choices[0].finish_reason == "tool_calls"


def test_tool_request_streamed_back_as_chunks(
    gateway: ModelGateway, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "sum", "tool_calls": [{"name": "add", "arguments": {"a": 1}}]}])
    client = client_for(gateway, "run3", budget())
    stream = client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "sum"}],
        tools=[ADD_TOOL],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    calls = [c for ch in chunks for choice in ch.choices for c in choice.delta.tool_calls or []]
    assert [c.function.name for c in calls] == ["add"]  # type: ignore[union-attr]
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0
    # The model server saw one plain (non-streamed) request.
    assert fake.requests[-1]["stream"] is False


def test_plain_stream_is_relayed(gateway: ModelGateway, fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"match": "story", "reply": "once upon a time there was a file"}])
    allowance = budget()
    client = client_for(gateway, "run4", allowance)
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "a story"}], stream=True
    )
    text = "".join(choice.delta.content or "" for chunk in stream for choice in chunk.choices)
    assert text == "once upon a time there was a file"
    assert fake.requests[-1]["stream"] is True
    assert allowance.tokens > 0


def test_token_budget_ends_the_run(gateway: ModelGateway, fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": "words " * 30}])
    client = client_for(gateway, "run5", budget(max_tokens=20))
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "go"}])
    with pytest.raises(openai.BadRequestError, match="20 tokens"):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "go"}])


def test_call_budget_ends_the_run(gateway: ModelGateway, fake: FakeOpenAIServer) -> None:
    client = client_for(gateway, "run6", budget(max_calls=2))
    for _ in range(2):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.BadRequestError, match="2 model calls"):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])


def test_stop_abandons_the_call_in_flight(gateway: ModelGateway, fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": "late", "delay": 20}])
    allowance = budget()
    client = client_for(gateway, "run7", allowance)
    threading.Timer(0.3, allowance.stop, args=("stopped by the user",)).start()
    started = time.monotonic()
    with pytest.raises(openai.BadRequestError, match="stopped by the user"):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    # Far sooner than the model's 20 s: the gateway let go of the call.
    assert time.monotonic() - started < 10


def test_keys_and_unknown_runs_are_refused(gateway: ModelGateway) -> None:
    base_url = gateway.open("run8", budget())
    wrong = openai.OpenAI(base_url=base_url, api_key="nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    gateway.close("run8")
    gone = openai.OpenAI(base_url=base_url, api_key="k", max_retries=0)
    with pytest.raises(openai.NotFoundError):
        gone.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])


def test_model_unavailable_is_503(fake: FakeOpenAIServer) -> None:
    def down() -> ModelEndpoint:
        raise ModelUnavailable("the embedded model is not ready yet (loading)")

    gw = ModelGateway(down)
    try:
        allowance = budget()
        client = openai.OpenAI(
            base_url=gw.open("r", allowance), api_key=allowance.key, max_retries=0
        )
        with pytest.raises(openai.InternalServerError, match="not ready"):
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    finally:
        gw.stop()


def test_json_schema_mode_round_trip(fake: FakeOpenAIServer) -> None:
    gw = ModelGateway(lambda: ModelEndpoint(fake.base_url, "", "fake-model"), "json_schema")
    try:
        fake.set_rules(
            [
                {
                    "match": "Result of add",
                    "reply": '{"tool": "final_answer", "arguments": {"answer": "It is 5."}}',
                },
                {"match": "sum", "reply": '{"tool": "add", "arguments": {"a": 2, "b": 3}}'},
            ]
        )
        allowance = budget()
        client = openai.OpenAI(
            base_url=gw.open("j", allowance), api_key=allowance.key, max_retries=0
        )
        messages: list[Any] = [{"role": "user", "content": "sum 2 and 3"}]
        first = client.chat.completions.create(model="m", messages=messages, tools=[ADD_TOOL])
        call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
        assert call.function.name == "add"  # type: ignore[union-attr]
        sent = fake.requests[-1]
        assert "tools" not in sent
        assert sent["response_format"]["type"] == "json_schema"
        assert "add(a: number, b: number)" in sent["messages"][0]["content"]
        messages += [
            first.choices[0].message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": "5"},
        ]
        second = client.chat.completions.create(model="m", messages=messages, tools=[ADD_TOOL])
        assert second.choices[0].message.content == "It is 5."
        rewritten = fake.requests[-1]["messages"]
        assert rewritten[-1] == {"role": "user", "content": "Result of add:\n5"}
        assert json.loads(rewritten[-2]["content"]) == {
            "tool": "add",
            "arguments": {"a": 2, "b": 3},
        }
    finally:
        gw.stop()


def test_auto_mode_asks_again_when_a_call_is_unreadable(fake: FakeOpenAIServer) -> None:
    gw = ModelGateway(lambda: ModelEndpoint(fake.base_url, "", "fake-model"), "auto")
    try:
        fake.set_rules(
            [
                {"match": "sum", "reply": "Calling add {a: 2, b: 3} now", "times": 1},
                {"match": "sum", "reply": '{"tool": "add", "arguments": {"a": 2, "b": 3}}'},
            ]
        )
        allowance = budget()
        client = openai.OpenAI(
            base_url=gw.open("a", allowance), api_key=allowance.key, max_retries=0
        )
        reply = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "sum 2 and 3"}], tools=[ADD_TOOL]
        )
        call = reply.choices[0].message.tool_calls[0]  # type: ignore[index]
        assert json.loads(call.function.arguments) == {"a": 2, "b": 3}  # type: ignore[union-attr]
        first, second = fake.requests[-2:]
        assert "tools" in first and "response_format" not in first
        assert "tools" not in second and second["response_format"]["type"] == "json_schema"
    finally:
        gw.stop()


def test_a_run_that_wants_a_tool_first_gets_a_schema_without_the_answer_once(
    gateway: ModelGateway, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": "sum", "reply": '{"tool": "add", "arguments": {"a": 2, "b": 3}}', "times": 1},
            {"reply": "It is 5."},
        ]
    )
    allowance = budget(tool_first=True)
    client = client_for(gateway, "t", allowance)
    messages: list[Any] = [{"role": "user", "content": "sum 2 and 3"}]
    first = client.chat.completions.create(model="m", messages=messages, tools=[ADD_TOOL])
    call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert json.loads(call.function.arguments) == {"a": 2, "b": 3}  # type: ignore[union-attr]
    forced = fake.requests[-1]
    options = forced["response_format"]["json_schema"]["schema"]["anyOf"]
    assert [o["properties"]["tool"]["const"] for o in options] == ["add"]
    assert "final_answer" not in forced["messages"][0]["content"]
    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "5"},
    ]
    second = client.chat.completions.create(model="m", messages=messages, tools=[ADD_TOOL])
    assert second.choices[0].message.content == "It is 5."
    # Only the first call is held to a tool: the next goes out natively and may answer.
    assert "tools" in fake.requests[-1] and "response_format" not in fake.requests[-1]
    assert allowance.tool_first is False


@pytest.mark.parametrize(("retries", "answered"), [(0, False), (1, True)])
def test_a_model_server_that_cannot_be_reached_is_tried_again(
    fake: FakeOpenAIServer, retries: int, answered: bool
) -> None:
    # The first address refuses the connection; asked again, the server is where it now is.
    addresses = iter([f"http://127.0.0.1:{free_port()}/v1"])

    def upstream() -> ModelEndpoint:
        return ModelEndpoint(next(addresses, fake.base_url), "", "fake-model")

    fake.set_rules([{"reply": "back again"}])
    gw = ModelGateway(upstream, retries=retries, backoff=0.01)
    try:
        client = client_for(gw, "r", budget())
        ask = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
        if answered:
            reply = client.chat.completions.create(**ask)  # type: ignore[call-overload]
            assert reply.choices[0].message.content == "back again"
        else:
            with pytest.raises(openai.InternalServerError, match="not reachable"):
                client.chat.completions.create(**ask)  # type: ignore[call-overload]
    finally:
        gw.stop()
