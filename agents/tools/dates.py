"""The ``calendar`` tool: the weekday of a date, a date moved by days, weeks, months or years,
and the days between two dates, answered in one plain sentence holding the values.

Small models get calendars wrong (29 February 2024 "was a Wednesday"; 52 days from March to
July): the answer is computed here and the model only has to copy it. "today" is the local
date, as ``current_time`` reports it; how dates and amounts are read is in
``agents.tools.date_reading``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from agents.tools.date_reading import (
    DATE_EXAMPLES,
    MONTH_NAMES,
    WEEKDAY_NAMES,
    read_amount,
    read_date,
    shifted,
)
from agents.tools.registry import ToolError

# The tool's first argument is called ``date``, as a model would write it; this names the type.
Day = date

DESCRIPTION = (
    "Dates: the weekday of a date, a date plus or minus days/weeks/months/years (add), or the "
    "days from one date to another (until)."
)
DATE_HELP = f"A date: {DATE_EXAMPLES}; 03/04/2026 is 3 April. Default: today."
ADD_HELP = "Time to add to the date, e.g. '45 days', '-2 weeks', '3 months', '1 year'."
UNTIL_HELP = "A second date, to count the days from date to it, e.g. '14 July 2026'."


def local_today() -> date:
    """Today in the computer's timezone, the same clock ``current_time`` reads."""
    return datetime.now().astimezone().date()


def spoken(day: date, weekday: bool = False) -> str:
    """'3 March 2026', or 'Tuesday 3 March 2026' (names in English whatever the locale)."""
    text = f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    return f"{WEEKDAY_NAMES[day.weekday()]} {text}" if weekday else text


def weekday_of(day: date, asked: str, today: date) -> str:
    """'29 February 2024 was a Thursday.'; 'Today is Monday 7 December 2026.'"""
    word = asked.strip().lower()
    if word in ("today", "now", "", "tomorrow", "yesterday"):
        label = "Today" if word in ("today", "now", "") else word.capitalize()
        verb = "was" if word == "yesterday" else "is"
        return f"{label} {verb} {spoken(day, weekday=True)}."
    verb = "was a" if day < today else "is a" if day == today else "will be a"
    return f"{spoken(day)} {verb} {WEEKDAY_NAMES[day.weekday()]}."


def moved(day: date, add: str) -> str:
    """'45 days after Monday 7 December 2026 is Thursday 21 January 2027.'"""
    amount = read_amount(add)
    result, note = shifted(day, amount)
    direction = "before" if amount.count < 0 else "after"
    sentence = f"{amount.words()} {direction} {spoken(day, True)} is {spoken(result, True)}."
    return f"{sentence} ({note}.)" if note else sentence


def between(start: date, end: date) -> str:
    """'From 3 March 2026 to 14 July 2026 is 133 days.', with weeks when there are any."""
    days = (end - start).days
    size = abs(days)
    if size == 0:
        return f"From {spoken(start)} to {spoken(end)} is 0 days: it is the same day."
    unit = "day" if size == 1 else "days"
    sentence = f"From {spoken(start)} to {spoken(end)} is {size} {unit}."
    if days < 0:
        earlier = spoken(end)
        sentence = f"From {spoken(start)} back to {earlier} is {size} {unit}: {earlier} is earlier."
    weeks, rest = divmod(size, 7)
    if weeks:
        extra = f" and {rest} day{'s' if rest != 1 else ''}" if rest else ""
        sentence += f" That is {weeks} week{'s' if weeks != 1 else ''}{extra}."
    return sentence


def _is_date(text: str, today: Day) -> bool:
    """Whether ``text`` reads as a date and not as an amount of time."""
    try:
        read_amount(text)
        return False
    except ToolError:
        pass
    try:
        read_date(text, today)
        return True
    except ToolError:
        return False


def _given(value: str | None) -> str | None:
    """An argument as given, or None when it says nothing: blank, or a zero amount ("0",
    "0 days"), which small models fill in for the arguments they do not mean to use."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        if read_amount(text).count == 0:
            return None
    except ToolError:
        pass
    return text


def calendar(
    date: str = "today",
    add: str | None = None,
    until: str | None = None,
    *,
    today: Callable[[], Day] = local_today,
) -> str:
    """The tool: only ``date`` gives its weekday, with ``add`` the moved date, with ``until``
    the days between; a ToolError whose message says how to call it right."""
    add, until = _given(add), _given(until)
    now = today()
    if add and not until and _is_date(add, now):
        add, until = None, add  # a date where an amount belongs: the days until it were meant
    if add and until:
        raise ToolError(
            "give add or until, not both: add moves the date, until counts the days to a "
            "second date"
        )
    day = read_date(date, now)
    if add:
        return moved(day, add)
    if until:
        return between(day, read_date(until, now))
    return weekday_of(day, date, now)
