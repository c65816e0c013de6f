"""What a calculator step may cost, checked before the step runs: a power's digits, a
factorial's size, rounding digits, a product's size and how deeply an expression nests.

Python computes big integers exactly and without pause, holding the GIL: ``round(5, -10**8)``
builds a 100-million-digit number and freezes every thread of the app, so each such step is
refused up front with a message instead.
"""

from __future__ import annotations

import ast
import math

from agents.tools.registry import ToolError

Number = int | float

MAX_TEXT_CHARS = 1000
MAX_EXPRESSION_CHARS = 500
MAX_EXPONENT = 10_000
# Integers may grow to this many digits; beyond that a result is of no use to anyone.
MAX_DIGITS = 1000
MAX_BITS = int(MAX_DIGITS * math.log2(10)) + 1
MAX_ROUND_DIGITS = 100
MAX_DEPTH = 60
# The walk's backstop; each step is bounded to microseconds, so the cap is never near.
TIME_LIMIT_SECONDS = 0.5


class CalculatorError(ToolError):
    """The expression cannot be calculated; the message says why in plain words."""


def checked(value: Number) -> Number:
    """``value``, unless it is infinite, not a number or an integer of over MAX_DIGITS digits."""
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculatorError("the result is too large (or not a number)")
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise CalculatorError(f"the result would have more than {MAX_DIGITS} digits")
    return value


def power(base: Number, exponent: Number) -> Number:
    """``base ** exponent``, refused when the exponent or the result's digits are too many."""
    if abs(exponent) > MAX_EXPONENT:
        raise CalculatorError(f"the exponent {exponent} is too large (at most {MAX_EXPONENT})")
    # How many digits an integer power would have is known before computing it.
    whole = isinstance(base, int) and isinstance(exponent, int) and exponent > 0
    if whole and abs(base) > 1 and exponent * math.log10(abs(base)) > MAX_DIGITS:
        raise CalculatorError(f"the result would have more than {MAX_DIGITS} digits")
    result = base**exponent
    if isinstance(result, complex):
        raise CalculatorError("a negative number to a fractional power is not a real number")
    return result


def _whole(value: Number, what: str) -> int:
    if isinstance(value, float):
        if not value.is_integer():
            raise CalculatorError(f"{what} must be a whole number")
        return int(value)
    return value


def round_to(value: Number, ndigits: Number | None = None) -> Number:
    """``round(value, ndigits)`` with at most MAX_ROUND_DIGITS digits either side of the point."""
    if ndigits is None:
        return round(value)
    if isinstance(ndigits, float):
        raise CalculatorError("round: the number of digits must be a whole number")
    if abs(ndigits) > MAX_ROUND_DIGITS:
        raise CalculatorError(
            f"round: the number of digits must be between -{MAX_ROUND_DIGITS} and "
            f"{MAX_ROUND_DIGITS} (got {ndigits})"
        )
    return round(value, ndigits)


def factorial(value: Number) -> int:
    """``value!``, refused when the result would have more than MAX_DIGITS digits."""
    n = _whole(value, "a factorial's number")
    if n < 0:
        raise CalculatorError("a factorial's number cannot be negative")
    if math.lgamma(n + 1) / math.log(10) > MAX_DIGITS:
        raise CalculatorError(f"{n}! would have more than {MAX_DIGITS} digits")
    return math.factorial(n)


def gcd(*values: Number) -> int:
    """The greatest common divisor of whole numbers (fast for any size the parser lets in)."""
    return math.gcd(*(_whole(value, "gcd's numbers") for value in values))


def lcm(*values: Number) -> int:
    """The least common multiple, refused when it could have more than MAX_DIGITS digits."""
    whole = [_whole(value, "lcm's numbers") for value in values]
    if sum(abs(n).bit_length() for n in whole) > MAX_BITS + len(whole):
        raise CalculatorError(f"the result would have more than {MAX_DIGITS} digits")
    return math.lcm(*whole)


def depth(node: ast.AST) -> int:
    """How deeply ``node`` nests, counted without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(current))
    return deepest
