"""The calendar tool: dates as people write them, the weekday, moving a date, counting days,
and errors a model can act on; "today" is fixed so every answer is known."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.tools.date_reading import read_amount, read_date
from agents.tools.dates import calendar, local_today
from agents.tools.registry import ToolContext, ToolError, ToolRegistry

TODAY = date(2026, 12, 7)  # a Monday
on_today = functools.partial(calendar, today=lambda: TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-03", date(2026, 3, 3)),
        ("2026/3/3", date(2026, 3, 3)),
        ("3 March 2026", date(2026, 3, 3)),
        ("3rd of March, 2026", date(2026, 3, 3)),
        ("March 3, 2026", date(2026, 3, 3)),
        ("Mar. 3rd 2026", date(2026, 3, 3)),
        ("Tuesday, 3 March 2026", date(2026, 3, 3)),
        ("the 14th of July 2026", date(2026, 7, 14)),
        ("03/04/2026", date(2026, 4, 3)),  # day/month/year when both readings fit
        ("04/30/2026", date(2026, 4, 30)),  # month/day/year when only that fits
        ("30/04/26", date(2026, 4, 30)),
        ("3.4.2026", date(2026, 4, 3)),
        # the date as current_time gives it, time and all
        ("It is Monday, 7 December 2026, 12:01:59 UTC, local time (UTC+00:00)", TODAY),
        ("2026-12-07T12:01:59+00:00", TODAY),
        ("today", TODAY),
        ("Today.", TODAY),
        ("now", TODAY),
        ("Tomorrow", TODAY + timedelta(days=1)),
        ("yesterday", TODAY - timedelta(days=1)),
        ("the day after tomorrow", TODAY + timedelta(days=2)),
        ("", TODAY),
        ("next Friday", date(2026, 12, 11)),
        ("Monday", date(2026, 12, 14)),
        ("this Monday", TODAY),
        ("last Monday", date(2026, 11, 30)),
        ("Christmas", date(2026, 12, 25)),
        ("christmas 2030", date(2030, 12, 25)),
        ("New Year's Day", date(2027, 1, 1)),
        ("the end of the year", date(2026, 12, 31)),
        ("end of the month", date(2026, 12, 31)),
        ("1 March", date(2027, 3, 1)),  # no year: the next one
        ("7 December", TODAY),
        ("29 February", date(2028, 2, 29)),
        ("45 days from today", date(2027, 1, 21)),
        ("in 2 weeks", date(2026, 12, 21)),
        ("3 days ago", date(2026, 12, 4)),
        ("10 days before 1 January 2027", date(2026, 12, 22)),
    ],
)
def test_dates_are_read_as_people_write_them(text: str, expected: date) -> None:
    assert read_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("32 March 2026", "there is no 32 March 2026: March 2026 has 31 days"),
        ("29 February 2026", "February 2026 has 28 days"),
        ("2026-13-01", "there is no month 13"),
        ("31/31/2026", "there is no month 31"),
        ("someday soon", "write it like 'today', '3 March 2026'"),
        ("March 2026", "names a month, not a day"),
        ("1 January 10000", "could not read"),
    ],
)
def test_a_date_that_cannot_be_read_says_why_and_how_to_write_it(text: str, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        read_date(text, TODAY)


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("45 days", 45, "days"),
        ("45", 45, "days"),
        ("-2 weeks", -2, "weeks"),
        ("+3 months", 3, "months"),
        ("a year", 1, "years"),
        ("forty-five days", 45, "days"),
        ("2 weeks ago", -2, "weeks"),
        ("a fortnight", 2, "weeks"),
        ("1 day", 1, "days"),
    ],
)
def test_amounts_of_time(text: str, count: int, unit: str) -> None:
    amount = read_amount(text)
    assert (amount.count, amount.unit) == (count, unit)


def test_an_amount_that_cannot_be_read_shows_how_to_write_one() -> None:
    with pytest.raises(ToolError, match="write it like '45 days', '-2 weeks'"):
        read_amount("45 dayz")


@pytest.mark.parametrize(
    ("arguments", "answer"),
    [
        ({"date": "29 February 2024"}, "29 February 2024 was a Thursday."),
        ({"date": "2026-12-25"}, "25 December 2026 will be a Friday."),
        ({"date": "7 December 2026"}, "7 December 2026 is a Monday."),
        ({}, "Today is Monday 7 December 2026."),
        ({"date": "tomorrow"}, "Tomorrow is Tuesday 8 December 2026."),
        ({"date": "yesterday"}, "Yesterday was Sunday 6 December 2026."),
        (
            {"date": "today", "add": "45 days"},
            "45 days after Monday 7 December 2026 is Thursday 21 January 2027.",
        ),
        (
            {"add": "-2 weeks"},
            "2 weeks before Monday 7 December 2026 is Monday 23 November 2026.",
        ),
        (
            {"date": "2024-02-29", "add": "1 year"},
            "1 year after Thursday 29 February 2024 is Friday 28 February 2025. (there is no "
            "29 February 2025, so the last day of February is used.)",
        ),
        (
            {"date": "3 March 2026", "until": "14 July 2026"},
            "From 3 March 2026 to 14 July 2026 is 133 days. That is 19 weeks.",
        ),
        (
            {"date": "today", "until": "Christmas"},
            "From 7 December 2026 to 25 December 2026 is 18 days. That is 2 weeks and 4 days.",
        ),
        (
            {"date": "14 July 2026", "until": "3 March 2026"},
            "From 14 July 2026 back to 3 March 2026 is 133 days: 3 March 2026 is earlier. "
            "That is 19 weeks.",
        ),
        ({"until": "tomorrow"}, "From 7 December 2026 to 8 December 2026 is 1 day."),
    ],
)
def test_each_answer_is_one_plain_sentence_with_the_values(
    arguments: dict[str, str], answer: str
) -> None:
    assert on_today(**arguments) == answer


def test_add_and_until_together_are_refused_with_what_each_does() -> None:
    with pytest.raises(ToolError, match="give add or until, not both"):
        on_today(date="today", add="3 days", until="Christmas")


def test_a_zero_or_blank_argument_is_one_not_given() -> None:
    # A small model asked for a weekday filled in add="0", until="0" and was refused each time.
    weekday = on_today(date="2024-02-29")
    assert on_today(date="2024-02-29", add="0", until="0") == weekday
    assert on_today(date="2024-02-29", add="0 days", until=" ") == weekday
    assert on_today(date="2024-02-29", add="0", until="2024-03-02") == on_today(
        date="2024-02-29", until="2024-03-02"
    )


def test_a_date_out_of_range_is_an_error_not_a_crash() -> None:
    with pytest.raises(ToolError, match="out of range"):
        on_today(date="31 December 9999", add="1 day")
    with pytest.raises(ToolError, match="out of range"):
        on_today(add="99999999999 days")


def test_today_is_the_local_date_the_clock_reads(
    registry: ToolRegistry, context: ToolContext
) -> None:
    before = local_today()
    answer = registry.call("calendar", {"date": "today"}, context)
    after = local_today()
    assert any(answer == on_today.func(today=lambda d=d: d) for d in {before, after})
    with pytest.raises(ToolError, match="could not read"):
        registry.call("calendar", {"date": "the 45th"}, context)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=120),
    st.one_of(st.none(), st.text(max_size=40), st.from_regex(r"[+-]?\d{1,30} (days|months)")),
    st.one_of(st.none(), st.text(max_size=40)),
)
def test_any_text_gives_a_sentence_or_a_tool_error(
    text: str, add: str | None, until: str | None
) -> None:
    try:
        assert on_today(date=text, add=add, until=until).endswith(".")
    except ToolError as error:
        assert str(error)


def test_a_chain_of_relative_dates_is_cut_off_before_it_runs_deep() -> None:
    with pytest.raises(ToolError, match="at most 100 characters"):
        read_date("1 day after " * 2000 + "today", TODAY)


def test_a_date_given_as_the_amount_to_add_counts_the_days_until_it() -> None:
    """Small models put the second date in ``add``; empty strings stand for nothing."""
    expected = "From 3 March 2026 to 14 July 2026 is 133 days. That is 19 weeks."
    assert on_today("3 March 2026", add="14 July 2026", until="") == expected
    assert on_today("3 March 2026", add="", until="14 July 2026") == expected
    assert on_today("today", add="", until="") == "Today is Monday 7 December 2026."
    assert on_today("3 March 2026", add="45 days", until="").startswith("45 days after")
