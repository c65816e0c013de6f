"""Run events turned into the step timeline under an answer."""

from __future__ import annotations

from typing import Any

from frontend.api_client import StreamEvent
from frontend.state import run_timeline
from frontend.state.run_timeline import RunTimeline, apply_event, timeline_of

T0 = "2026-03-01T10:00:00+00:00"


def ev(type_: str, data: dict[str, Any], agent: str = "team", ts: str = T0) -> StreamEvent:
    return StreamEvent(type_, data, agent=agent, run_id="r1", ts=ts)


def started(mode: str = "team", reason: str = "chosen by the user") -> StreamEvent:
    data = {"mode": mode, "engine": mode, "reason": reason, "conversation_id": "c1"}
    return ev("started", data, agent=mode)


TEAM_RUN = [
    started(),
    ev("step", {"kind": "message", "text": "1. Add 2 and 3."}, "Planner", "2026-03-01T10:00:01Z"),
    ev("progress", {"state": "model_call", "model_calls": 2, "tokens": 120, "max_tokens": 4000}),
    ev("tool_call", {"tool": "calculator", "arguments": {"expression": "2+3"}}),
    ev(
        "tool_result",
        {"tool": "calculator", "duration_ms": 4, "chars": 1, "result": "5"},
        ts="2026-03-01T10:00:02.500000+00:00",
    ),
    ev("step", {"kind": "message", "text": "The sum is 5."}, "Executor"),
    ev("token", {"text": "5"}),
    ev("step", {"kind": "message", "text": "FINAL ANSWER: 5"}, "Planner"),
    ev("completed", {"answer": "5", "usage": {}, "sources": []}),
]


def test_a_team_run_becomes_route_agent_messages_and_a_tool_call() -> None:
    timeline = timeline_of(TEAM_RUN)

    assert (timeline.run_id, timeline.mode, timeline.engine) == ("r1", "team", "team")
    assert (timeline.status, timeline.status_color, timeline.answer) == ("completed", "green", "5")
    assert timeline.usage == "2 model calls · 120 / 4,000 tokens"
    assert [(s.kind, s.agent, s.agent_color) for s in timeline.steps] == [
        ("route", "", ""),
        ("message", "Planner", "violet"),
        ("tool", "", ""),
        ("message", "Executor", "teal"),
        ("message", "Planner", "violet"),
    ]
    route, plan, tool, report, _ = timeline.steps
    assert route.title == "team: chosen by the user"
    assert (plan.text, plan.at) == ("1. Add 2 and 3.", "+1.0 s")
    assert (tool.tool, tool.state, tool.result) == ("calculator", "done", "5")
    # A tool call is placed at the moment it was made; its duration says how long it took.
    assert (tool.duration, tool.at) == ("4 ms", "+0.0 s")
    assert tool.arguments == '{\n  "expression": "2+3"\n}'
    assert report.text == "The sum is 5."


def test_auto_route_reason_is_shown_as_given() -> None:
    timeline = timeline_of([started("code", "auto: it asks for code → code")])
    assert timeline.status == "running"
    assert [s.title for s in timeline.steps] == ["auto: it asks for code → code"]


def test_the_models_pick_for_an_unsure_route_is_a_step_and_sets_the_engine() -> None:
    timeline = timeline_of(
        [
            started("chat", "auto: no rule is sure → chat"),
            ev(
                "step",
                {"kind": "route", "engine": "single", "reason": "auto (model): a file → single"},
                "chat",
            ),
            ev("step", {"kind": "thought", "text": "I will list the files."}, "single"),
        ]
    )
    assert (timeline.mode, timeline.engine) == ("single", "single")
    assert [s.title for s in timeline.steps] == [
        "auto: no rule is sure → chat",
        "auto (model): a file → single",
        "Thought",
    ]
    # The engine's own events carry no agent badge once it is known.
    assert timeline.steps[2].agent == ""


def test_apply_event_leaves_the_earlier_timeline_alone() -> None:
    before = timeline_of(TEAM_RUN[:4])
    tool_before = before.steps[-1]
    after = apply_event(before, TEAM_RUN[4])

    assert tool_before.state == "running" and tool_before.result == ""
    assert after.steps[-1].state == "done"
    assert len(before.steps) == len(after.steps)


def test_tokens_do_not_change_the_timeline() -> None:
    timeline = timeline_of(TEAM_RUN[:2])
    assert apply_event(timeline, ev("token", {"text": "x"})) is timeline


def test_a_failed_tool_shows_its_error() -> None:
    timeline = timeline_of(
        [
            started("single"),
            ev("tool_call", {"tool": "read_file", "arguments": {"path": "x.txt"}}, "single"),
            ev(
                "tool_result",
                {"tool": "read_file", "duration_ms": 1500, "error": "no such file: x.txt"},
                "single",
            ),
        ]
    )
    (_, tool) = timeline.steps
    assert (tool.state, tool.error, tool.result, tool.duration) == (
        "failed",
        "no such file: x.txt",
        "",
        "1.5 s",
    )
    # The engine's own name is not a badge; only team agents get one.
    assert tool.agent == ""


def test_results_pair_with_the_latest_open_call_of_the_same_tool() -> None:
    timeline = timeline_of(
        [
            started("single"),
            ev("tool_call", {"tool": "calculator", "arguments": {"expression": "1+1"}}),
            ev("tool_result", {"tool": "calculator", "result": "2"}),
            ev("tool_call", {"tool": "calculator", "arguments": {"expression": "2+2"}}),
            ev("tool_call", {"tool": "current_time", "arguments": {}}),
            ev("tool_result", {"tool": "calculator", "result": "4"}),
        ]
    )
    tools = [(s.tool, s.state, s.result) for s in timeline.steps if s.kind == "tool"]
    assert tools == [
        ("calculator", "done", "2"),
        ("calculator", "done", "4"),
        ("current_time", "running", ""),
    ]


def test_retrieval_thought_code_and_fallback_steps() -> None:
    sources = [
        {"source": "/docs/a.pdf", "text": "x", "document_id": 1},
        {"source": "/docs/a.pdf", "text": "y", "document_id": 1},
        {"name": "b.txt", "text": "z", "document_id": 2},
    ]
    timeline = timeline_of(
        [
            started("code"),
            ev("step", {"kind": "retrieval", "sources": sources}),
            ev("step", {"kind": "thought", "text": "I will count."}),
            ev("step", {"kind": "code", "code": "print(1+1)", "output": "2\n"}),
            ev("step", {"kind": "code", "code": "1/0", "output": "", "error": "ZeroDivisionError"}),
            ev("step", {"kind": "fallback", "from": "code", "to": "chat", "reason": "boom"}),
        ]
    )
    _, retrieval, thought, ran, failed, fallback = timeline.steps
    assert retrieval.title == "Found 3 passages in your documents"
    assert retrieval.sources == ["a.pdf", "b.txt"]
    assert (thought.kind, thought.text) == ("thought", "I will count.")
    assert (ran.code, ran.output, ran.error) == ("print(1+1)", "2\n", "")
    assert failed.error == "ZeroDivisionError"
    assert (fallback.title, fallback.text) == ("code failed; chat answers instead", "boom")


def test_a_failed_lookup_says_so() -> None:
    step = timeline_of(
        [started("chat"), ev("step", {"kind": "retrieval", "error": "index busy", "sources": []})]
    ).steps[-1]
    assert (step.title, step.error) == ("Document search failed", "index busy")


def test_queue_position_is_one_line_that_moves_up() -> None:
    timeline = timeline_of(
        [
            started("chat"),
            ev("progress", {"state": "queued", "position": 2}),
            ev("progress", {"state": "queued", "position": 1}),
        ]
    )
    queue = [s for s in timeline.steps if s.kind == "queue"]
    assert [s.title for s in queue] == ["Waiting for a free agent slot: number 1 in line"]


def test_stopped_and_error_endings() -> None:
    stopped = timeline_of(
        [started("chat"), ev("stopped", {"message": "stopped by the user", "answer": "Once"})]
    )
    assert (stopped.status, stopped.status_color) == ("stopped", "amber")
    assert (stopped.message, stopped.answer) == ("stopped by the user", "Once")
    assert (stopped.steps[-1].kind, stopped.steps[-1].text) == ("stopped", "stopped by the user")

    failed = timeline_of([started("chat"), ev("error", {"message": "model down", "status": 503})])
    assert (failed.status, failed.message) == ("error", "model down")
    assert failed.steps[-1].kind == "error"


def test_replayed_timestamps_without_a_zone_count_as_utc() -> None:
    # SQLite hands stored times back without their zone; live ones carry it.
    assert run_timeline.elapsed("2026-03-01T10:00:00", "2026-03-01T10:00:12+00:00") == "+12 s"
    assert run_timeline.elapsed("", "2026-03-01T10:00:12") == ""


def test_formatting_helpers() -> None:
    assert run_timeline.format_duration_ms(35.4) == "35 ms"
    assert run_timeline.format_duration_ms(None) == ""
    assert run_timeline.format_seconds(0.42) == "0.4 s"
    assert run_timeline.format_seconds(185) == "3 min 5 s"
    assert run_timeline.format_seconds(None) == "—"
    assert run_timeline.pretty_json("already text") == "already text"
    assert run_timeline.clip("abcdef", 3) == "abc\n… (3 more characters)"
    assert run_timeline.usage_text({"model_calls": 1, "tokens": 9}) == "1 model call · 9 tokens"


def test_empty_timeline_has_no_status() -> None:
    assert RunTimeline().status == "" and RunTimeline().steps == []
