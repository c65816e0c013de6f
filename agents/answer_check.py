"""Is this an answer? A check of the final text before a run may end *completed*.

Small models often end a run with something that looks like an answer and is not one: a bare
citation marker ("[1]"), a sentence that stops where the result should be ("The time is [1]."),
the question said back, or how to get the result instead of the result. A tool may even have
returned the value and the answer left it out. ``check_answer`` is a pure function of the
question, the answer and the tool results seen in the run; it returns None when the answer
passes, else the reason in words a user can read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.answer_arithmetic import arithmetic_error
from agents.answer_plans import asks_how, only_plans
from agents.answer_tool_talk import ToolOutput, tool_talk
from agents.answer_values import (
    DATE,
    carries,
    has_number,
    is_value,
    key_values,
    numbers,
    own_values,
    single_number,
    word_set,
)
from agents.date_phrases import WEEKDAY

# Citation markers: "[1]", "[12]", "[2-4]", and the full-width brackets some models write.
# A list of several numbers ("[2, 3, 5, 7]") is data, not a citation, and stays.
_MARKER = re.compile(r"\[\s*\d{1,2}\s*(?:[-\u2013]\s*\d{1,2}\s*)?\]|\u3010[^\u3011]{0,40}\u3011")
# Content words, case kept: "Hello World" is no restatement of "capitalize hello world".
_CONTENT = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\u201c[^\u201d]*\u201d|\u2018[^\u2019]*\u2019")
# Words that carry no content of their own when judging whether the question was said back.
_FILLER = word_set(
    "the a an is are was were be been of to in on at for by with and or it its this that "
    "what which who whom how when where why do does did can could would will shall should "
    "please tell me you your i we us our let lets here there so as answer result question "
    "asked asking value following calculate calculating compute computing find finding "
    "determine need needs use using get give"
)
# "… is" stops where its content should be, unless a pronoun is what is ("as it is").
_LINKING = word_set("is are was were equals")
_PRONOUNS = word_set("it that this what there here which who so")
_ARTICLES = word_set("the a an")
_METHOD = re.compile(
    r"\b((?:you|we|one) (?:can|could|should|would|may|might|need to|have to|will need to) use|"
    r"can be calculated|use the following|"
    r"the following (expression|formula|calculation|command|tool)|"
    r"(i will|i'll|let me|i am going to|i'm going to) (use|call|check|calculate|look)|"
    r"(by )?(calling|using) the \w+ (tool|function))\b"
)
_ASKS_NUMBER = re.compile(
    r"\b(how (many|much|long|old|far|big)|what percent(age)?|calculate|compute|"
    r"(sum|total|average|product|difference) of|number of|square root|sqrt)\b|"
    r"\d\s*(%|percent)\s*of\b|\d\s*[-+*/x\u00d7\u00f7^]\s*\(?\s*\d|\bwhat(?:'s| is) -?\d"
)
# A question that asks yes or no may be answered in its own words ("It is raining.").
_YES_NO = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|am)\b"
)
# A blank left to fill in ("[insert current date]", "<your name>", "{result}") is no answer;
# a markdown link's text ("[the report](...)") is not a blank.
_BLANK = re.compile(
    r"[\[<{]\s*(?:insert|enter|fill in|add|your|current|today'?s|the current|the actual|"
    r"placeholder|date|time|number|result|answer|value|name)\b[^\]>}\n]{0,40}[\]>}](?!\()",
    re.IGNORECASE,
)
# Code in an answer ("f'Hi {name}'") holds braces that are no blank to fill in.
_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.DOTALL)
_FORMULA = re.compile(r"[\d.,]+(?:\s*[-+*/\u00d7\u00f7^]+\s*\(?[\d.,]+\)?)+")
# What a question asks for that a number alone does not give: a weekday, a time, a date.
_ASKS_WEEKDAY = re.compile(
    r"\bday of the week\b|\bweekday\b|\bwhat day (?:is|was|will)\b|"
    r"\bwhich day (?:is|was|will|did|does)\b"
)
_ASKS_TIME = re.compile(r"\bwhat time\b|\btime is it\b|\b(?:current|local) time\b")
_ASKS_DATE = re.compile(
    r"\b(?:what|which)(?:'s| is| was| will be)? (?:the |today's |tomorrow's )?date\b|"
    r"\bwhat date\b|\btoday's date\b|\bcurrent date\b"
)
_WEEKDAY = re.compile(rf"\b{WEEKDAY}\b")
_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2}|\s*(?:am|pm|a\.m\.|p\.m\.|o'clock))|\b(?:noon|midnight)\b")
_A_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
)
# Share of the question's content words an answer must repeat, in order, to restate it.
RESTATED_SHARE = 0.6


def without_markers(text: str) -> str:
    """``text`` with citation markers taken out."""
    return _MARKER.sub(" ", text)


def _content(text: str) -> list[str]:
    """Content words, case kept except a sentence's capital on the first one."""
    found = [w for w in _CONTENT.findall(text) if w.lower() not in _FILLER]
    return [found[0].lower(), *found[1:]] if found and found[0].istitle() else found


def _in_order(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(word in remaining for word in part)


def _restates(question: str, answer: str) -> bool:
    """The answer says the question back: its content words are the question's own, in the
    question's order, and cover most of them. Quoted text in the question is the material of
    a text task ("trim '  hi  '"), so an answer may repeat it."""
    if _YES_NO.match(question.lower()):
        return False
    asked, said = _content(_QUOTED.sub(" ", question)), _content(answer)
    # One content word is too little to tell ("How should I take it?" "Take it as it is."),
    # unless the answer is itself the question.
    if not said or not asked or (len(asked) < 2 and not answer.rstrip().endswith("?")):
        return False
    return _in_order(said, asked) and len(said) >= RESTATED_SHARE * len(asked)


def _dangles(text: str) -> bool:
    """The answer stops where its content should be: "… is", "… the following expression:"."""
    stripped = text.rstrip(" \t\n.!;,)*_`\"'")
    if stripped.endswith(":"):
        return True
    tail = [w.lower() for w in _CONTENT.findall(stripped)[-2:]]
    if not tail or tail[-1] in _ARTICLES:
        return bool(tail)
    return tail[-1] in _LINKING and (len(tail) < 2 or tail[0] not in _PRONOUNS)


def _describes_method(question: str, text: str) -> bool:
    """How to get a number that was asked for ("you can use the calculator with 23/100*4180"),
    with no result: numbers in a formula are how, a number after "=" or in a sentence is what.
    Only for numbers: in prose ("this is found in passage 2") the words say nothing."""
    if not _asks_number(question) or not _METHOD.search(text.lower()):
        return False
    asked = set(numbers(question))
    return all(n in asked for n in numbers(_FORMULA.sub(" ", text)))


def _asks_number(question: str) -> bool:
    """A number is asked for, unless the question asks how to get it ("How can I find the
    total of a column?" is answered by a method)."""
    if asks_how(question):
        return False
    return bool(_ASKS_NUMBER.search(DATE.sub(" ", question.lower())))


def _dropped_value(question: str, text: str, tools: Sequence[ToolOutput]) -> str | None:
    """Why the answer does not carry what a tool returned, or None.

    Any value of any tool will do; an answer with values of its own passes too (the clock was a
    step towards "Thursday"), unless a number was asked for and the last value was a single
    number, like the calculator's: then that number must be there.
    """
    values = [(o.tool, o.result, key_values(o.result)) for o in tools if is_value(o.result)]
    values = [value for value in values if value[2]]
    if not values or any(carries(text, v) for _, _, vals in values for v in vals):
        return None
    tool, result, vals = values[-1]
    shown = ", ".join(dict.fromkeys(vals[:4]))
    if not own_values(question, text):
        return f"the answer leaves out the result {tool} returned ({shown})"
    if _asks_number(question) and single_number(result):
        return f"the answer does not give the number {tool} returned ({result.strip()})"
    return None


_CALENDAR_DAYS = re.compile(r"\bis (\d+) days?\b")
_CALENDAR_DAY = re.compile(
    r"\b(?:is|was|will be)(?: a)? ((?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
    r"(?: (\d{1,2}) [a-z]+ (\d{4}))?",
    re.IGNORECASE,
)


def _against_calendar(text: str, tools: Sequence[ToolOutput]) -> str | None:
    """The calendar worked the date out; an answer must agree with it: the count of days, or
    the resulting day (its weekday, or its day and year)."""
    result = next((o.result for o in reversed(tools) if o.tool == "calendar"), None)
    if result is None:
        return None
    first = result.split(". ")[0].strip().rstrip(".")
    count = _CALENDAR_DAYS.search(first)
    if count:
        agrees = carries(text, count.group(1))
    else:
        found = list(_CALENDAR_DAY.finditer(first))
        if not found:
            return None
        weekday, day, year = found[-1].groups()
        agrees = carries(text, weekday.lower()) or bool(
            day and carries(text, day) and carries(text, year)
        )
    return None if agrees else f"the answer does not agree with the calendar ({first})"


def _missing_kind(question: str, text: str) -> str | None:
    """The question asks for a weekday, a time or a date and the answer holds none."""
    asked, said = question.lower(), text.lower()
    if _ASKS_WEEKDAY.search(asked) and not _WEEKDAY.search(said):
        return "the question asks for a day of the week and the answer names none"
    if _ASKS_TIME.search(asked) and not _CLOCK.search(said):
        return "the question asks for a time and the answer gives none"
    if _ASKS_DATE.search(asked) and not _A_DATE.search(said):
        return "the question asks for a date and the answer gives none"
    return None


def check_answer(question: str, answer: str, tools: Sequence[ToolOutput] = ()) -> str | None:
    """None when ``answer`` answers ``question``; otherwise why it does not."""
    if not answer.strip():
        return "the answer is empty"
    text = without_markers(answer)
    if not re.search(r"[^\W_]", text):
        return f"the answer is only a citation marker ({answer.strip()[:40]}) with no content"
    if _dangles(text):
        return "the answer stops where its result should be ('… is [1]' or '… :')"
    if blank := _BLANK.search(_CODE.sub(" ", text)):
        return f"the answer leaves a blank to fill in ({blank.group(0)}) instead of the value"
    if about_tools := tool_talk(question, answer, text, tools):
        return about_tools
    if _restates(question, text):
        return "the answer only restates the question"
    if _describes_method(question, text):
        return "the answer describes how to get the result instead of giving it"
    if only_plans(question, text):
        return (
            "the answer only says what will be done or what one should do, not the result: "
            "give the result itself"
        )
    if _asks_number(question) and not has_number(text):
        return "the question asks for a number and the answer has none"
    return (
        arithmetic_error(text)
        or _against_calendar(text, tools)
        or _dropped_value(question, text, tools)
        or _missing_kind(question, text)
    )
