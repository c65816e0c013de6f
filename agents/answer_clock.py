"""Questions about today: the answer must agree with the clock, and the clock is read if the
run did not.

"What is today's date?" has one right answer, and a model that never called ``current_time``
(a team whose executor answered from its own head) gives a date from its training. The answer
gate reads the clock itself for such a question when the run has no reading, so the check and
the one repair turn have it; and an answer naming another weekday or day than the clock's is
sent back, like a wrong sum.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, datetime

from agents.answer_tool_talk import ToolOutput
from agents.answer_values import carries
from agents.date_phrases import A_DATE, SPAN, WEEKDAY
from agents.intents import CLOCK, intent_of
from agents.tools.date_reading import read_amount, read_date, shifted
from agents.tools.dates import local_today
from agents.tools.registry import ToolError

# About today itself: not tomorrow, not a day some days away, not a given date.
_NOW = re.compile(
    r"\b(?:today|now|right now|current|currently|at the moment)\b|\b(?:is|time) it\b", re.I
)
_ELSEWHEN = re.compile(
    r"\b(?:tomorrow|yesterday|ago|from|after|before|until|till|since|next|last|between|in \d+)\b|"
    r"\d{4}",
    re.I,
)
_ASKS_WEEKDAY = re.compile(r"\bday of the week\b|\bweekday\b|\bwhat day\b|\bwhich day\b", re.I)
_ASKS_DATE = re.compile(r"\bdate\b", re.I)
_WEEKDAY = re.compile(rf"\b({WEEKDAY})\b", re.I)
_MONTHS = [name.lower() for name in calendar.month_name[1:]]
CLOCK_TOOLS = frozenset({"current_time", "calendar"})
# Some time from today: "45 days from today", "in 3 weeks", "10 days ago".
_FROM_TODAY = re.compile(
    rf"\b(?P<span>{SPAN})\s+(?:from|after)\s+(?:today|now)\b|\bin\s+(?P<ahead>{SPAN})\b|"
    rf"\b(?P<back>{SPAN})\s+(?:ago|before today)\b",
    re.IGNORECASE,
)


def about_now(question: str) -> bool:
    """A question about the date, weekday or time of this very moment."""
    return (
        intent_of(question) is CLOCK
        and bool(_NOW.search(question))
        and not _ELSEWHEN.search(question)
    )


def needs_reading(question: str, tools: Sequence[ToolOutput], computed: bool) -> bool:
    """About now, and nothing in the run read the clock (no clock tool, no code output)."""
    return about_now(question) and not computed and not any(o.tool in CLOCK_TOOLS for o in tools)


def _reading(tools: Sequence[ToolOutput]) -> datetime | None:
    """The moment the newest current_time result gives (from its ISO 8601 part)."""
    for output in reversed(tools):
        if output.tool == "current_time":
            found = re.search(r"ISO 8601: (\S+)", output.result)
            if found:
                try:
                    return datetime.fromisoformat(found.group(1))
                except ValueError:
                    return None
    return None


def _names_day(text: str, now: datetime) -> bool:
    """Whether ``text`` gives ``now``'s day: its day of the month with its month (as a name or
    a number) or in ISO form."""
    lower = text.lower()
    if now.strftime("%Y-%m-%d") in lower:
        return True
    day = rf"(?<!\d)0?{now.day}(?:st|nd|rd|th)?(?!\d)"
    month = _MONTHS[now.month - 1]
    if re.search(rf"{day}\s+(?:of\s+)?{month[:3]}|{month[:3]}[a-z]*\.?\s+{day}", lower):
        return True
    return bool(re.search(rf"(?<!\d)0?{now.day}[/.]0?{now.month}(?!\d)", lower)) or bool(
        re.search(rf"(?<!\d)0?{now.month}/0?{now.day}(?!\d)", lower)
    )


def day_from_today(question: str) -> datetime | None:
    """The day some time from today the question asks about ("What date will it be 45 days
    from today?"), from the local clock; None for any other question."""
    if intent_of(question) is not CLOCK:
        return None
    found = _FROM_TODAY.search(question)
    if found is None:
        return None
    span = found.group("span") or found.group("ahead") or found.group("back")
    try:
        amount = read_amount(span if not found.group("back") else f"-{span}")
        day, _ = shifted(local_today(), amount)
    except (ToolError, ValueError, OverflowError):
        return None
    return datetime(day.year, day.month, day.day)


_GIVEN_DAY = re.compile(rf"{A_DATE}(?:,?\s+\d{{4}}\b)?", re.IGNORECASE)
_ASKS_DAYS = re.compile(r"\bhow many days\b|\bnumber of days\b", re.IGNORECASE)


def given_days(question: str) -> list[date]:
    """The days the question writes out ("29 February 2024", "2026-03-03"), read as the
    calendar tool reads them."""
    found = []
    for match in _GIVEN_DAY.finditer(question):
        try:
            found.append(read_date(match.group(0), local_today()))
        except (ToolError, ValueError):
            return []
    return found


def against_calendar_facts(question: str, answer: str) -> str | None:
    """The weekday of one day the question gives, or the days between two it gives, worked out
    here; an answer that disagrees is sent back with the right one."""
    if intent_of(question) is not CLOCK:
        return None
    days = given_days(question)
    if len(days) == 1 and _ASKS_WEEKDAY.search(question):
        weekday = f"{days[0]:%A}"
        said = {w.lower() for w in _WEEKDAY.findall(answer)}
        if said and said != {weekday.lower()}:
            return f"the answer names another day: {days[0]:%d %B %Y} is a {weekday}"
        return None
    if len(days) == 2 and _ASKS_DAYS.search(question):
        count = abs((days[1] - days[0]).days)
        if carries(answer, str(count)):
            return None
        span = f"from {days[0]:%d %B %Y} to {days[1]:%d %B %Y}"
        return f"the answer does not give the count: {span} is {count} days"
    return None


def against_clock(question: str, answer: str, tools: Sequence[ToolOutput]) -> str | None:
    """Why an answer about today, or about a day some time from it, disagrees with the clock,
    or None."""
    if (fact := against_calendar_facts(question, answer)) is not None:
        return fact
    later = day_from_today(question)
    if later is not None:
        said = {w.lower() for w in _WEEKDAY.findall(answer)}
        weekday_asked = bool(_ASKS_WEEKDAY.search(question))
        if _names_day(answer, later) or (weekday_asked and said == {f"{later:%A}".lower()}):
            return None
        return f"the answer does not give the right day: it is {later:%A, %d %B %Y}"
    if not about_now(question):
        return None
    now = _reading(tools)
    if now is None:
        return None
    weekday = now.strftime("%A")
    said = {w.lower() for w in _WEEKDAY.findall(answer)}
    if _ASKS_WEEKDAY.search(question) and said and weekday.lower() not in said:
        return f"the answer names another day than the clock's: today is {weekday}"
    if _ASKS_DATE.search(question) and not _names_day(answer, now):
        return f"the answer does not give the clock's date: today is {now:%A, %d %B %Y}"
    return None
