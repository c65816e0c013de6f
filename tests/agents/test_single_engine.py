"""The single engine (LangChain create_agent) against the scripted fake model over real HTTP."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from agents import prompts
from agents.engines import single
from agents.engines.base import EngineStopped, Limits, ModelEndpoint, RunContext
from agents.engines.single import NO_TOOL_NEEDED, SingleEngine
from agents.knowledge import grounded_prompt
from agents.tools import dates
from agents.tools.registry import Tool, ToolCallRecord, ToolContext, ToolError, ToolRegistry
from backend.llm.client import ChatClient, ClientOptions
from backend.llm.errors import ModelError, ModelUnavailable
from backend.llm.fake_server import FakeOpenAIServer

NUMBERS = {"type": "number"}
TABLE = {"capital of france": "Paris"}


@dataclass
class Run:
    """A RunContext for the fake model plus everything the run reported."""

    context: RunContext
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    audits: list[ToolCallRecord] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def types(self) -> list[str]:
        return [type_ for type_, _ in self.events]


def make_run(
    fake: FakeOpenAIServer,
    prompt: str,
    *,
    max_steps: int = 8,
    max_seconds: float = 300.0,
    history: list[dict[str, str]] | None = None,
    sources: list[Any] | None = None,
) -> Run:
    """A run with two test tools, ``add`` and ``lookup``, whose calls are recorded."""
    events: list[tuple[str, dict[str, Any]]] = []
    audits: list[ToolCallRecord] = []
    calls: list[tuple[str, dict[str, Any]]] = []

    def add(a: float, b: float) -> str:
        calls.append(("add", {"a": a, "b": b}))
        return str(a + b)

    def lookup(key: str) -> str:
        calls.append(("lookup", {"key": key}))
        if key not in TABLE:
            raise ToolError(f"no entry named {key!r}")
        return TABLE[key]

    registry = ToolRegistry(
        [
            Tool(
                "add",
                "Add two numbers.",
                {
                    "type": "object",
                    "properties": {"a": NUMBERS, "b": NUMBERS},
                    "required": ["a", "b"],
                },
                add,
            ),
            Tool(
                "lookup",
                "Look a key up in the table.",
                {"type": "object", "properties": {"key": {"type": "string"}}, "required": ["key"]},
                lookup,
            ),
        ]
    )

    async def emit(type_: Any, data: dict[str, Any], agent: str | None = None) -> None:
        events.append((type_, data))

    context = RunContext(
        run_id="run-1",
        prompt=prompt,
        history=history or [],
        # The agent talks to the endpoint; the client asks for the last word.
        client=ChatClient(ClientOptions(fake.base_url, "", "fake-model", retries=0)),
        emit=emit,
        max_tokens=200,
        temperature=0.0,
        sources=sources or [],
        endpoint=ModelEndpoint(base_url=fake.base_url, api_key="", model="fake-model"),
        tools=registry,
        # Tool events come from a worker thread; list.append is thread-safe.
        tool_context=ToolContext(
            run_id="run-1", emit=lambda t, d: events.append((t, d)), audit=audits.append
        ),
        limits=Limits(max_steps=max_steps, max_seconds=max_seconds),
        loop=asyncio.get_running_loop(),
    )
    return Run(context, events, audits, calls)


def tool_messages(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in request["messages"] if m["role"] == "tool"]


async def test_tool_call_then_answer(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {
                "match": "add",
                "tool_calls": [{"name": "add", "arguments": {"a": 2, "b": 3}}],
                "times": 1,
            },
            {"match": "add", "reply": "2 + 3 = 5."},
        ]
    )
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    run = make_run(fake, "Please add 2 and 3", history=history)

    answer = await SingleEngine().run(run.context)

    assert answer == "2 + 3 = 5."
    assert run.calls == [("add", {"a": 2, "b": 3})]
    assert run.types() == ["tool_call", "tool_result", "token"]
    assert run.events[0][1] == {"tool": "add", "arguments": {"a": 2, "b": 3}}
    assert run.events[1][1]["result"] == "5"
    assert run.events[2][1] == {"text": "2 + 3 = 5."}
    assert [(a.tool, a.error) for a in run.audits] == [("add", None)]

    first, second = fake.requests
    assert [m["content"] for m in first["messages"]] == [
        prompts.load("single_system"),
        "hi",
        "hello",
        "Please add 2 and 3",
    ]
    assert {t["function"]["name"] for t in first["tools"]} == {"add", "lookup"}
    asked = next(m for m in second["messages"] if m["role"] == "assistant" and m.get("tool_calls"))
    result = tool_messages(second)
    assert result == [
        {"role": "tool", "content": "5", "tool_call_id": asked["tool_calls"][0]["id"]}
    ]
    assert first["max_completion_tokens"] == 200
    assert first["temperature"] == 0.0
    # Both calls' token counts add up (the fake counts words: 5 for the call, 5 for the reply).
    usage = run.context.usage
    assert usage["completion_tokens"] == 5 + 5
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_tool_error_goes_back_to_the_model(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {
                "match": "capital",
                "tool_calls": [{"name": "lookup", "arguments": {"key": "capital of peru"}}],
                "times": 1,
            },
            {"match": "capital", "reply": "I could not find it."},
        ]
    )
    run = make_run(fake, "What is the capital of Peru?")

    answer = await SingleEngine().run(run.context)

    assert answer == "I could not find it."
    assert run.calls == [("lookup", {"key": "capital of peru"})]
    assert run.events[1] == (
        "tool_result",
        {
            "tool": "lookup",
            "duration_ms": run.events[1][1]["duration_ms"],
            "chars": 0,
            "error": "no entry named 'capital of peru'",
        },
    )
    (message,) = tool_messages(fake.requests[1])
    assert "no entry named 'capital of peru'" in message["content"]
    assert run.audits[0].error == "no entry named 'capital of peru'"


async def test_the_calendar_corrects_a_date_the_model_got_wrong(fake: FakeOpenAIServer) -> None:
    """A date that does not exist comes back as an error saying why; the model's second call
    gets the sentence it then answers with."""
    calendar = Tool(
        "calendar",
        dates.DESCRIPTION,
        {
            "type": "object",
            "properties": {"date": {"type": "string"}, "add": {"type": "string"}},
            "required": [],
        },
        functools.partial(dates.calendar, today=lambda: date(2026, 12, 7)),
    )
    wrong = {"name": "calendar", "arguments": {"date": "29 February 2026", "add": "45 days"}}
    right = {"name": "calendar", "arguments": {"date": "today", "add": "45 days"}}
    fake.set_rules(
        [
            {"match": "45 days", "tool_calls": [wrong], "times": 1},
            {"match": "45 days", "tool_calls": [right], "times": 1},
            {"match": "45 days", "reply": "It will be Thursday 21 January 2027."},
        ]
    )
    run = make_run(fake, "What date will it be 45 days from today?")
    run.context.tools = ToolRegistry([calendar])

    answer = await SingleEngine().run(run.context)

    assert answer == "It will be Thursday 21 January 2027."
    refused, moved = [m["content"] for m in tool_messages(fake.requests[2])]
    assert "there is no 29 February 2026: February 2026 has 28 days" in refused
    assert moved == "45 days after Monday 7 December 2026 is Thursday 21 January 2027."
    assert [t["function"]["name"] for t in fake.requests[0]["tools"]] == ["calendar"]


async def test_repeating_the_same_call_stops_the_run(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 1}}]}])
    run = make_run(fake, "Add one and one")

    with pytest.raises(EngineStopped, match="the agent repeated the same call to add 3 times"):
        await SingleEngine().run(run.context)

    # The third identical request is caught before its tool runs; the second got the first
    # call's result back with a note to use it, without running the tool again. Then the
    # model was asked once, without tools, to answer from the result, and wrote nothing.
    assert len(fake.requests) == 4
    assert run.calls == [("add", {"a": 1, "b": 1})]
    repeat = fake.requests[2]["messages"][-1]["content"]
    assert "You called add with these arguments before" in repeat
    last = fake.requests[3]
    assert "tools" not in last and "- add: 2" in last["messages"][-1]["content"]


async def test_a_looping_agent_with_results_is_asked_once_to_answer_from_them(
    fake: FakeOpenAIServer,
) -> None:
    fake.set_rules(
        [
            {"match": "Do not call any tool again", "reply": "One and one make 2."},
            {"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 1}}]},
        ]
    )
    run = make_run(fake, "Add one and one")

    answer = await SingleEngine().run(run.context)

    assert answer == "One and one make 2."
    assert "repeated the same call to add 3 times" in str(fake.requests[-1]["messages"])
    assert any("asked to answer from the tools' results" in str(e) for e in run.events)


def distinct_calls(count: int) -> list[dict[str, Any]]:
    return [
        {"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": n}}], "times": 1}
        for n in range(count)
    ]


async def test_step_budget_stops_an_endless_agent(fake: FakeOpenAIServer) -> None:
    fake.set_rules(distinct_calls(10))
    run = make_run(fake, "Keep adding", max_steps=2)

    with pytest.raises(EngineStopped, match="the agent used its 2 steps without a final answer"):
        await SingleEngine().run(run.context)

    # Two tool rounds ran; the third model turn still wanted tools, so the run ended there
    # (the last word, asked without tools, got a tool call back and no text).
    assert [args["b"] for _, args in run.calls] == [0, 1]
    assert len(fake.requests) == 4
    assert "token" not in run.types()


async def test_step_budget_leaves_room_for_the_answer(fake: FakeOpenAIServer) -> None:
    fake.set_rules([*distinct_calls(2), {"reply": "Done adding."}])
    run = make_run(fake, "Keep adding", max_steps=2)

    assert await SingleEngine().run(run.context) == "Done adding."
    assert len(run.calls) == 2


async def test_plain_reply_needs_no_tools(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"match": "hello", "reply": "Hello there."}])
    run = make_run(fake, "hello")

    assert await SingleEngine().run(run.context) == "Hello there."
    assert run.events == [("token", {"text": "Hello there."})]
    assert run.calls == []
    assert len(fake.requests) == 1


async def test_model_errors_say_what_went_wrong(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"error": {"status": 500, "message": "the model crashed"}}])
    with pytest.raises(ModelError, match="the model crashed"):
        await SingleEngine().run(make_run(fake, "anything").context)

    fake.set_rules([{"drop": True}])
    with pytest.raises(ModelUnavailable, match="is not reachable"):
        await SingleEngine().run(make_run(fake, "anything").context)


@dataclass
class Passage:
    chunk_id: int = 1
    document_id: int = 1
    text: str = "The office opens at 9."
    source: str = "/docs/hours.txt"
    score: float = 1.0
    page: int | None = None


async def test_sources_go_in_the_user_turn(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"match": "open", "reply": "At 9 [1]."}])
    run = make_run(fake, "When does the office open?", sources=[Passage()])

    assert await SingleEngine().run(run.context) == "At 9 [1]."
    messages = fake.requests[0]["messages"]
    assert messages[0]["content"] == prompts.load("single_system")
    assert messages[-1] == {
        "role": "user",
        "content": grounded_prompt("When does the office open?", [Passage()]),
    }


async def wait_for_request(fake: FakeOpenAIServer) -> None:
    """Until the model has the request (the server runs in another thread: poll)."""
    while not fake.requests:  # noqa: ASYNC110
        await asyncio.sleep(0.01)


async def test_stop_flag_ends_a_run_waiting_on_the_model(fake: FakeOpenAIServer) -> None:
    # The reply is an hour away and so is the client's timeout: a run that only noticed the
    # stop once the model answered would hang here until pytest-timeout fails the test.
    fake.set_rules([{"reply": "too late", "delay": 3600}])
    run = make_run(fake, "slow question", max_seconds=3600)
    task = asyncio.create_task(SingleEngine().run(run.context))
    await wait_for_request(fake)

    run.context.cancelled.set()

    with pytest.raises(EngineStopped, match=r"^stopped$"):
        await task
    assert "token" not in run.types()


async def test_cancelling_the_task_propagates(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": "too late", "delay": 3600}])
    run = make_run(fake, "slow question", max_seconds=3600)
    task = asyncio.create_task(SingleEngine().run(run.context))
    await wait_for_request(fake)

    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def test_text_beside_tool_calls_is_a_thought(
    fake: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fake server sends no text with tool calls, so a scripted LangChain model does."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    class ScriptedModel(GenericFakeChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            return self

    script = iter(
        [
            AIMessage(
                content="I should add them.",
                tool_calls=[{"name": "add", "args": {"a": 4, "b": 5}, "id": "c1"}],
            ),
            AIMessage(content="4 + 5 = 9."),
        ]
    )
    monkeypatch.setattr(single, "_chat_model", lambda *_: ScriptedModel(messages=script))
    run = make_run(fake, "add 4 and 5")

    assert await SingleEngine().run(run.context) == "4 + 5 = 9."
    assert run.events[0] == ("step", {"kind": "thought", "text": "I should add them."})
    assert run.types() == ["step", "tool_call", "tool_result", "token"]
    assert run.calls == [("add", {"a": 4, "b": 5})]


async def test_runs_share_one_tls_context(
    fake: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Loading the CA bundle costs ~20 ms of CPU; runs must not pay it once per client.
    import ssl

    from agents.engines import http_clients

    built: list[object] = []
    real = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(args)
        return real(*args, **kwargs)

    fake.set_rules([{"match": "hello", "reply": "Hi there."}])
    # A first run imports LangChain, which builds a context of its own once, at import.
    assert await SingleEngine().run(make_run(fake, "hello").context) == "Hi there."
    monkeypatch.setattr(ssl, "create_default_context", counting)
    http_clients.tls_context.cache_clear()
    for _ in range(3):
        assert await SingleEngine().run(make_run(fake, "hello").context) == "Hi there."
    assert len(built) == 1


@pytest.mark.parametrize(
    ("prompt", "noted"),
    [
        ("Who painted the Mona Lisa?", True),
        ("How many legs does a spider have?", True),
        ("What is 23% of 4,180?", False),  # a sum: the calculator helps
        ("What is the first item in todo.md?", False),  # a file: the file tools help
        ("What time is it?", False),
    ],
)
async def test_a_general_question_is_told_no_tool_is_needed(
    fake: FakeOpenAIServer, prompt: str, noted: bool
) -> None:
    fake.set_rules([{"reply": "Leonardo da Vinci."}])
    run = make_run(fake, prompt)

    await SingleEngine().run(run.context)

    asked = fake.requests[0]["messages"][-1]["content"]
    assert asked.startswith(prompt) and asked.endswith(NO_TOOL_NEEDED) == noted
    # With passages to answer from, the question goes as it is.
    fake.set_rules([{"reply": "At 9 [1]."}])
    grounded = make_run(fake, prompt, sources=[Passage()])
    await SingleEngine().run(grounded.context)
    assert not fake.requests[-1]["messages"][-1]["content"].endswith(NO_TOOL_NEEDED)
