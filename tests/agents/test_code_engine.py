"""The code engine (smolagents CodeAgent in the sandbox) against the scripted fake model over
real HTTP. The fake answers with code between <code> tags, as smolagents 1.26 expects; later
turns match on the observation smolagents sends back as the last user message."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from agents.engines.base import EngineStopped, Limits, ModelEndpoint, RunContext
from agents.engines.code import COMPUTE_ONLY, CodeEngine, file_hint, task_text
from agents.engines.code_replies import shown_value, thought_text
from agents.tools.for_smolagents import smolagents_inputs, smolagents_tools
from agents.tools.registry import Tool, ToolCallRecord, ToolContext, ToolError, ToolRegistry
from backend.llm.client import ChatClient
from backend.llm.errors import ModelError, ModelUnavailable
from backend.llm.fake_rules import last_user_text
from backend.llm.fake_server import FakeOpenAIServer

TABLE = {"capital of france": "Paris"}


def code(thought: str, source: str) -> str:
    """A model reply in smolagents' format: a thought, then one code block."""
    return f"Thought: {thought}\n<code>\n{source}\n</code>"


def finish_when(match: str, answer: str) -> dict[str, Any]:
    """A rule answering ``answer`` once the observation matches ``match``."""
    return {"match": match, "reply": code("Done.", f"final_answer({answer!r})")}


@dataclass
class Run:
    """A RunContext for the fake model plus everything the run reported."""

    context: RunContext
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    audits: list[ToolCallRecord] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def steps(self, kind: str) -> list[dict[str, Any]]:
        return [data for type_, data in self.events if type_ == "step" and data["kind"] == kind]

    def types(self) -> list[str]:
        return [type_ for type_, _ in self.events]


def make_run(
    fake: FakeOpenAIServer,
    prompt: str,
    *,
    max_steps: int = 4,
    history: list[dict[str, str]] | None = None,
    on_step: Callable[[Run, dict[str, Any]], None] | None = None,
) -> Run:
    """A run whose registry has one tool, ``lookup(key)``, with its calls recorded."""

    def lookup(key: str) -> str:
        run.calls.append(key)
        if key not in TABLE:
            raise ToolError(f"no entry named {key!r}")
        return TABLE[key]

    schema = {"type": "object", "properties": {"key": {"type": "string"}}, "required": ["key"]}
    registry = ToolRegistry([Tool("lookup", "Look a key up in the table.", schema, lookup)])

    async def emit(type_: Any, data: dict[str, Any], agent: str | None = None) -> None:
        run.events.append((type_, data))
        if type_ == "step" and on_step is not None:
            on_step(run, data)

    context = RunContext(
        run_id="run-1",
        prompt=prompt,
        history=history or [],
        client=cast(ChatClient, None),  # the code engine talks to the endpoint, not the client
        emit=emit,
        max_tokens=300,
        temperature=0.0,
        endpoint=ModelEndpoint(base_url=fake.base_url, api_key="", model="fake-model"),
        tools=registry,
        limits=Limits(max_steps=max_steps, max_seconds=30),
        loop=asyncio.get_running_loop(),
    )
    run = Run(context)
    # Tool events come from the agent's worker thread; list.append is thread-safe.
    context.tool_context = ToolContext(
        run_id="run-1",
        emit=lambda t, d: run.events.append((t, d)),
        audit=run.audits.append,
        stopped=context.cancelled.is_set,
    )
    return run


def observation(request: dict[str, Any]) -> str:
    """What smolagents told the model about the previous step (the last user message)."""
    return last_user_text(request["messages"])


async def test_code_runs_and_the_final_answer_comes_back(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {
                "match": "New task",
                "reply": code(
                    "I will add up the squares.",
                    "total = sum(i * i for i in range(1, 11))\nprint('total is', total)",
                ),
                "times": 1,
            },
            # Only the printed result of the first step leads to the answer.
            {
                "match": "total is 385",
                "reply": code("I have it.", "final_answer(f'The sum is {total}')"),
            },
        ]
    )
    run = make_run(fake, "What is the sum of the squares of 1 to 10?")

    answer = await CodeEngine().run(run.context)

    assert answer == "The sum is 385"
    assert [s["text"] for s in run.steps("thought")] == ["I will add up the squares.", "I have it."]
    first, last = run.steps("code")
    assert first == {
        "kind": "code",
        "code": "total = sum(i * i for i in range(1, 11))\nprint('total is', total)",
        "output": "total is 385\n",
    }
    assert last["code"] == "final_answer(f'The sum is {total}')"
    assert "error" not in last
    assert run.events[-1] == ("token", {"text": "The sum is 385"})
    assert len(fake.requests) == 2
    system = fake.requests[0]["messages"][0]["content"]
    system_text = system if isinstance(system, str) else system[0]["text"]
    # The short prompt: the format, the allow-list and the tools, no more.
    assert len(system_text) < 2500
    assert "lookup(key: string) -> string: Look a key up in the table." in system_text
    assert "'statistics'" in system_text and "'time'" not in system_text
    assert run.context.usage["total_tokens"] > 0


async def test_a_markdown_fence_left_in_the_code_block_does_not_cost_the_step(
    fake: FakeOpenAIServer,
) -> None:
    # Small models open with <code> and close with a fence (or fence inside the tags).
    reply = "Thought: I will multiply.\n<code>\n```python\nfinal_answer(6 * 7)\n```\n"
    fake.set_rules([{"match": "New task", "reply": reply}])
    run = make_run(fake, "What is six times seven?")

    answer = await CodeEngine().run(run.context)

    assert answer == "42"
    (step,) = run.steps("code")
    assert step["code"] == "final_answer(6 * 7)" and "error" not in step


async def test_registry_tools_are_called_from_the_code(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {
                "match": "New task",
                "reply": code(
                    "I will look both up.",
                    "city = lookup(key='capital of france')\nprint('found', city)\n"
                    "lookup('capital of peru')",
                ),
                "times": 1,
            },
            finish_when("no entry named 'capital of peru'", "Paris; Peru is not in the table"),
        ]
    )
    run = make_run(fake, "Capitals of France and Peru?")

    answer = await CodeEngine().run(run.context)

    assert answer == "Paris; Peru is not in the table"
    assert run.calls == ["capital of france", "capital of peru"]
    assert [(a.tool, a.arguments, a.error) for a in run.audits] == [
        ("lookup", {"key": "capital of france"}, None),
        ("lookup", {"key": "capital of peru"}, "no entry named 'capital of peru'"),
    ]
    # ToolRegistry.call announced both calls; the engine did not add any of its own.
    assert run.types().count("tool_call") == 2
    assert [d.get("result", d.get("error")) for t, d in run.events if t == "tool_result"] == [
        "Paris",
        "no entry named 'capital of peru'",
    ]
    (step,) = run.steps("code")[:1]
    assert step["output"] == "found Paris\n"
    assert "ToolError: no entry named 'capital of peru'" in step["error"]
    assert "found Paris" in observation(fake.requests[1])


def escapes(marker: Path) -> list[tuple[str, str]]:
    """(code, what the interpreter says): each would create ``marker`` if it ran in Python."""
    touch = f"system('touch {marker}')"
    return [
        (f"import os\nos.{touch}", "module 'os' has no attribute 'system'"),
        (f"import subprocess\nsubprocess.run(['touch', '{marker}'])", "No module named"),
        (f"open('{marker}', 'w').write('x')", "PermissionError"),
        (f"__import__('os').{touch}", "NameError"),
        (f"getattr(__builtins__, 'open')('{marker}', 'w')", "NameError"),
        (f"eval(\"open('{marker}', 'w')\")", "PermissionError"),
        ("(x for x in [1]).gi_frame.f_globals", "no attribute 'gi_frame'"),
        ("().__class__.__base__.__subclasses__()", "AttributeError"),
    ]


@pytest.mark.parametrize("case", range(8))
async def test_escapes_are_refused_and_the_run_goes_on(
    fake: FakeOpenAIServer, tmp_path: Path, case: int
) -> None:
    marker = tmp_path / "escaped"
    source, reason = escapes(marker)[case]
    fake.set_rules(
        [
            {"match": "New task", "reply": code("Let me try.", source), "times": 1},
            finish_when("Error", "refused"),
        ]
    )
    run = make_run(fake, "Escape the sandbox")

    assert await CodeEngine().run(run.context) == "refused"

    assert not marker.exists()
    (step, _) = run.steps("code")
    assert step["code"] == source
    assert reason in step["error"]
    assert reason in observation(fake.requests[1])


async def test_shared_classes_cannot_be_patched(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {
                "match": "New task",
                "reply": code("Patch it.", "import json\njson.JSONEncoder.item_separator = ';'"),
                "times": 1,
            },
            finish_when("AttributeError", "refused"),
        ]
    )
    run = make_run(fake, "Patch json")

    assert await CodeEngine().run(run.context) == "refused"
    assert json.JSONEncoder.item_separator == ", "


async def test_an_endless_loop_is_cut_at_the_step_time_limit(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {"match": "New task", "reply": code("Loop.", "while True:\n    pass"), "times": 1},
            finish_when("time limit exceeded", "the loop was cut"),
        ]
    )
    run = make_run(fake, "Loop forever")

    assert await CodeEngine(step_seconds=0.2).run(run.context) == "the loop was cut"

    (step, _) = run.steps("code")
    assert "TimeoutError: feed time limit exceeded" in step["error"]
    assert "variables from earlier steps are gone" in step["error"]


async def test_huge_printed_output_is_capped(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {
                "match": "New task",
                "reply": code("Print a lot.", "for i in range(50):\n    print('x' * 1000)"),
                "times": 1,
            },
            finish_when("cut at 300 characters", "capped"),
        ]
    )
    run = make_run(fake, "Print a lot")

    assert await CodeEngine(max_print_chars=300).run(run.context) == "capped"

    (step, _) = run.steps("code")
    assert step["output"].startswith("x" * 300)
    assert "x" * 301 not in step["output"]
    assert step["output"].endswith("[printed output cut at 300 characters]\n")
    assert "x" * 301 not in observation(fake.requests[1])


async def test_running_out_of_steps_stops_the_run(fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            {"match": "Based on the above, answer this task", "reply": ""},
            {"reply": code("Not done yet.", "print('working')")},
        ]
    )
    run = make_run(fake, "Work forever", max_steps=2)

    with pytest.raises(EngineStopped, match="used its 2 steps without a final answer"):
        await CodeEngine().run(run.context)

    # Two steps, then one request asking the model to answer from them, which gave nothing.
    assert len(fake.requests) == 3
    assert "could not finish this task" in str(fake.requests[-1]["messages"][0])
    assert len(run.steps("code")) == 2
    assert "token" not in run.types()


async def test_the_same_code_three_times_ends_with_an_answer_from_what_it_found(
    fake: FakeOpenAIServer,
) -> None:
    # A small model that calls a tool without printing, then calls it again and again.
    fake.set_rules(
        [
            {
                "match": "Based on the above, answer this task",
                "reply": "The capital of France is Paris.",
            },
            {"reply": code("I will look it up.", "lookup(key='capital of france')")},
        ]
    )
    run = make_run(fake, "Capital of France?", max_steps=8)

    # Going round in circles with the value in hand: asked once, the model answers from it.
    assert await CodeEngine().run(run.context) == "The capital of France is Paris."

    assert len(fake.requests) == 4
    assert "Paris" in str(fake.requests[-1]["messages"])
    steps = run.steps("code")
    assert len(steps) == 3
    # Nothing was printed: the step shows the call's value, as the model was shown it.
    assert steps[0]["output"] == "Paris"
    assert "Paris" in observation(fake.requests[1])


async def test_replies_without_code_three_times_stop_the_run(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": "The answer is surely forty-two, trust me."}])
    run = make_run(fake, "What is the answer?", max_steps=8)

    with pytest.raises(EngineStopped, match="did not write runnable code 3 times in a row"):
        await CodeEngine().run(run.context)

    assert len(fake.requests) == 3
    assert run.steps("code") == []
    assert run.steps("thought")[0]["text"] == "The answer is surely forty-two, trust me."


async def test_setting_cancelled_stops_after_the_step(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": code("Step.", "print('one step')")}])

    def stop_on_code(run: Run, data: dict[str, Any]) -> None:
        if data["kind"] == "code":
            run.context.cancelled.set()

    run = make_run(fake, "Keep going", max_steps=5, on_step=stop_on_code)

    with pytest.raises(EngineStopped, match=r"^stopped$"):
        await CodeEngine().run(run.context)

    assert len(fake.requests) == 1
    assert [s["output"] for s in run.steps("code")] == ["one step\n"]


async def test_cancelling_the_task_ends_the_worker(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": code("Slowly.", "print('late')"), "delay": 2}])
    run = make_run(fake, "Take your time")
    task = asyncio.ensure_future(CodeEngine().run(run.context))
    # The request lands in the fake server's thread: there is no event to await.
    while not fake.requests:  # noqa: ASYNC110
        await asyncio.sleep(0.01)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert run.context.cancelled.is_set()
    # The call in flight was abandoned: its reply never reached the sandbox.
    assert run.steps("code") == []
    assert len(fake.requests) == 1


@pytest.mark.parametrize("max_steps", [1, 4])
async def test_model_errors_say_what_went_wrong(fake: FakeOpenAIServer, max_steps: int) -> None:
    # With one step, the failed call is also the last step: still a model error, not the budget.
    fake.set_rules([{"error": {"status": 500, "message": "the model crashed"}}])
    with pytest.raises(ModelError, match="the model crashed"):
        await CodeEngine().run(make_run(fake, "anything", max_steps=max_steps).context)

    fake.set_rules([{"drop": True}])
    with pytest.raises(ModelUnavailable, match="is not reachable"):
        await CodeEngine().run(make_run(fake, "anything", max_steps=max_steps).context)


@dataclass
class Passage:
    chunk_id: int = 1
    document_id: int = 1
    text: str = "The office opens at 9."
    source: str = "/docs/hours.txt"
    score: float = 1.0
    page: int | None = None


async def test_history_and_sources_go_into_the_task(fake: FakeOpenAIServer) -> None:
    fake.set_rules([finish_when("opens at 9", "At 9.")])
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    run = make_run(fake, "When does the office open?", history=history)
    run.context.sources = [Passage()]

    assert await CodeEngine().run(run.context) == "At 9."

    task = observation(fake.requests[0])
    assert task.startswith("New task:\n") and task.endswith(task_text(run.context))
    assert "user: hi\nassistant: hello" in task
    assert "[1] (hours.txt)\nThe office opens at 9." in task
    assert "When does the office open?" in task


def test_thought_text_is_what_comes_before_the_code() -> None:
    assert thought_text("Thought: add them\n<code>\nx = 1\n</code>") == "add them"
    assert thought_text("I will do it.\n```python\nx = 1\n```") == "I will do it."
    assert thought_text("no code at all</code>") == "no code at all"
    assert thought_text(None) == ""


def test_registry_tools_become_smolagents_tools() -> None:
    parameters = {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "What to look for"},
            "top_k": {"type": "integer"},
            "when": {"type": ["string", "null"]},
            "shape": {"type": "tuple"},
        },
        "required": ["query", "when"],
    }
    assert smolagents_inputs(parameters) == {
        "query": {"type": "string", "description": "What to look for"},
        "top_k": {"type": "integer", "description": "top k", "nullable": True},
        "when": {"type": "string", "description": "when", "nullable": True},
        "shape": {"type": "any", "description": "shape", "nullable": True},
    }

    received: list[dict[str, Any]] = []

    def search(**arguments: Any) -> str:
        received.append(arguments)
        return "found"

    records: list[ToolCallRecord] = []
    registry = ToolRegistry([Tool("search", "Search.", parameters, search)])
    (tool,) = smolagents_tools(registry, ToolContext(audit=records.append))
    assert (tool.name, tool.description, tool.output_type) == ("search", "Search.", "string")
    # Positional or named; None for an optional argument means "not given".
    assert tool("cats", None, when="now") == "found"
    assert received == [{"query": "cats", "when": "now"}]
    with pytest.raises(ToolError, match="missing argument"):
        tool(top_k=3)
    with pytest.raises(ToolError, match="got two values for 'query'"):
        tool("cats", query="dogs")
    assert [r.error for r in records] == [None, "search: missing argument(s): query, when"]


async def test_a_pure_computation_is_told_to_compute_and_gets_no_passages(
    fake: FakeOpenAIServer,
) -> None:
    """A small model searched the documents for a sum and looped; it is told not to, at the
    end of the task, so the system prompt stays the same for the prompt cache."""
    fake.set_rules([finish_when("New task", "961.4")])
    computing = make_run(fake, "What is 23% of 4,180?")
    computing.context.sources = [Passage()]
    assert await CodeEngine().run(computing.context) == "961.4"
    task = observation(fake.requests[-1])
    assert task.endswith("What is 23% of 4,180?\n" + COMPUTE_ONLY)
    assert "office opens" not in task

    looking_up = make_run(fake, "When does the office open?")
    looking_up.context.sources = [Passage()]
    await CodeEngine().run(looking_up.context)
    assert COMPUTE_ONLY not in observation(fake.requests[-1])
    systems = [r["messages"][0]["content"] for r in fake.requests]
    assert systems[0] == systems[-1]
    system_text = systems[0] if isinstance(systems[0], str) else systems[0][0]["text"]
    assert "a computation needs no tool" in system_text
    assert "a fact from the user's documents needs a tool" in system_text


def test_final_values_are_shown_without_float_noise() -> None:
    assert shown_value(2749 * (1 - 0.2)) == "2199.2"
    assert shown_value(0.1 + 0.2) == "0.3"
    assert shown_value(60468.75) == "60468.75" and shown_value(85.0) == "85.0"
    assert shown_value(None) == "" and shown_value(1e300) == "1e+300"
    assert shown_value([1, 2]) == "[1, 2]" and shown_value(float("nan")) == "nan"


async def test_a_follow_up_rewritten_to_stand_alone_is_set_without_the_conversation(
    fake: FakeOpenAIServer,
) -> None:
    history = [
        {"role": "user", "content": "How many metres are in 5 kilometres?"},
        {"role": "assistant", "content": "5000"},
    ]
    run = make_run(fake, "And in 12 kilometres?", history=history)
    # Not rewritten (or not yet): the conversation comes first.
    assert task_text(run.context).startswith("The conversation so far:\nuser: How many metres")
    run.context.standalone = "How many metres are in 12 kilometres?"
    assert task_text(run.context) == "How many metres are in 12 kilometres?"
    # One that stood alone as typed keeps the conversation.
    run.context.prompt = run.context.standalone
    assert task_text(run.context).startswith("The conversation so far:")


def test_a_named_workspace_file_is_set_with_the_tool_that_reaches_it() -> None:
    # Left alone, a small code model searched the documents for "notes/meeting.txt".
    reading = file_hint("Who owns the follow-up in notes/meeting.txt in my workspace?")
    assert 'print(read_file(path="notes/meeting.txt"))' in reading
    saving = file_hint("Create squares.csv in my workspace with the header n,square.")
    assert 'final_answer(write_file(path="squares.csv", content=...))' in saving
    assert file_hint("Write a summary of notes.txt") == file_hint("Summarise notes.txt")
    assert file_hint("What is 12 factorial?") == ""
    assert file_hint("Which files are in my workspace?") == ""
