"""Sums written out in an answer, worked again: "4 days * 45 euros = 170 euros" is caught.

A small model that writes its working ("265 km * €0.30/km = €75.50") often gets a step wrong
while the method is right. Every chain of equal signs in an answer whose sides are arithmetic
(numbers joined by + - * / ^ and their typeset signs, or "% of"), in plain text or LaTeX, is
evaluated here with the calculator, one equal sign at a time: a side that is a plain number
and is off by more than its own rounding, or an expression that does not come to the same
value as the side before it, is reported with the right value, so the one repair turn can
correct it. Units and currency signs next to the numbers are skipped; anything that does not
read as plain arithmetic (a date, a range, a division with a remainder) is left alone.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from agents.tools.calculator import evaluate
from agents.tools.registry import ToolError

_SIGN = r"[$€£¥]"
_NUMBER = rf"(?:{_SIGN}[ \t]?)?-?\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|(?:{_SIGN}[ \t]?)?-?\d+(?:\.\d+)?"
# Up to two words of unit after a number: "km", "euros per day", "€/km", "people".
_UNIT = r"(?:[ \t]*(?:%|/[ \t]?[A-Za-z€$£]+|(?!x\b|of\b|equals\b|is\b)[A-Za-z€$£]+)){0,2}"
_OPERATOR = r"[ \t]*(?:[+*/^\u00d7\u00f7\u2212\u22c5\u00b7]|-(?!\d{2}\b)|\bx\b|\bof\b)[ \t]*"
_TERM = rf"[( \t]*(?:{_NUMBER}){_UNIT}[) \t]*"
_SIDE = rf"{_TERM}(?:{_OPERATOR}{_TERM})*"
# "≈" claims the value rounded as written: checked the same way as "=".
_EQUALS = r"[ \t]*(?:=|\u2248|\bequals\b)[ \t]*"
_CHAIN = re.compile(rf"(?<![\w.,:/-])({_SIDE})((?:{_EQUALS}{_SIDE})+)", re.IGNORECASE)
_SPLIT = re.compile(_EQUALS, re.IGNORECASE)
_HAS_OPERATOR = re.compile(rf"\d[^=]*?{_OPERATOR}[^=]*\d", re.IGNORECASE)
# "1071 ÷ 462 = 2 remainder 147" is a quotient, not a wrong division.
_REMAINDER = re.compile(r"^[ \t,]*(?:remainder|rem\b|r\b|with a remainder|and a remainder)", re.I)
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
_LATEX = [
    (re.compile(r"\\(?:d|t)?frac\{([^{}]*)\}\{([^{}]*)\}"), r"(\1)/(\2)"),
    (re.compile(r"\\(?:text|mathrm|textbf|mathbf|operatorname)\{[^{}]*\}"), " "),
    (re.compile(r"\\boxed\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\^\{([^{}]*)\}"), r"^(\1)"),
    (re.compile(r"\\(?:times|cdot|ast)\b"), "\u00d7"),
    (re.compile(r"\\div\b"), "\u00f7"),
    (re.compile(r"\\(?:approx|sim|simeq)\b"), "\u2248"),
    (re.compile(r"\\(?:left|right)\b"), ""),
    (re.compile(r"\\[\[\]()]"), "\n"),
    (re.compile(r"\\[,;:! ]|\\quad\b|\\qquad\b"), " "),
    (re.compile(r"\\\$"), "$"),
]


def plain_math(text: str) -> str:
    """``text`` with the LaTeX small models write ("\\frac{a}{b}", "\\times", "\\text{km}")
    turned into plain arithmetic; display maths on a line of its own."""
    for _ in range(3):  # nested fractions, from the inside out
        for pattern, replacement in _LATEX:
            text = pattern.sub(replacement, text)
    return text.replace("{", "").replace("}", "")


def _expression(side: str) -> str | None:
    """``side`` as a calculator expression: numbers and operators, units dropped; None when
    it cannot be read one way only ("1,275 + 8%": plus 8 % of what?)."""
    if re.search(r"%(?![ \t]*of\b)", side, re.I) and _HAS_OPERATOR.search(side):
        return None
    side = re.sub(r"/[ \t]?[A-Za-z€$£]+", " ", side)  # "€/km", "euros/day": a unit
    pattern = rf"{_NUMBER}%?|\bof\b|[-+*/^()\u00d7\u00f7\u2212\u22c5\u00b7]|\bx\b"
    parts = []
    for token in re.findall(pattern, side, re.I):
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
    return text if text and text.count("(") == text.count(")") else None


def _value(side: str) -> Decimal | None:
    expression = _expression(side)
    if expression is None:
        return None
    try:
        return Decimal(str(evaluate(expression)))
    except (ToolError, ArithmeticError, ValueError, TypeError):
        return None


def _shown_number(side: str) -> str | None:
    """The number a side states and nothing else ("€75.50", "12.5 %"), without signs."""
    match = re.fullmatch(rf"[( \t]*({_NUMBER}){_UNIT}[) \t]*", side, re.I)
    return re.sub(rf"{_SIGN}|\s|,", "", match.group(1)) if match else None


def _close_enough(value: Decimal, shown: str) -> bool:
    """Whether ``shown`` is ``value`` as rounded to the digits it shows (or within 0.5 %)."""
    stated = Decimal(shown)
    places = len(shown.partition(".")[2])
    if abs(value - stated) <= Decimal(5) / Decimal(10) ** (places + 1):
        return True
    return abs(value - stated) <= abs(value) * Decimal("0.005")


def _agree(value: Decimal, side: str) -> bool | None:
    """Whether ``side`` states ``value``; None when it cannot be read."""
    shown = _shown_number(side)
    if shown is not None:
        # "= 12.5%" follows a fraction or a fraction times 100, as people write it.
        scaled = [value, value * 100] if "%" in side else [value]
        return any(_close_enough(v, shown) for v in scaled)
    other = _value(side)
    if other is None:
        return None
    return abs(value - other) <= max(abs(value), Decimal(1)) * Decimal("0.001")


def _plain(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.0001')).normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def sums_written(text: str) -> list[str]:
    """The chains of equal signs in ``text`` (plain, not LaTeX) that hold arithmetic."""
    return [m.group(0) for m in _CHAIN.finditer(text) if _HAS_OPERATOR.search(m.group(0))]


def wrong_sums(answer: str) -> list[str]:
    """Each step of the answer's written sums that is wrong, with the right value."""
    text = plain_math(answer)
    found = []
    for match in _CHAIN.finditer(text):
        if not _HAS_OPERATOR.search(match.group(0)):
            continue
        sides = [match.group(1), *_SPLIT.split(match.group(2))[1:]]
        if _REMAINDER.match(text[match.end() :]):
            sides = sides[:-1]
        for left, right in itertools.pairwise(sides):
            # A bare number on the left is a label or a restatement ("i^2 = …", "462 = 147 * 3"),
            # not a computation to check.
            if not _HAS_OPERATOR.search(left):
                continue
            value = _value(left)
            if value is None or (_expression(right) is None and _shown_number(right) is None):
                continue
            if _agree(value, right) is False:
                said = " ".join(f"{left.strip()} = {right.strip()}".split())
                percent = "%" in right and _shown_number(right) is not None
                right_value = _plain(value * 100) + " %" if percent else _plain(value)
                found.append(f"'{said}' is wrong: it comes to {right_value}")
    return found


def arithmetic_error(answer: str) -> str | None:
    """Why the answer's own arithmetic is wrong, or None."""
    wrong = wrong_sums(answer)
    if not wrong:
        return None
    return "the answer's arithmetic is wrong: " + "; ".join(wrong[:3])
