"""The registry's tool list and schemas, calculator and clock through it, and the audit
trail every call leaves (database rows and JSON log lines)."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime

import pytest

from agents.answer_values import is_value, key_values
from agents.intents import CLOCK, INTENTS
from agents.tools.audit import AuditLog
from agents.tools.registry import Tool, ToolCallRecord, ToolContext, ToolError, ToolRegistry
from backend.storage import tool_calls
from backend.storage.db import Database
from backend.storage.models import ToolCall
from tests.agents.tools.conftest import RUN_ID, Events

NAMES = [
    "search_knowledge",
    "read_document",
    "list_files",
    "read_file",
    "write_file",
    "calculator",
    "current_time",
    "calendar",
    "remember",
    "recall",
]


def test_every_tool_is_described_for_a_small_model(registry: ToolRegistry) -> None:
    assert [tool.name for tool in registry.tools] == NAMES
    for tool in registry.tools:
        assert 20 <= len(tool.description) <= 160, tool.name
        schema = tool.parameters
        assert schema["type"] == "object" and isinstance(schema["required"], list)
        for name, spec in schema["properties"].items():
            assert spec["type"] in {"string", "integer"} and spec["description"], name
        assert set(schema["required"]) <= set(schema["properties"])
    assert registry.get("current_time").parameters["properties"] == {}


def test_the_tools_auto_offers_for_an_intent_are_built_in(registry: ToolRegistry) -> None:
    for intent in INTENTS:
        assert all(name in registry for name in intent.tools), intent.name
    assert [tool.name for tool in registry.subset(list(CLOCK.tools)).tools] == [
        "current_time",
        "calendar",
    ]


def test_calculator_through_the_registry(registry: ToolRegistry, context: ToolContext) -> None:
    assert registry.call("calculator", {"expression": "2*(3+4)**2"}, context) == "98"
    words = {"expression": "Seven hundred and twelve multiplied by thirty-eight"}
    assert registry.call("calculator", words, context) == "27056"
    assert registry.call("calculator", {"expression": "add up 365, 240 and 58"}, context) == "663"
    with pytest.raises(ToolError, match="only functions by name"):
        registry.call("calculator", {"expression": "__import__('os').system('ls')"}, context)
    with pytest.raises(ToolError, match="unknown function '__import__'"):
        registry.call("calculator", {"expression": "__import__('os')"}, context)


def test_current_time_is_local_with_weekday_and_timezone(
    registry: ToolRegistry, context: ToolContext
) -> None:
    answer = registry.call("current_time", {}, context)
    stamp = datetime.fromisoformat(answer.split("ISO 8601: ")[1])
    assert stamp.tzinfo is not None
    # A sentence an answer may copy as it is: the day of the month without a leading zero.
    assert answer.startswith(f"It is {stamp:%A}, {stamp.day} {stamp:%B %Y, %H:%M:%S} ")
    assert re.search(rf"{stamp:%H:%M:%S} \S+, local time \(UTC", answer)  # the zone's name
    offset = stamp.strftime("%z")
    assert f"(UTC{offset[:3]}:{offset[3:]})" in answer
    # The answer check still takes it for a value, with its weekday and time.
    assert is_value(answer)
    assert stamp.strftime("%A").lower() in key_values(answer)
    assert f"{stamp.hour}:{stamp:%M}" in key_values(answer)


def test_calls_are_audited_with_their_errors(
    registry: ToolRegistry,
    context: ToolContext,
    db: Database,
    events: Events,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="agentdesk.audit")
    result = registry.call("calculator", {"expression": "6*7"}, context)
    with pytest.raises(ToolError):
        registry.call("write_file", {"path": "../out.txt", "content": "x" * 5000}, context)
    with pytest.raises(ToolError, match="no tool named"):
        registry.call("rm_rf", {}, context)
    registry.call("current_time", {}, context.for_agent("Executor"))

    with db.session() as session:
        rows = [tool_calls.as_dict(row) for row in tool_calls.list_for_run(session, RUN_ID)]
        assert tool_calls.list_for_run(session, "another-run") == []
    assert [row["tool"] for row in rows] == ["calculator", "write_file", "rm_rf", "current_time"]
    assert [row["agent"] for row in rows] == ["tester", "tester", "tester", "Executor"]
    assert rows[0]["arguments"] == {"expression": "6*7"}
    assert rows[0]["result_chars"] == len(result) and rows[0]["error"] is None
    assert "outside the workspace" in rows[1]["error"]
    assert rows[1]["result_chars"] == 0
    content = rows[1]["arguments"]["content"]
    assert content.startswith("x" * 1000) and content.endswith("[... 4000 more chars]")
    assert "no tool named 'rm_rf'" in rows[2]["error"]
    assert all(row["duration_ms"] >= 0 and row["created_at"] for row in rows)

    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "agentdesk.audit"]
    assert [line["tool"] for line in lines] == [row["tool"] for row in rows]
    assert lines[1]["error"] == rows[1]["error"] and lines[1]["run_id"] == RUN_ID
    kinds = [kind for kind, _ in events]
    assert kinds == ["tool_call", "tool_result"] * 4


def test_audit_log_records_calls_outside_a_run(db: Database) -> None:
    audit = AuditLog(db)
    audit(ToolCallRecord(None, "recall", {"query": "x"}, 10, 1.5, None, agent=""))
    with db.session() as session:
        row = session.query(ToolCall).one()
        assert (row.run_id, row.tool, row.result_chars) == (None, "recall", 10)


def test_a_call_made_again_gets_its_result_back_with_a_note_and_does_not_run_twice(
    context: ToolContext,
) -> None:
    ran: list[str] = []

    def note(text: str) -> str:
        ran.append(text)
        return f"noted {text}"

    schema = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
    registry = ToolRegistry([Tool("note", "Note a text.", schema, note)])
    assert registry.call("note", {"text": "a"}, context) == "noted a"
    again = registry.call("note", {"text": "a"}, context)
    assert again.startswith("noted a\n(You called note with these arguments before")
    assert registry.call("note", {"text": "b"}, context) == "noted b"
    assert ran == ["a", "b"]
    # The team's agents share the run's calls.
    assert registry.call("note", {"text": "b"}, context.for_agent("Executor")) != "noted b"
