"""Answers about today must agree with the clock, read by the gate when the run did not."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx
import pytest

from agents.answer_clock import about_now, against_clock, needs_reading
from agents.answer_tool_talk import ToolOutput
from backend.llm.fake_server import FakeOpenAIServer

READING = ToolOutput(
    "current_time",
    "It is Monday, 7 December 2026, 15:28:38 UTC, local time (UTC+00:00); "
    "ISO 8601: 2026-12-07T15:28:38+00:00",
)


@pytest.mark.parametrize(
    "question",
    ["What is today's date?", "Which day of the week is it today?", "What time is it now?"],
)
def test_questions_about_this_moment(question: str) -> None:
    assert about_now(question)


@pytest.mark.parametrize(
    "question",
    [
        "What date will it be 45 days from today?",
        "On which day of the week did 29 February 2024 fall?",
        "What day is it tomorrow?",
        "What is 23% of 4,180?",
    ],
)
def test_questions_about_another_day_or_no_day(question: str) -> None:
    assert not about_now(question)


def test_a_weekday_or_date_other_than_the_clocks_is_refused() -> None:
    weekday = "Which day of the week is it today?"
    assert against_clock(weekday, "Today is Monday.", [READING]) is None
    reason = against_clock(weekday, "Today is Friday.", [READING])
    assert reason is not None and "today is Monday" in reason
    day = "What is today's date?"
    for right in ("7 December 2026", "December 7th, 2026", "2026-12-07", "07/12/2026"):
        assert against_clock(day, f"Today is {right}.", [READING]) is None, right
    assert against_clock(day, "Today is 17 December 2026.", [READING]) is not None
    assert against_clock(day, "Today is 1 January 2023.", [READING]) is not None
    # No reading, nothing to compare with.
    assert against_clock(day, "Today is 1 January 2023.", []) is None


def test_the_clock_is_needed_only_when_nothing_read_it() -> None:
    day = "What is today's date?"
    assert needs_reading(day, [], computed=False)
    assert not needs_reading(day, [READING], computed=False)
    assert not needs_reading(day, [], computed=True)  # the code printed it
    assert not needs_reading("What is 2 + 2?", [], computed=False)


async def test_a_made_up_date_is_corrected_from_the_clock_the_gate_read(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    today = datetime.now().astimezone()
    fake.set_rules(
        [
            {"match": "was not accepted", "reply": f"Today is {today:%d %B %Y}."},
            {"reply": "Today is 1 January 2023."},
        ]
    )
    response = await client.post(
        "/api/agent/query",
        json={"prompt": "What is today's date?", "mode": "chat", "use_knowledge": False},
    )
    body = response.json()
    assert body["status"] == "completed" and body["answer"] == f"Today is {today:%d %B %Y}.", body
    results = [s for s in body["steps"] if s["type"] == "tool_result"]
    assert results and results[0]["agent"] == "answer check"
    repair = str(fake.requests[-1]["messages"][-1]["content"])
    assert "current_time:" in repair and f"{today:%B %Y}" in repair


def test_a_day_some_time_from_today_is_worked_out_from_the_clock() -> None:
    later = date.today() + timedelta(days=45)
    question = "What date will it be 45 days from today?"
    assert against_clock(question, f"It will be {later:%d %B %Y}.", []) is None
    assert against_clock(question, f"It will be {later:%Y-%m-%d}.", []) is None
    reason = against_clock(question, "The date 45 days from today is 2023-04-16.", [])
    assert reason is not None and f"{later:%d %B %Y}" in reason
    back = date.today() - timedelta(days=10)
    assert against_clock("What was the date 10 days ago?", f"It was {back:%d %B %Y}.", []) is None
    weeks = date.today() + timedelta(weeks=3)
    asked = "Which day of the week will it be in 3 weeks?"
    assert against_clock(asked, f"It will be a {weeks:%A}.", []) is None
    other = (weeks + timedelta(days=1)).strftime("%A")
    assert against_clock(asked, f"It will be a {other}.", []) is not None


def test_the_weekday_of_a_given_day_and_days_between_two_are_worked_out() -> None:
    leap = "On which day of the week did 29 February 2024 fall?"
    assert against_clock(leap, "It fell on a Thursday.", []) is None
    reason = against_clock(leap, "The day of the week for 29 February 2024 is a Wednesday.", [])
    assert reason is not None and "is a Thursday" in reason
    between = "How many days are there from 3 March 2026 to 14 July 2026?"
    assert against_clock(between, "There are 133 days.", []) is None
    said = "To count the days from 3 March 2026 to 14 July 2026, use the until parameter."
    counted = against_clock(between, said, [])
    assert counted is not None and "is 133 days" in counted
