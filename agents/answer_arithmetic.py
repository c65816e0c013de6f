"""Sums written out in an answer, worked again: "4 days * 45 euros = 170 euros" is caught.

A small model that writes its working ("265 km * €0.30/km = €75.50") often gets the last step
wrong while the method is right. Every such statement in an answer, numbers joined by
+ - * / and their typeset signs (or "% of") and then "=" or "equals" and a result, is
evaluated here with the calculator; a result off by more than its own rounding is reported
with the right value, so the one repair turn can correct it. Units and currency signs next to
the numbers are skipped; anything that does not read as plain arithmetic is left alone.
"""

from __future__ import annotations

import re
from decimal import Decimal

from agents.tools.calculator import evaluate
from agents.tools.registry import ToolError

_SIGN = r"[$€£¥]"
_NUMBER = rf"(?:{_SIGN}\s?)?\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|(?:{_SIGN}\s?)?\d+(?:\.\d+)?"
# Up to two words of unit after a number: "km", "euros per day", "€/km", "people".
_UNIT = r"(?:\s*(?:%|/\s?[A-Za-z€$£]+|(?!x\b|of\b|equals\b|is\b)[A-Za-z€$£]+)){0,2}"
_OPERATOR = r"\s*(?:[+*/^\u00d7\u00f7\u2212\u22c5\u00b7]|-(?!\d{2}\b)|\bx\b|\bof\b)\s*"
_TERM = rf"\(?\s*(?:{_NUMBER}){_UNIT}\s*\)?"
_STATEMENT = re.compile(
    rf"(?<![\w.,:/-])(?P<left>{_TERM}(?:{_OPERATOR}{_TERM})+)\s*(?:=|\bequals\b)\s*"
    rf"(?P<right>-?(?:{_NUMBER}))(?P<percent>\s*%)?",
    re.IGNORECASE,
)
_OPERATORS = {
    "\u00d7": "*",
    "x": "*",
    "X": "*",
    "\u00f7": "/",
    "\u2212": "-",
    "\u22c5": "*",
    "\u00b7": "*",
    "^": "**",
}


def _expression(left: str) -> str | None:
    """``left`` as a calculator expression: numbers and operators, units dropped; None when
    it cannot be read one way only ("1,275 + 8%": plus 8 % of what?)."""
    if re.search(r"%(?!\s*of\b)", left, re.I):
        return None
    left = re.sub(r"/\s?[A-Za-z€$£]+", " ", left)  # "€/km", "euros/day": a unit, not a division
    tokens = re.findall(
        rf"{_NUMBER}%?|\bof\b|[-+*/^()\u00d7\u00f7\u2212\u22c5\u00b7]|\bx\b", left, re.I
    )
    parts = []
    for token in tokens:
        if token.lower() == "of":
            parts.append("*")
        elif token in _OPERATORS:
            parts.append(_OPERATORS[token])
        elif token in "+-*/()":
            parts.append(token)
        else:
            digits = re.sub(rf"{_SIGN}|\s|,", "", token)
            parts.append(f"({digits[:-1]}/100)" if digits.endswith("%") else digits)
    text = " ".join(parts)
    return text if text.count("(") == text.count(")") else None


def _close_enough(value: Decimal, shown: str) -> bool:
    """Whether ``shown`` is ``value`` as rounded to the digits it shows (or within 0.5 %)."""
    stated = Decimal(shown)
    places = len(shown.partition(".")[2])
    if abs(value - stated) <= Decimal(5) / Decimal(10) ** (places + 1):
        return True
    return abs(value - stated) <= abs(value) * Decimal("0.005")


def _plain(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.0001')).normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def wrong_sums(answer: str) -> list[str]:
    """Each statement of ``answer`` whose result is wrong, with the right one."""
    found = []
    for match in _STATEMENT.finditer(answer):
        expression = _expression(match.group("left"))
        if expression is None:
            continue
        try:
            value = Decimal(str(evaluate(expression)))
        except (ToolError, ArithmeticError, ValueError, TypeError):
            continue
        right = re.sub(rf"{_SIGN}|\s|,", "", match.group("right"))
        # "= 12.5%" follows a fraction or a fraction times 100, as people write it.
        scaled = [value, value * 100] if match.group("percent") else [value]
        if not any(_close_enough(v, right) for v in scaled):
            value = scaled[-1]
            said = " ".join(match.group(0).split())
            found.append(f"'{said}' is wrong: it comes to {_plain(value)}")
    return found


def arithmetic_error(answer: str) -> str | None:
    """Why the answer's own arithmetic is wrong, or None."""
    wrong = wrong_sums(answer)
    if not wrong:
        return None
    return "the answer's arithmetic is wrong: " + "; ".join(wrong[:3])
