"""A run that ends *no answer*: its timeline, the Agents page's card and rows, the task history.
Styled apart from completed runs, with the reason shown and the rejected text never taken for
the answer."""

from __future__ import annotations

from typing import Any

from frontend.api_client import StreamEvent
from frontend.state import agents_models, tasks_models
from frontend.state.run_timeline import timeline_of
from tests.frontend.state import payloads

REASON = "the answer stops where its result should be ('… is [1]' or '… :')"
REJECTED = "The current local date, time, weekday, and timezone is [1]."


def ev(type_: str, data: dict[str, Any]) -> StreamEvent:
    return StreamEvent(type_, data, agent="single", run_id="r1", ts="2026-03-01T10:00:00Z")


RUN = [
    ev("started", {"mode": "single", "engine": "single", "reason": "chosen by the user"}),
    ev("tool_call", {"tool": "current_time", "arguments": {}}),
    ev("tool_result", {"tool": "current_time", "result": "Monday, 09:51"}),
    ev("step", {"kind": "answer_check", "passed": False, "reason": REASON, "answer": REJECTED}),
    ev("token", {"text": REJECTED}),
    ev(
        "no_answer",
        {"message": f"no answer: {REASON}", "reason": REASON, "answer": "", "rejected": REJECTED},
    ),
]


def test_the_timeline_shows_no_answer_with_the_reason_and_no_answer_text() -> None:
    timeline = timeline_of(RUN)
    assert (timeline.status, timeline.status_label) == ("no_answer", "no answer")
    assert timeline.status_color not in ("green", "red")
    assert timeline.answer == "" and timeline.message == REASON
    check, end = timeline.steps[-2], timeline.steps[-1]
    assert (check.kind, check.title, check.text, check.output) == (
        "answer_check",
        "Answer sent back",
        REASON,
        REJECTED,
    )
    assert (end.kind, end.title, end.text, end.output) == (
        "no_answer",
        "No answer",
        REASON,
        REJECTED,
    )


def test_a_repaired_answer_shows_the_check_it_passed() -> None:
    steps = [*RUN[:4], ev("step", {"kind": "answer_check", "passed": True, "reason": ""})]
    steps.append(ev("completed", {"answer": "It is 09:51 on Monday."}))
    timeline = timeline_of(steps)
    assert (timeline.status, timeline.status_label, timeline.status_color) == (
        "completed",
        "completed",
        "green",
    )
    assert timeline.steps[-1].title == "Answer accepted"
    assert timeline.answer == "It is 09:51 on Monday."


def test_the_engine_card_counts_no_answers_apart_from_successes() -> None:
    raw = {"engine": "single", "runs": 4, "completed": 1, "no_answer": 3, "success_rate": 0.25}
    card = agents_models.to_engine_card(payloads.engine(**raw))
    assert (card.runs, card.success, card.no_answer) == (4, "25%", 3)
    row = agents_models.to_run_row(payloads.run(run_id="r1", status="no_answer", error=REASON))
    assert (row.status, row.status_label, row.error) == ("no_answer", "no answer", REASON)
    assert row.status_color not in ("green", "red")


def test_the_task_history_shows_no_answer_with_its_reason() -> None:
    raw = {"id": 3, "status": "no_answer", "error": f"no answer: {REASON}", "output": None}
    row = tasks_models.to_history_row(payloads.task_run(**raw))
    assert (row.status, row.status_label, row.error, row.output) == (
        "no_answer",
        "no answer",
        f"no answer: {REASON}",
        "",
    )
    assert row.status_color not in ("green", "red")
    task = tasks_models.to_task_row(payloads.task(id="t1", last_run={"status": "no_answer"}))
    assert (task.last_status, task.last_status_label) == ("no_answer", "no answer")
