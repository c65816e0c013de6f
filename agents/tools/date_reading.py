"""Dates and amounts of time as a person (or a small model) writes them, read into values.

Dates: "today", "tomorrow", "yesterday", "2026-03-03", "3 March 2026", "March 3, 2026",
"3rd of March", "Tuesday 3 March 2026", "next Friday", "Christmas", "the end of the year",
"45 days from today". Numbers with slashes are read day/month/year ("03/04/2026" is 3 April),
as in most of the world, unless only month/day/year makes sense ("04/30/2026"); "2026-04-03"
is the one form no one misreads. A date without a year is the next one on or after today.
Dates are in the proleptic Gregorian calendar (Python's ``datetime.date``).

Amounts: "45 days", "-2 weeks", "+3 months", "a year", "forty-five days", "2 weeks ago".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from agents.tools.registry import ToolError

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = {name.lower(): n for n, name in enumerate(MONTH_NAMES, 1)}
_MONTHS |= {name[:3].lower(): n for n, name in enumerate(MONTH_NAMES, 1)} | {"sept": 9}
_WEEKDAYS = {name.lower(): n for n, name in enumerate(WEEKDAY_NAMES)}
_WEEKDAYS |= {name[:3].lower(): n for n, name in enumerate(WEEKDAY_NAMES)}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?"
_RELATIVE_DAYS = {
    "today": 0,
    "now": 0,
    "tomorrow": 1,
    "yesterday": -1,
    "day after tomorrow": 2,
    "day before yesterday": -2,
}
_HOLIDAYS = {
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "new year's eve": (12, 31),
    "new years eve": (12, 31),
    "new year": (1, 1),
    "new year's day": (1, 1),
    "new years day": (1, 1),
    "new years": (1, 1),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
    "valentines day": (2, 14),
}
_SMALL_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_NUMBER_WORDS = {word: n for n, word in enumerate(_SMALL_NUMBERS)} | {"a": 1, "an": 1}
_NUMBER_WORDS |= {word: 20 + 10 * n for n, word in enumerate(_TENS)}
_UNITS = {"day": "days", "week": "weeks", "fortnight": "fortnights", "month": "months"}
_UNITS |= {"year": "years"}
_UNIT = r"(days?|weeks?|fortnights?|months?|years?)"
_BACKWARDS = ("ago", "before", "earlier", "back", "since")

# Longest date or amount read: "10 days before the day after tomorrow" fits many times over.
MAX_TEXT = 100
DATE_EXAMPLES = "'today', '3 March 2026', 'March 3, 2026' or '2026-03-03'"
AMOUNT_EXAMPLES = "'45 days', '-2 weeks', '3 months' or '1 year'"


@dataclass(frozen=True)
class Amount:
    """A length of time to move a date by; ``count`` is negative for "before" / "ago"."""

    count: int
    unit: str  # days, weeks, months or years

    def words(self) -> str:
        """'45 days', '1 week': the size, without its direction."""
        size = abs(self.count)
        return f"{size} {self.unit if size != 1 else self.unit[:-1]}"


def _plain(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace(",", " ")
    text = re.sub(r"\s+", " ", text).strip(" .?!")
    # A sentence as current_time writes it: "It is Monday, 7 December 2026, …".
    text = re.sub(r"^(?:it is|it's|today is) ", "", text)
    return re.sub(r"^(?:on|the|of) ", "", text)


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    tens, _, ones = word.partition("-")
    if ones and tens in _TENS and ones in _SMALL_NUMBERS[1:10]:
        return _NUMBER_WORDS[tens] + _NUMBER_WORDS[ones]
    return _NUMBER_WORDS.get(word)


def read_amount(text: str) -> Amount:
    """'45 days' → Amount(45, 'days'); a bare number is days; ToolError saying how to write it."""
    if len(text) > MAX_TEXT:
        raise ToolError(
            f"an amount of time is at most {MAX_TEXT} characters, like {AMOUNT_EXAMPLES}"
        )
    found = re.fullmatch(
        rf"(?:in )?([+-])? ?(\d+|[a-z]+(?:-[a-z]+)?)(?: ?{_UNIT})?"
        r"(?: (ago|before|earlier|back|later|after|hence|from now|from today))?",
        _plain(text),
    )
    count = _number(found[2]) if found else None
    if found is None or count is None:
        raise ToolError(
            f"could not read {text!r} as an amount of time; write it like {AMOUNT_EXAMPLES}"
        )
    unit = _UNITS[(found[3] or "days").rstrip("s")]
    if unit == "fortnights":
        count, unit = 2 * count, "weeks"
    backwards = found[1] == "-" or (found[4] or "") in _BACKWARDS
    return Amount(-count if backwards else count, unit)


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def make_date(year: int, month: int, day: int) -> date:
    """The date, or a ToolError saying what is wrong with it ("April 2026 has 30 days")."""
    if not 1 <= year <= 9999:
        raise ToolError(f"the year {year} is out of range: years go from 1 to 9999")
    if not 1 <= month <= 12:
        raise ToolError(f"there is no month {month}: months go from 1 to 12")
    last = _month_end(year, month)
    if not 1 <= day <= last:
        name = MONTH_NAMES[month - 1]
        raise ToolError(f"there is no {day} {name} {year}: {name} {year} has {last} days")
    return date(year, month, day)


def _next_on_or_after(today: date, month: int, day: int) -> date:
    """The first (month, day) on or after ``today``: 29 February waits for a leap year."""
    for year in range(today.year, today.year + 9):
        if day <= _month_end(year, month) and (found := date(year, month, day)) >= today:
            return found
    return make_date(today.year, month, day)  # a day no year has: the error says so


def _dated(day: int, month: int, year: str | None, today: date) -> date:
    if year is None:
        if day > _month_end(2000, month):  # 2000 is a leap year: the longest month
            return make_date(today.year, month, day)
        return _next_on_or_after(today, month, day)
    return make_date(int(year), month, day)


def _numeric(first: int, second: int, separator: str, year: int) -> date:
    """d/m/y, or m/d/y when only that makes sense (and only with slashes, as the US writes)."""
    if year < 100:
        year += 2000
    if separator == "/" and second > 12 >= first:
        return make_date(year, first, second)
    return make_date(year, second, first)


def _relative(text: str, today: date) -> date | None:
    """'45 days from today', '2 weeks before 1 May 2026', 'in 10 days', '3 days ago'."""
    found = re.fullmatch(
        rf"(?:in )?([+-]?[\w-]+ {_UNIT})(?: (ago|from|after|before|later))?(.*)", text
    )
    if found is None or (found[3] is None and not text.startswith("in ")):
        return None
    amount = read_amount(found[1])
    if found[3] in ("ago", "before"):
        amount = Amount(-amount.count, amount.unit)
    base = read_date(found[4], today) if found[4].strip() else today
    return shifted(base, amount)[0]


def _named(text: str, today: date) -> date | None:
    """Weekdays ('next Friday'), holidays ('Christmas 2027') and 'the end of the year'."""
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    if found := re.fullmatch(rf"(next|last|this|coming)? ?{_WEEKDAY}", text):
        ahead = (_WEEKDAYS[found[2]] - today.weekday()) % 7
        if found[1] == "last":
            return today - timedelta(days=(7 - ahead) % 7 or 7)
        return today + timedelta(days=ahead if found[1] == "this" else ahead or 7)
    if found := re.fullmatch(
        r"(?:the )?(end|start|beginning) of (?:the |this )?(year|month)", text
    ):
        if found[2] == "year":
            return date(today.year, 12, 31) if found[1] == "end" else date(today.year, 1, 1)
        last = _month_end(today.year, today.month)
        return today.replace(day=last if found[1] == "end" else 1)
    if (found := re.fullmatch(r"(.+?)(?: (\d{4}))?", text)) and found[1] in _HOLIDAYS:
        month, day = _HOLIDAYS[found[1]]
        return _dated(day, month, found[2], today)
    return None


def read_date(text: str, today: date) -> date:
    """The date ``text`` names, reading relative words against ``today``; a ToolError saying
    what could not be read and how to write it."""
    if len(text) > MAX_TEXT:
        raise ToolError(f"a date is at most {MAX_TEXT} characters; write it like {DATE_EXAMPLES}")
    plain = _plain(text) or "today"
    # A time of day after the date, as current_time gives it ("2026-12-07T12:01:59+00:00").
    plain = re.sub(r"(?:(?<=\d)t|\s+)\d{1,2}:\d{2}.*$", "", plain)
    plain = re.sub(rf"^{_WEEKDAY} (?=.*\d)", "", plain)  # "Tuesday 3 March 2026"
    if (named := _named(plain, today)) is not None:
        return named
    if (moved := _relative(plain, today)) is not None:
        return moved
    try:
        if found := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", plain):
            return make_date(int(found[1]), int(found[2]), int(found[3]))
        if found := re.fullmatch(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})", plain):
            return _numeric(int(found[1]), int(found[3]), found[2], int(found[4]))
        day_first = rf"(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH}(?: (\d{{4}}))?"
        if found := re.fullmatch(day_first, plain):
            return _dated(int(found[1]), _MONTHS[found[2]], found[3], today)
        month_first = rf"{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?(?: (\d{{4}}))?"
        if found := re.fullmatch(month_first, plain):
            return _dated(int(found[2]), _MONTHS[found[1]], found[3], today)
    except ToolError as error:
        raise ToolError(f"could not read the date {text!r}: {error}") from None
    if re.fullmatch(rf"{_MONTH}(?: \d{{4}})?", plain):
        raise ToolError(f"{text!r} names a month, not a day; give the day too, like '1 {text}'")
    raise ToolError(f"could not read {text!r} as a date; write it like {DATE_EXAMPLES}")


def shifted(start: date, amount: Amount) -> tuple[date, str]:
    """``start`` moved by ``amount``, and a note when the day had to become the month's last
    (31 January + 1 month is 28 or 29 February)."""
    try:
        if amount.unit in ("days", "weeks"):
            days = amount.count * (7 if amount.unit == "weeks" else 1)
            return start + timedelta(days=days), ""
        months = amount.count * (12 if amount.unit == "years" else 1)
        index = start.year * 12 + start.month - 1 + months
        year, month = divmod(index, 12)
        last = _month_end(year, month + 1) if 1 <= year <= 9999 else 31
        moved = make_date(year, month + 1, min(start.day, last))
    except (OverflowError, ValueError):
        raise ToolError("that date is out of range: years go from 1 to 9999") from None
    if moved.day == start.day:
        return moved, ""
    name = MONTH_NAMES[month]
    return moved, f"there is no {start.day} {name} {year}, so the last day of {name} is used"
