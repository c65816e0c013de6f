"""A tool call copying its description's example is refused, unless the question holds it."""

from __future__ import annotations

from datetime import date

import httpx

from agents.tools.registry import ToolContext, ToolError, ToolRegistry
from backend.llm.fake_server import FakeOpenAIServer

EXAMPLE = {"expression": "2*(3+4)^2"}


def refused(registry: ToolRegistry, arguments: dict[str, str], question: str) -> str | None:
    try:
        registry.call("calculator", arguments, ToolContext(question=question))
    except ToolError as error:
        return str(error)
    return None


def test_the_description_example_is_refused_when_the_question_lacks_it(
    registry: ToolRegistry,
) -> None:
    reason = refused(registry, EXAMPLE, "How many legs does a spider have?")
    assert reason is not None and "example from calculator's description" in reason
    also = refused(registry, {"expression": "sqrt of 2"}, "What is the capital of Peru?")
    assert also is not None


def test_the_same_text_passes_when_the_user_asked_it_or_outside_a_run(
    registry: ToolRegistry,
) -> None:
    assert refused(registry, EXAMPLE, "What is 2 * (3 + 4)^2 ?") is None
    assert refused(registry, {"expression": "12*7"}, "How much is 12 times 7?") is None
    # A call from the MCP endpoint has no question: nothing to compare with.
    assert refused(registry, EXAMPLE, "") is None


async def test_a_general_question_is_not_answered_from_the_example(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {
                "match": "spider",
                "tool_calls": [{"name": "calculator", "arguments": EXAMPLE}],
                "times": 1,
            },
            {"reply": "A spider has 8 legs."},
        ]
    )
    response = await client.post(
        "/api/agent/query",
        json={
            "prompt": "How many legs does a spider have?",
            "mode": "single",
            "use_knowledge": False,
        },
    )
    body = response.json()
    assert body["status"] == "completed" and body["answer"] == "A spider has 8 legs.", body
    results = [s["data"] for s in body["steps"] if s["type"] == "tool_result"]
    assert "error" in results[0] and "98" not in str(results[0])
    # The model was told why, in the turn after the call.
    assert "example from calculator" in str(fake.requests[-1]["messages"])


def test_a_file_name_from_the_description_is_a_fair_choice(registry: ToolRegistry) -> None:
    context = ToolContext(question="Save my todo: buy milk")
    saved = registry.call("write_file", {"path": "notes/todo.txt", "content": "buy milk"}, context)
    assert "notes/todo.txt" in saved


def test_examples_of_other_tools_are_fair_choices(registry: ToolRegistry) -> None:
    context = ToolContext(question="What day is it in a year?")
    next_year = str(date.today().year + 1)
    assert next_year in registry.call("calendar", {"date": "today", "add": "1 year"}, context)
