"""The team engine (AutoGen Planner/Executor group chat) against the fake model over real HTTP.

What AutoGen sends: each agent's request ends with the latest message of the other agent as a
user message (the Planner's first request ends with the task). The Executor's second request,
after its tool ran, summarizes the tool result and still ends with the same Planner message,
so the scripts below use ``times`` to answer that message first with a tool call, then with text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from agents.engines.base import EngineStopped, Limits, ModelEndpoint, RunContext
from agents.engines.team import TeamEngine, final_answer, task_text
from agents.knowledge import grounded_prompt
from agents.tools.registry import Tool, ToolCallRecord, ToolContext, ToolRegistry
from backend.llm.client import ChatClient, ClientOptions
from backend.llm.errors import ModelError
from backend.llm.fake_server import FakeOpenAIServer

ADD_SCHEMA = {
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
    "required": ["a", "b"],
}
ADD_2_3 = {"name": "add", "arguments": {"a": 2, "b": 3}}
# Longer than the test timeout (pyproject), so a run that waits for this reply instead of
# stopping fails the test rather than passing late.
NEVER = 600.0


@dataclass
class Run:
    """A RunContext for the fake model plus everything the run reported."""

    context: RunContext
    events: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)
    tool_events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    audits: list[ToolCallRecord] = field(default_factory=list)
    added: list[tuple[int, int]] = field(default_factory=list)

    def steps(self) -> list[tuple[str | None, str]]:
        return [(agent, data["text"]) for type_, agent, data in self.events if type_ == "step"]

    def tokens(self) -> list[str]:
        return [data["text"] for type_, _, data in self.events if type_ == "token"]


def make_run(
    fake: FakeOpenAIServer,
    prompt: str,
    *,
    max_steps: int = 8,
    history: list[dict[str, str]] | None = None,
) -> Run:
    """A run whose one tool, ``add``, records its calls."""
    run = Run(context=None)  # type: ignore[arg-type]

    def add(a: int, b: int) -> str:
        run.added.append((a, b))
        return str(a + b)

    async def emit(type_: Any, data: dict[str, Any], agent: str | None = None) -> None:
        run.events.append((type_, agent, data))

    run.context = RunContext(
        run_id="run-1",
        prompt=prompt,
        history=history or [],
        client=ChatClient(ClientOptions(fake.base_url, "", "fake-model", retries=0)),
        emit=emit,
        max_tokens=200,
        temperature=0.0,
        endpoint=ModelEndpoint(fake.base_url, "", "fake-model"),
        tools=ToolRegistry([Tool("add", "Add two integers.", ADD_SCHEMA, add)]),
        tool_context=ToolContext(
            run_id="run-1",
            emit=lambda type_, data: run.tool_events.append((type_, data)),
            audit=run.audits.append,
        ),
        limits=Limits(max_steps=max_steps),
    )
    return run


def last_user(request: dict[str, Any]) -> str:
    return str([m for m in request["messages"] if m["role"] == "user"][-1]["content"])


def tool_messages(requests: list[dict[str, Any]]) -> list[str]:
    return [m["content"] for r in requests for m in r["messages"] if m["role"] == "tool"]


async def first_request(fake: FakeOpenAIServer) -> None:
    """Return once the fake has received a request (the fake is in another thread)."""
    while not fake.requests:  # noqa: ASYNC110
        await asyncio.sleep(0.01)


async def test_planner_plans_executor_uses_tool_planner_answers(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {"match": "What is 2 plus 3", "reply": "1. Use the add tool on 2 and 3.", "times": 1},
            {"match": "add tool", "tool_calls": [ADD_2_3], "times": 1},
            {"match": "add tool", "reply": "The sum is 5.", "times": 1},
            {"match": "sum is 5", "reply": "FINAL ANSWER: 5"},
        ]
    )
    run = make_run(fake, "What is 2 plus 3?")

    answer = await TeamEngine().run(run.context)

    assert answer == "5"
    assert run.steps() == [
        ("Planner", "1. Use the add tool on 2 and 3."),
        ("Executor", "The sum is 5."),
        ("Planner", "FINAL ANSWER: 5"),
    ]
    assert run.tokens() == ["5"]
    # The tool really ran, through the registry, attributed to the Executor.
    assert run.added == [(2, 3)]
    assert [(a.tool, a.agent, a.arguments, a.error) for a in run.audits] == [
        ("add", "Executor", {"a": 2, "b": 3}, None)
    ]
    assert [type_ for type_, _ in run.tool_events] == ["tool_call", "tool_result"]
    # The engine does not announce tool calls a second time.
    assert not [e for e in run.events if e[0] in ("tool_call", "tool_result")]

    planner_first, executor_call, executor_summary, planner_last = fake.requests
    assert last_user(planner_first) == "What is 2 plus 3?"
    assert "tools" not in planner_first  # the Planner has no tools
    (tool,) = executor_call["tools"]
    assert tool["function"]["name"] == "add"
    assert tool["function"]["parameters"] == ADD_SCHEMA  # the registry's schema, as is
    assert tool_messages([executor_summary]) == ["5"]
    assert last_user(planner_last) == "The sum is 5."


async def test_message_limit_without_final_answer_stops(fake: FakeOpenAIServer) -> None:
    # The fake echoes the chat, so nobody writes a final answer, not even when asked at the end.
    fake.set_rules([{"match": "The chat is over", "reply": "I cannot tell."}])
    run = make_run(fake, "Keep talking.", max_steps=1)

    with pytest.raises(EngineStopped, match="used its 3 turns without a final answer"):
        await TeamEngine().run(run.context)

    # One step allows 3 turns: Planner, Executor, Planner; then the Planner's last word.
    assert [agent for agent, _ in run.steps()] == ["Planner", "Executor", "Planner", "Planner"]
    assert len(fake.requests) == 4
    assert run.tokens() == []


async def test_a_chat_that_ends_with_results_but_no_answer_asks_the_planner_once_more(
    fake: FakeOpenAIServer,
) -> None:
    fake.set_rules(
        [
            {"match": "The chat is over", "reply": "FINAL ANSWER: 5"},
            {"match": "What is 2 plus 3", "reply": "1. Add 2 and 3.", "times": 1},
            {"match": "Add 2 and 3", "tool_calls": [ADD_2_3], "times": 1},
            {"match": "Add 2 and 3", "reply": "The add tool says 5.", "times": 1},
            {"match": "says 5", "reply": "2. Check the sum."},
        ]
    )
    run = make_run(fake, "What is 2 plus 3?", max_steps=1)

    assert await TeamEngine().run(run.context) == "5"
    last = fake.requests[-1]["messages"][-1]["content"]
    assert "Executor: The add tool says 5." in last and "The chat is over" in last


async def test_tool_error_reaches_the_model_and_the_team_recovers(
    fake: FakeOpenAIServer,
) -> None:
    bad_call = {"name": "add", "arguments": {"a": "two", "b": 3}}
    fake.set_rules(
        [
            {"match": "What is two plus 3", "reply": "1. Use add on two and 3.", "times": 1},
            {"match": "on two and 3", "tool_calls": [bad_call], "times": 1},
            {"match": "on two and 3", "reply": "add failed: a must be an integer.", "times": 1},
            {"match": "failed", "reply": "2. Retry: use add on 2 and 3.", "times": 1},
            {"match": "on 2 and 3", "tool_calls": [ADD_2_3], "times": 1},
            {"match": "on 2 and 3", "reply": "The sum is 5.", "times": 1},
            {"match": "sum is 5", "reply": "FINAL ANSWER: 5"},
        ]
    )
    run = make_run(fake, "What is two plus 3?")

    answer = await TeamEngine().run(run.context)

    assert answer == "5"
    # The registry's error text came back to the model as the tool result, which the Executor
    # summarized (its third request) before the Planner asked for a corrected call.
    summary_request = fake.requests[2]
    assert tool_messages([summary_request]) == ["add: argument 'a' must be of type integer"]
    assert last_user(fake.requests[3]) == "add failed: a must be an integer."
    assert [(a.agent, a.error is not None) for a in run.audits] == [
        ("Executor", True),
        ("Executor", False),
    ]
    assert run.added == [(2, 3)]
    assert [agent for agent, _ in run.steps()] == [
        "Planner",
        "Executor",
        "Planner",
        "Executor",
        "Planner",
    ]


async def test_stop_flag_cancels_the_model_call_in_flight(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"match": "Slow question", "reply": "FINAL ANSWER: too late", "delay": NEVER}])
    run = make_run(fake, "Slow question")
    task = asyncio.create_task(TeamEngine().run(run.context))
    await first_request(fake)  # the Planner's request waits out the delay in the fake

    run.context.cancelled.set()

    # The engine turns a stop into EngineStopped (not CancelledError) without the reply.
    with pytest.raises(EngineStopped, match=r"^stopped$"):
        await task
    assert run.tokens() == []
    assert len(fake.requests) == 1


async def test_cancelling_the_task_cancels_the_team(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"match": "Slow question", "reply": "FINAL ANSWER: too late", "delay": NEVER}])
    run = make_run(fake, "Slow question")
    task = asyncio.create_task(TeamEngine().run(run.context))
    await first_request(fake)

    task.cancel()

    # Cancelling the asyncio task stays a CancelledError (the manager reports it as stopped);
    # it only ends here once the team's token has cancelled the delayed model call.
    with pytest.raises(asyncio.CancelledError):
        await task
    assert run.tokens() == []


async def test_task_carries_history_and_passages(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": "FINAL ANSWER: Paris"}])
    history = [
        {"role": "user", "content": "We talk about France."},
        {"role": "assistant", "content": "Sure."},
    ]
    run = make_run(fake, "What is its capital?", history=history)
    hit = SimpleNamespace(source="/docs/france.txt", page=None, text="The capital is Paris.")
    run.context.sources = [hit]

    assert await TeamEngine().run(run.context) == "Paris"

    sent = last_user(fake.requests[0])
    assert sent == task_text(run.context)
    assert sent.startswith("Conversation so far:\nuser: We talk about France.\nassistant: Sure.")
    assert sent.endswith("Task: " + grounded_prompt("What is its capital?", [hit]))
    assert "The capital is Paris." in sent


async def test_model_error_is_reported_in_one_line(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"error": {"status": 500, "message": "model exploded"}}])
    run = make_run(fake, "Anything")

    with pytest.raises(ModelError) as raised:
        await TeamEngine().run(run.context)

    assert "model exploded" in str(raised.value)
    assert "Traceback" not in str(raised.value)


async def test_tool_error_is_an_error_result_for_autogen(fake: FakeOpenAIServer) -> None:
    from autogen_core.tools import StaticWorkbench

    from agents.tools.for_autogen import autogen_tools

    run = make_run(fake, "unused")
    workbench = StaticWorkbench(autogen_tools(run.context.tools, run.context.tool_context))

    failed = await workbench.call_tool("add", {"a": 1})
    done = await workbench.call_tool("add", {"a": 1, "b": 2})

    assert failed.is_error
    assert failed.to_text() == "add: missing argument(s): b"
    assert not done.is_error
    assert done.to_text() == "3"
    assert [(a.agent, a.error) for a in run.audits] == [
        ("Executor", "add: missing argument(s): b"),
        ("Executor", None),
    ]


def test_final_answer_is_the_text_after_the_mark() -> None:
    assert final_answer("Done.\nFINAL ANSWER: 42 apples") == "42 apples"
    assert final_answer("FINAL ANSWER 7") == "7"
    assert final_answer("no answer yet") is None


async def test_a_planner_that_answers_in_its_plan_waits_for_the_executor(
    fake: FakeOpenAIServer,
) -> None:
    guessed = "1. Add 2 and 3.\nFinal ANSWER: 6"
    fake.set_rules(
        [
            {"match": "What is 2 plus 3", "reply": guessed, "times": 1},
            {"match": "Add 2 and 3", "tool_calls": [ADD_2_3], "times": 1},
            {"match": "Add 2 and 3", "reply": "The add tool says 5.", "times": 1},
            {"match": "says 5", "reply": "final answer: 5"},
        ]
    )
    run = make_run(fake, "What is 2 plus 3?")

    # The guess in the plan does not end the chat; the answer after the tool's result does,
    # however it is capitalised.
    assert await TeamEngine().run(run.context) == "5"
    assert [agent for agent, _ in run.steps()] == ["Planner", "Executor", "Planner"]
    assert run.added == [(2, 3)]


async def test_a_planner_repeating_itself_ends_the_chat(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {"match": "Keep going", "reply": "1. Think about it.", "times": 1},
            {"match": "Think about it", "reply": "I thought about it.", "times": 1},
            {"match": "thought about it", "reply": "1. Think about it."},
        ]
    )
    run = make_run(fake, "Keep going.", max_steps=8)

    with pytest.raises(EngineStopped, match="round in circles"):
        await TeamEngine().run(run.context)
    # Planner, Executor, the same plan again: over, long before the 17 turns (the Planner's
    # last word, asked for once, has no answer either).
    assert [agent for agent, _ in run.steps()] == ["Planner", "Executor", "Planner", "Planner"]


def test_final_answer_reads_any_capitalisation() -> None:
    assert final_answer("Step 3: done.\nFinal ANSWER: 961.4") == "961.4"
    assert final_answer("final answer - Canberra") == "Canberra"
    assert final_answer("No answer here.") is None


def test_the_last_final_answer_mark_counts_and_a_mention_is_none() -> None:
    text = "I will now write the final answer. FINAL ANSWER: Oriel Bastable"
    assert final_answer(text) == "Oriel Bastable"
    assert final_answer("Do not write the final answer yet; step 2 first.") is None
