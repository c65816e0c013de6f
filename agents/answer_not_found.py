"""An answer that says the documents hold nothing on the question, when what the run read does.

A small model given passages (or a search result) that answer the question will now and then
reply "No revenue information found." and the run would end *completed* with no answer in it.
When a passage the run read speaks of most of what the question asks about, such a reply is
sent back once; if the model says it again, the run ends *no answer*.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.answer_values import NUMBER, has_number, value_of, word_set
from agents.intents import NAMED_FILE

# "No revenue information found", "The documents do not mention …", "I couldn't find …",
# "No owner found.".
_NOTHING = re.compile(
    r"\b(?:no|not any)\b[^.!?\n]{0,60}\b(?:information|mention|data|details?|records?|figures?|"
    r"passages?)\b[^.!?\n]{0,40}\b(?:found|available|given|provided|mentioned|about|on|for)\b|"
    r"\b(?:could ?n[o']t|can ?n[o']t|can not|did ?n[o']t|was unable to|were unable to|unable to)"
    r"\s+(?:find|locate|see)\b|"
    r"\b(?:is|are|was|were)\s+not\s+(?:mentioned|stated|given|provided|specified|available|"
    r"found|listed|included)\b|"
    r"\bdo(?:es)?\s*n[o']t\s+(?:contain|include|mention|say|state|provide|specify|give|list|"
    r"exist|have)\b|\bdoesn't exist\b|\bno such\b|"
    # What code prints when its search matched nothing: "No owner found.", "None found".
    r"\bno\s+(?:[\w'-]+\s+){0,4}?(?:(?:was|were|is|are|could be)\s+)?(?:found|listed|mentioned)\b|"
    r"\b(?:none|not) found\b",
    re.IGNORECASE,
)
# "I cannot answer this question based on the given information.", "It is not possible to
# determine …", "I don't have enough information": the answer says it is not an answer, at any
# length (a model that gives up may say so at length, quoting the question and its plan).
_CANNOT = re.compile(
    r"\b(?:i|we)(?:\s+(?:cannot|can ?n[o']t|can not|am unable to|are unable to|am not able to|"
    r"are not able to)|'m unable to|'m not able to|'re unable to)\s+(?:answer|determine|tell|say|"
    r"provide|give|find out|know|work out)\b|"
    r"\b(?:i|we)(?:\s+do ?n[o']t|\s+do not)\s+have\s+(?:enough|sufficient|the|any)\s+"
    r"(?:information|data|details)\b|"
    r"\b(?:cannot|can ?n[o']t|can not)\s+be\s+(?:answered|determined|worked out)\b|"
    r"\bnot possible to\s+(?:answer|determine|tell|say|work out)\b|"
    r"\b(?:not enough|insufficient)\s+information\b",
    re.IGNORECASE,
)
# An answer longer than this says more than "not found"; it is left to the other checks.
SHORT_ANSWER = 300
# ... unless it says it cannot answer: then only an answer this long is left alone.
LONG_ANSWER = 1500
# Words too common to tell what a question is about.
_COMMON = word_set(
    "what which when where whose does have with from that this their there about many much "
    "would could should will your mine into than then them they were been being after before "
    "most least more less nearest according document documents file files policy tell give "
    "know find please total each every per workspace folder"
)
# Two words are the same word when their first letters agree ("employee", "employs").
STEM = 5


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z]{4,}", text.lower())
    return {word[:STEM] for word in words if word not in _COMMON}


def says_nothing_found(answer: str, question: str = "") -> bool:
    """Whether ``answer`` is, in short, "the documents hold nothing on it", or says at any
    length that it cannot answer (numbers it takes from the question, "no revenue figure for
    2025", do not count as found)."""
    text = " ".join(answer.split())
    asked = set(NUMBER.findall(question))
    rest = NUMBER.sub(lambda m: " " if m[0] in asked else m[0], text)
    if has_number(rest):
        return False
    if len(text) <= SHORT_ANSWER and _NOTHING.search(text):
        return True
    return len(text) <= LONG_ANSWER and bool(_CANNOT.search(text))


def says_zero(answer: str, question: str = "") -> bool:
    """Whether ``answer`` is, in short, a count or amount of 0 ("0", "They employ 0 people
    together."): what code prints when its parsing of a text matched nothing."""
    text = " ".join(answer.split())
    asked = {value_of(raw) for raw in NUMBER.findall(question)}
    figures = [value_of(raw) for raw in NUMBER.findall(text) if value_of(raw) not in asked]
    return len(text) <= SHORT_ANSWER and bool(figures) and all(f == 0 for f in figures)


def speaks_of(question: str, read: str) -> bool:
    """Whether ``read`` speaks of most of what ``question`` asks about (at least two words);
    a file the question names is where to look, not what it asks about."""
    asked = _stems(NAMED_FILE.pattern.sub(" ", question))
    if len(asked) < 2:
        return False
    held = asked & _stems(read)
    return len(held) >= 2 and len(held) * 2 >= len(asked)


def denies_what_was_read(question: str, answer: str, read: Sequence[str]) -> str | None:
    """Why an answer saying nothing was found is refused, or None: a passage or search result
    the run read speaks of what the question asks."""
    zero = says_zero(answer, question)
    if not (zero or says_nothing_found(answer, question)):
        return None
    if not any(speaks_of(question, text) for text in read):
        return None
    said = "gives 0" if zero else "says nothing was found"
    return (
        f"the answer {said}, but the passages and search results given to you speak of it: "
        "read them again and answer from them"
    )
