"""How the agent task benchmark decides whether an answer is right, without a model.

Each check reads the answer as a person would: thousands separators and trailing zeros do
not matter ("4,180.50" is 4180.5), small numbers may be words ("five"), citation markers
such as "[1]" are not numbers, and a date may be written in the usual ways. The expected
value always comes from the bench's own computation, never from the model.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol

_CITATION = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f'](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
_SMALL = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_TEENS = "fifteen sixteen seventeen eighteen nineteen twenty"
_WORDS = f"{_SMALL} {_TEENS}".split()
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_NUMBER_WORDS = {word: value for value, word in enumerate(_WORDS)} | _TENS
_MONTHS = [name.lower() for name in calendar.month_name[1:]]


@dataclass(frozen=True)
class Answer:
    """What one turn came back with, and what the check may compare it against."""

    text: str
    sources: Sequence[str] = ()
    workspace: Path | None = None
    # The moments the question was sent and answered: "today" is either one's date.
    asked: datetime = field(default_factory=datetime.now)
    answered: datetime = field(default_factory=datetime.now)


class Check(Protocol):
    """Decides one turn; ``sample`` is an answer that passes, for the fake model's script."""

    def passes(self, answer: Answer) -> bool: ...

    def sample(self) -> str: ...


def plain(text: str) -> str:
    """Lower case, no markdown emphasis, no citation markers, single spaces."""
    text = _CITATION.sub(" ", text)
    text = text.replace("*", "").replace("`", "").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def numbers_in(text: str) -> list[float]:
    """Every number the text states, digits or small number words."""
    flat = plain(_THOUSANDS.sub("", text))
    found = [float(match) for match in _NUMBER.findall(flat)]
    for word in re.findall(r"[a-z]+", flat):
        if word in _NUMBER_WORDS:
            found.append(float(_NUMBER_WORDS[word]))
    return found


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text) is not None


@dataclass(frozen=True)
class Number:
    """The answer states ``value`` (within ``tolerance``) where it states its result: in the
    first or the last line that holds a number. A worked answer that passes through the value
    on its way to another result is wrong, whichever order it puts answer and working in."""

    value: float
    tolerance: float = 0.01

    def _in(self, line: str) -> bool:
        return any(math.isclose(n, self.value, abs_tol=self.tolerance) for n in numbers_in(line))

    def passes(self, answer: Answer) -> bool:
        lines = [line for line in answer.text.splitlines() if numbers_in(line)]
        return bool(lines) and (self._in(lines[0]) or self._in(lines[-1]))

    def sample(self) -> str:
        return (
            f"The answer is {self.value:,.2f}." if self.value % 1 else f"It is {self.value:,.0f}."
        )


@dataclass(frozen=True)
class Text:
    """The answer contains one of ``any_of`` as whole words (case does not matter)."""

    any_of: tuple[str, ...]

    def passes(self, answer: Answer) -> bool:
        text = plain(answer.text)
        return any(_has_phrase(text, phrase) for phrase in self.any_of)

    def sample(self) -> str:
        return f"{self.any_of[0]}."


@dataclass(frozen=True)
class AllOf:
    """The answer contains every one of ``parts``; when ``ordered``, listed together in this
    order somewhere (an answer may say the words as given before it lists them sorted)."""

    parts: tuple[str, ...]
    ordered: bool = False

    def passes(self, answer: Answer) -> bool:
        text = plain(answer.text)
        if self.ordered:
            # Between two items only separators: commas, "and", list numbers or bullets.
            between = r"(?:[\W\d_]|\band\b)+"
            return (
                re.search(between.join(re.escape(p.lower()) for p in self.parts), text) is not None
            )
        return all(part.lower() in text for part in self.parts)

    def sample(self) -> str:
        return ", ".join(self.parts) + "."


def _day_of(answer: Answer, days: int) -> list[date]:
    return sorted(
        {(moment + timedelta(days=days)).date() for moment in (answer.asked, answer.answered)}
    )


def _says_date(text: str, day: date) -> bool:
    month = _MONTHS[day.month - 1]
    names = f"(?:{month}|{month[:3]}\\.?)"
    number = f"0?{day.day}(?:st|nd|rd|th)?"
    forms = [
        rf"\b{number}(?: of)? {names}\b",
        rf"\b{names},? {number}\b",
        rf"\b{day:%Y-%m-%d}\b",
        rf"\b0?{day.day}[/.]0?{day.month}[/.]{day.year}\b",
        rf"\b0?{day.month}/0?{day.day}/{day.year}\b",
    ]
    if not any(re.search(form, text) for form in forms):
        return False
    # A year, when the answer gives one, must be the right one.
    years = {int(y) for y in re.findall(r"\b(?:19|20|21)\d\d\b", text)}
    return not years or day.year in years


@dataclass(frozen=True)
class DateFromToday:
    """The answer names the date ``days`` after today (the day the question was asked)."""

    days: int = 0

    def passes(self, answer: Answer) -> bool:
        text = plain(answer.text)
        return any(_says_date(text, day) for day in _day_of(answer, self.days))

    def sample(self) -> str:
        return f"{date.today() + timedelta(days=self.days):%A, %d %B %Y}."


@dataclass(frozen=True)
class TodayPart:
    """The answer names today's weekday or month (``part``: "weekday" or "month")."""

    part: str

    def _name(self, day: date) -> str:
        return f"{day:%A}" if self.part == "weekday" else _MONTHS[day.month - 1]

    def passes(self, answer: Answer) -> bool:
        text = plain(answer.text)
        return any(_has_phrase(text, self._name(day)) for day in _day_of(answer, 0))

    def sample(self) -> str:
        return f"It is {self._name(date.today()).capitalize()}."


@dataclass(frozen=True)
class FileHas:
    """The workspace holds ``name`` and its text contains every one of ``parts``."""

    name: str
    parts: tuple[str, ...]

    def passes(self, answer: Answer) -> bool:
        if answer.workspace is None:
            return False
        target = answer.workspace / self.name
        if not target.is_file():
            return False
        text = re.sub(r"[ \t]+", "", target.read_text(encoding="utf-8", errors="replace").lower())
        return all(re.sub(r"[ \t]+", "", part.lower()) in text for part in self.parts)

    def sample(self) -> str:
        return f"I wrote {self.name}."


@dataclass(frozen=True)
class CitesNothing:
    """A general-knowledge answer: right by ``inner`` and citing none of the user's documents
    (they have nothing to do with the question)."""

    inner: Check

    def passes(self, answer: Answer) -> bool:
        return not answer.sources and self.inner.passes(answer)

    def sample(self) -> str:
        return self.inner.sample()
