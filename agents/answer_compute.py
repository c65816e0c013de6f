"""A sum asked in so many words is worked out again by the calculator, and the answer must
agree.

"What is 12 factorial?" answered "490968000", or "What is 17.5% of 3,260?" answered with a
slip in the last digit, passes every check of form: it is a number, it is not the question.
When the whole question, less its "what is", reads as arithmetic the calculator takes ("12
factorial", "17.5% of 3,260", "sqrt of 2"), its value is known here, and an answer that does
not give it (as written, or rounded as the answer writes it) is sent back with the value.
Anything the calculator does not read whole (a word problem) is left to the other checks.
"""

from __future__ import annotations

import re

from agents.answer_values import carries
from agents.digits_note import without_digits_note
from agents.intents import ARITHMETIC, COMPUTING, intent_of
from agents.number_words import prompt_with_digits
from agents.tools.calculator import evaluate, format_number
from agents.tools.registry import ToolError

_ASKED = re.compile(
    r"^\s*(?:please\s+)?(?:what(?:'s| is)|calculate|compute|evaluate|how much is|work out)\s+"
    r"(?:the value of\s+)?(?P<sum>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def asked_sum(question: str) -> tuple[str, str] | None:
    """(the sum as asked, its value) when the question is arithmetic the calculator reads
    whole; else None."""
    typed = without_digits_note(question)  # the engines' prompt may carry the note
    if intent_of(typed) not in (ARITHMETIC, COMPUTING):
        return None
    found = _ASKED.match(prompt_with_digits(typed))
    if found is None:
        return None
    try:
        value = evaluate(found.group("sum"))
    except ToolError:
        return None
    return found.group("sum"), format_number(value)


def against_computation(question: str, answer: str) -> str | None:
    """Why the answer disagrees with the calculator's value of the question, or None."""
    worked = asked_sum(question)
    if worked is None:
        return None
    asked, value = worked
    if carries(answer, value):
        return None
    return f"the answer does not give the value of {asked}, which is {value}"
