"""A result the answer check works out from the question itself, and whether an answer gives
it: the figure as written, with thousands separators, or rounded to the places the answer
shows; for a percentage, the figure marked % ("12.5 %", "12.5 percent", "-25%").
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import NamedTuple

from agents.answer_values import NUMBER


class Worked(NamedTuple):
    """A result worked out from the question: what it is, its value, and whether it is a
    percentage (then the answer's figure marked % is what counts, with or without a sign)."""

    what: str
    value: Fraction
    percent: bool = False


# A figure the way LaTeX writes it: "9{,}455", "9\,455".
_LATEX_THOUSANDS = re.compile(r"(\d)(?:\{,\}|\\,|\\ )(?=\d{3}\b)")


def _rounds_to(value: Fraction, raw: str) -> bool:
    """Whether ``raw`` is ``value`` rounded to the places it shows (halves away from zero)."""
    shown, half = Fraction(raw), Fraction(1, 2 * 10 ** len(raw.partition(".")[2]))
    off = abs(shown - value)
    return off < half or (off == half and abs(shown) > abs(value))


def gives(answer: str, worked: Worked) -> bool:
    """Whether the answer states the result: a figure equal to it as rounded to the places
    the figure shows; for a percentage, with or without a sign, and marked % if the answer
    marks any figure so."""
    figures = []
    answer = _LATEX_THOUSANDS.sub(r"\1,", answer)
    for match in NUMBER.finditer(answer):
        marked = bool(re.match(r"\s*(?:\\?%|percent\b|per cent\b)", answer[match.end() :], re.I))
        figures.append((match.group(0).replace(",", ""), marked))
    if worked.percent and any(marked for _, marked in figures):
        figures = [f for f in figures if f[1]]
    if worked.percent:
        return any(_rounds_to(abs(worked.value), raw.lstrip("-")) for raw, _ in figures)
    return any(_rounds_to(worked.value, raw) for raw, _ in figures)


def shown(worked: Worked) -> str:
    """The result as the reason gives it: exact when whole, else to a few places."""
    value = worked.value
    if value.denominator == 1:
        text = str(value.numerator)
    else:
        places = max(2, 3 - len(str(abs(value.numerator) // value.denominator)))
        text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
        text = text if Fraction(text) == value else f"about {text}"
    return f"{text}%" if worked.percent else text
