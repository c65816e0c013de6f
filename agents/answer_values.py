"""Values in text, for the answer check: numbers as people write them (4,180 / 961.40 / forty),
times of day and date words, and whether an answer carries a value a tool returned."""

from __future__ import annotations

import math
import re


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")
# A number as written: 4,180 / 1,234,567.5 / -3 / 0.25 / 961.40
NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?")
TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")
# Dates and clock readings in a question are not arithmetic ("what happened on 2024-01-05").
DATE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}:\d{2}\b")
NUMBER_WORDS = word_set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion half none"
)
DATE_WORDS = word_set(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december"
)
# A tool result of at most this many characters and lines, mostly numbers and dates, is "a value".
VALUE_RESULT_CHARS = 300
VALUE_LINES = 2


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def value_of(raw: str) -> float:
    """The value of a number as NUMBER finds it written ("4,180", "-3", "961.40")."""
    return float(raw.replace(",", "").lstrip("$€£¥"))


def numbers(text: str) -> list[float]:
    return [value_of(raw) for raw in NUMBER.findall(text)]


def has_number(text: str) -> bool:
    """A digit-written number or a number word ("forty-two", "half")."""
    return bool(NUMBER.search(text)) or any(w in NUMBER_WORDS for w in words(text))


def is_value(result: str) -> bool:
    """Whether a tool result is a value (a number, a date, a time) rather than text or a list:
    short, and mostly numbers or date words."""
    if not result.strip() or len(result) > VALUE_RESULT_CHARS:
        return False
    if len(result.strip().splitlines()) > VALUE_LINES:
        return False  # a table or a list: what it holds is asked for, not all of it
    tokens = result.split()
    valued = [t for t in tokens if re.search(r"\d", t) or t.strip(",.;:()").lower() in DATE_WORDS]
    return len(valued) * 2 >= len(tokens)


def single_number(result: str) -> bool:
    """A result that is one number and nothing else, like the calculator's."""
    return bool(NUMBER.fullmatch(result.strip()))


def key_values(result: str) -> list[str]:
    """The values of a tool result an answer should carry: its times, date words and numbers."""
    found = [f"{int(h)}:{m}" for h, m in TIME.findall(result)]
    found += [w for w in words(result) if w in DATE_WORDS]
    return found + NUMBER.findall(result)


def carries(answer: str, value: str) -> bool:
    """Whether ``answer`` states ``value``: the same number (as written or rounded the way the
    answer writes it), the same time of day or the same date word."""
    text = answer.lower()
    clock = TIME.fullmatch(value)
    if clock:
        return any(int(h) == int(clock[1]) and m == clock[2] for h, m in TIME.findall(text))
    if not re.search(r"\d", value):
        return value in words(text)
    wanted = float(value.replace(",", ""))
    for raw in NUMBER.findall(text):
        plain = raw.replace(",", "")
        shown, places = float(plain), len(plain.split(".", 1)[1]) if "." in plain else 0
        if shown == wanted or (places < 15 and math.isclose(round(wanted, places), shown)):
            return True
    return False


def own_values(question: str, text: str) -> bool:
    """Whether ``text`` states a number, time or date word the question does not already hold."""
    asked_numbers, asked_words = set(numbers(question)), set(words(question))
    if any(n not in asked_numbers for n in numbers(text)):
        return True
    return any(w in DATE_WORDS | NUMBER_WORDS and w not in asked_words for w in words(text))
