"""Is this an answer? A check of the final text before a run may end *completed*.

Small models often end a run with something that looks like an answer and is not one: a bare
citation marker ("[1]"), a sentence that stops where the result should be ("The time is [1]."),
the question said back, or how to get the result instead of the result. A tool may even have
returned the value and the answer left it out. ``check_answer`` is a pure function of the
question, the answer and the tool results seen in the run; it returns None when the answer
passes, else the reason in words a user can read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# "[1]", "[1][2]", "[1, 3]", "[2-4]", and the full-width brackets some models write
_MARKER = re.compile(r"\[\s*\d+(?:\s*[-,\u2013]\s*\d+)*\s*\]|\u3010\d+\u3011")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")
# A number as written: 4,180 / 1,234,567.5 / -3 / 0.25 / 961.40
_NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?")
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_NUMBER_WORDS = _word_set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion half none"
)
_DATE_WORDS = _word_set(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december"
)
# An answer whose last word is one of these stops where its content should be.
_DANGLING = _word_set("is are was were be equals equal of the a an to by")
# Words that carry no content of their own when judging whether the question was said back.
_FILLER = _word_set(
    "the a an is are was were be been of to in on at for by with and or it its this that "
    "what which who whom how when where why do does did can could would will shall should "
    "please tell me you your i we us our let lets here there so as answer result question "
    "asked asking value following calculate calculating compute computing find finding "
    "determine need needs use using get give"
)
_METHOD = re.compile(
    r"\b(you can use|you could use|can be calculated|can be found|use the following|"
    r"the following (expression|formula|calculation|command|tool)|"
    r"(i will|i'll|let me|i am going to|i'm going to) (use|call|check|calculate|look)|"
    r"(by )?(calling|using) the \w+ (tool|function))\b"
)
_ASKS_NUMBER = re.compile(
    r"\b(how (many|much|long|old|far|big)|what percent(age)?|calculate|compute|"
    r"sum|total|average|number of|square root|sqrt)\b|\d\s*(%|percent)\s*of\b|"
    r"\d\s*[-+*/x\u00d7\u00f7^]\s*\(?\s*\d|\bwhat(?:'s| is) -?\d"
)
# A question that asks yes or no may be answered in its own words ("It is raining.").
_YES_NO = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|am)\b"
)
_FORMULA = re.compile(r"[\d.,]+(?:\s*[-+*/\u00d7\u00f7^]+\s*\(?[\d.,]+\)?)+")
# A tool result of at most this many characters, mostly numbers and dates, is "a value".
VALUE_RESULT_CHARS = 300


@dataclass(frozen=True)
class ToolOutput:
    """What one tool call returned in the run (failed calls are not listed)."""

    tool: str
    result: str


def without_markers(text: str) -> str:
    """``text`` with citation markers taken out."""
    return _MARKER.sub(" ", text)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _numbers(text: str) -> list[float]:
    found = []
    for raw in _NUMBER.findall(text):
        try:
            found.append(float(raw.replace(",", "")))
        except ValueError:
            continue
    return found


def _decimals(raw: str) -> int:
    return len(raw.split(".", 1)[1]) if "." in raw else 0


def _has_number(text: str) -> bool:
    return bool(_NUMBER.search(text)) or any(w in _NUMBER_WORDS for w in _words(text))


def is_value(result: str) -> bool:
    """Whether a tool result is a value (a number, a date, a time) rather than text or a list:
    short, and mostly numbers or date words."""
    if not result.strip() or len(result) > VALUE_RESULT_CHARS:
        return False
    tokens = result.split()
    valued = [t for t in tokens if re.search(r"\d", t) or t.strip(",.;:()").lower() in _DATE_WORDS]
    return len(valued) * 2 >= len(tokens)


def key_values(result: str) -> list[str]:
    """The values of a tool result an answer should carry: its numbers, times and date words."""
    values = [f"{int(h)}:{m}" for h, m in _TIME.findall(result)]
    values += [w for w in _words(result) if w in _DATE_WORDS]
    values += _NUMBER.findall(result)
    return values


def _carries(answer: str, value: str) -> bool:
    """Whether ``answer`` states ``value``: the same number (as written or rounded the way the
    answer writes it), the same time of day or the same date word."""
    text = answer.lower()
    time = _TIME.fullmatch(value)
    if time:
        return any(int(h) == int(time[1]) and m == time[2] for h, m in _TIME.findall(text))
    if not re.search(r"\d", value):
        return value in _words(text)
    try:
        wanted = float(value.replace(",", ""))
    except ValueError:
        return False
    for raw in _NUMBER.findall(text):
        shown = float(raw.replace(",", ""))
        places = _decimals(raw.replace(",", ""))
        if shown == wanted or (places < 15 and math.isclose(round(wanted, places), shown)):
            return True
    return False


def _restates(question: str, answer: str) -> bool:
    """The answer says the question back: every content word is the question's own, and it
    covers most of the question's."""
    asked = {w for w in _words(question) if w not in _FILLER}
    said = {w for w in _words(answer) if w not in _FILLER}
    if not said or not asked or _YES_NO.match(question.lower()):
        return False
    return said <= asked and len(said) * 2 >= len(asked)


def _dangles(text: str) -> bool:
    """The answer stops where its content should be: "… is", "… the following expression:"."""
    stripped = text.rstrip(" \t\n.!;,)*_`\"'")
    if stripped.endswith(":"):
        return True
    words = _words(stripped)
    return bool(words) and words[-1] in _DANGLING


def check_answer(question: str, answer: str, tools: Sequence[ToolOutput] = ()) -> str | None:
    """None when ``answer`` answers ``question``; otherwise why it does not."""
    if not answer.strip():
        return "the answer is empty"
    text = without_markers(answer)
    if not re.search(r"[^\W_]", text):
        return f"the answer is only a citation marker ({answer.strip()[:40]}) with no content"
    if _dangles(text):
        return "the answer stops where its result should be ('… is [1]' or '… :')"
    values = [(o.tool, key_values(o.result)) for o in tools if is_value(o.result)]
    values = [(tool, vals) for tool, vals in values if vals]
    carried = any(_carries(text, v) for _, vals in values for v in vals)
    if _restates(question, text):
        return "the answer only restates the question"
    if _METHOD.search(text.lower()) and not carried and not _has_new_number(question, text):
        return "the answer describes how to get the result instead of giving it"
    if _ASKS_NUMBER.search(question.lower()) and not _has_number(text):
        return "the question asks for a number and the answer has none"
    if values and not carried:
        tool, vals = values[-1]
        shown = ", ".join(dict.fromkeys(vals[:4]))
        return f"the answer leaves out the result {tool} returned ({shown})"
    return None


def _has_new_number(question: str, text: str) -> bool:
    """A number in ``text`` that the question does not hold and that is not part of a formula
    ("23/100*4180" is how, "= 961.4" is what)."""
    asked = set(_numbers(question))
    return any(n not in asked for n in _numbers(_FORMULA.sub(" ", text)))
