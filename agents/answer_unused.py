"""An answer that copies a figure it looked up where the question asked for a sum with it.

Asked "how much meal allowance does a 3-day trip get in total?", a small model finds "38 euros
per day" and answers "38 euros": a figure that was read, so the evidence check lets it pass,
yet the question's own figure (3 days) was never used. When the question gives a figure the
run did not read, asks for an amount, and every figure of the answer is one it read as it
was, the answer is sent back asking for the sum.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from agents.answer_values import DATE, NUMBER, value_of

# A question asking for an amount worked out from what is looked up.
_ASKS_AMOUNT = re.compile(
    r"\bhow (?:much|many)\b|\b(?:cost|costs|price|total|altogether|together|combined|"
    r"reimbursed|paid|pay|owe|worth|allowance)\b",
    re.IGNORECASE,
)
# Years are names of a time, not figures to compute with.
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _was_read(raw: str, read: Sequence[float]) -> bool:
    return any(math.isclose(value_of(raw), seen) for seen in read)


def question_figures(question: str, read: Sequence[float]) -> list[str]:
    """The figures of the question that are not years, not 1 and not among ``read``."""
    text = DATE.sub(" ", question)
    return [
        raw
        for raw in NUMBER.findall(text)
        if not _YEAR.match(raw) and value_of(raw) != 1 and not _was_read(raw, read)
    ]


def copied_only(answer: str, read: Sequence[float], own: Sequence[str] = ()) -> list[str]:
    """The answer's figures when every one is a figure that was read as it was; else []. The
    question's ``own`` figures said back ("for a 6-day trip is 38 euros") do not count."""
    said_back = {value_of(raw) for raw in own}
    figures = [raw for raw in NUMBER.findall(answer) if value_of(raw) not in said_back]
    if not figures:
        return []
    return figures if all(_was_read(raw, read) for raw in figures) else []


def unused_figure(question: str, answer: str, read: Sequence[float]) -> str | None:
    """Why the answer is refused, or None: the question's own figure is left out of an amount
    the answer copies from what was read."""
    if not _ASKS_AMOUNT.search(question):
        return None
    own = question_figures(question, read)
    if not own:
        return None
    copied = copied_only(answer, read, own)
    if not copied:
        return None
    return (
        f"the answer gives {copied[0]} as it was found, but the question's {own[0]} is not used: "
        f"work the amount out from both and write the sum that gives it"
    )


def from_question_only(question: str, answer: str, factors: Sequence[float]) -> str | None:
    """Why the answer is refused, or None: every figure it gives comes from the question
    alone (its numbers, or a percentage's ``factors``: 15% off is 0.85), for a sum that needs
    a figure looked up ("the Fenwick R7 with 15% off" answered "0.85")."""
    figures = NUMBER.findall(DATE.sub(" ", answer))
    given = [value_of(raw) for raw in NUMBER.findall(question)] + list(factors)
    if not figures or not all(any(_same(raw, g) for g in given) for raw in figures):
        return None
    return (
        f"the answer gives {figures[0]}, worked from the question alone: apply it to the "
        "figure the documents or files give and write the sum"
    )


def _same(raw: str, figure: float) -> bool:
    return math.isclose(value_of(raw), figure, rel_tol=1e-9) or math.isclose(
        value_of(raw), figure * 100, rel_tol=1e-9
    )
