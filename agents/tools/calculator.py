"""Safe arithmetic for the ``calculator`` tool: the expression's syntax tree is walked, never
evaluated, so only numbers, arithmetic and a few named functions can run."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

from agents.tools.registry import ToolError

MAX_EXPRESSION_CHARS = 500
MAX_EXPONENT = 10_000
# Integers may grow to this many digits; beyond that a result is of no use to anyone.
MAX_DIGITS = 1000

Number = int | float

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}


def _round(value: Number, ndigits: Number | None = None) -> Number:
    if ndigits is None:
        return round(value)
    if not isinstance(ndigits, int):
        raise CalculatorError("round: the number of digits must be a whole number")
    return round(value, ndigits)


def _log(value: Number, base: Number | None = None) -> float:
    return math.log(value) if base is None else math.log(value, base)


# name: (function, fewest arguments, most arguments or None for any number)
FUNCTIONS: dict[str, tuple[Callable[..., Number], int, int | None]] = {
    "sqrt": (math.sqrt, 1, 1),
    "abs": (abs, 1, 1),
    "round": (_round, 1, 2),
    "min": (min, 1, None),
    "max": (max, 1, None),
    "log": (_log, 1, 2),
    "log10": (math.log10, 1, 1),
    "exp": (math.exp, 1, 1),
    "sin": (math.sin, 1, 1),
    "cos": (math.cos, 1, 1),
    "tan": (math.tan, 1, 1),
    "floor": (math.floor, 1, 1),
    "ceil": (math.ceil, 1, 1),
}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
    ast.Invert: "~",
    ast.Not: "not",
}


class CalculatorError(ToolError):
    """The expression cannot be calculated; the message says why in plain words."""


def _power(base: Number, exponent: Number) -> Number:
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


def _checked(value: Number) -> Number:
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculatorError("the result is too large (or not a number)")
    if isinstance(value, int) and value.bit_length() > MAX_DIGITS * 3.33:
        raise CalculatorError(f"the result would have more than {MAX_DIGITS} digits")
    return value


def _function(node: ast.Call) -> Number:
    if not isinstance(node.func, ast.Name):
        raise CalculatorError("only functions by name can be called, like sqrt(2)")
    name = node.func.id
    if name not in FUNCTIONS:
        known = ", ".join(FUNCTIONS)
        raise CalculatorError(f"unknown function '{name}'; the functions are: {known}")
    if node.keywords:
        raise CalculatorError(f"{name}: write the arguments without names")
    function, fewest, most = FUNCTIONS[name]
    count = len(node.args)
    if count < fewest or (most is not None and count > most):
        expected = str(fewest) if fewest == most else f"{fewest} or more"
        if most is not None and most != fewest:
            expected = f"{fewest} to {most}"
        raise CalculatorError(f"{name} takes {expected} argument(s), got {count}")
    return function(*(_value(arg) for arg in node.args))


def _value(node: ast.AST) -> Number:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise CalculatorError(f"{node.value!r} is not a number")
        return _checked(node.value)
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow):
            return _checked(_power(left, right))
        binary = _BINARY.get(type(node.op))
        if binary is None:
            symbol = _SYMBOLS.get(type(node.op), type(node.op).__name__)
            hint = " (use ** for powers)" if symbol == "^" else ""
            raise CalculatorError(f"the operator {symbol} is not supported{hint}")
        return _checked(binary(left, right))
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub):
            return -_value(node.operand)
        if isinstance(node.op, ast.UAdd):
            return +_value(node.operand)
        symbol = _SYMBOLS.get(type(node.op), type(node.op).__name__)
        raise CalculatorError(f"the operator {symbol} is not supported")
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise CalculatorError(
            f"unknown name '{node.id}'; only numbers, {', '.join(CONSTANTS)} and functions "
            "are allowed"
        )
    if isinstance(node, ast.Call):
        return _checked(_function(node))
    if isinstance(node, ast.Attribute):
        raise CalculatorError("attributes (a.b) are not allowed")
    if isinstance(node, ast.Tuple):
        raise CalculatorError("write one expression, and numbers without thousands separators")
    raise CalculatorError(
        "only numbers, + - * / // % **, parentheses and the functions are allowed "
        f"(found a {type(node).__name__} expression)"
    )


def evaluate(expression: str) -> Number:
    """The value of an arithmetic ``expression``; CalculatorError when it is not one."""
    text = expression.strip()
    if not text:
        raise CalculatorError("the expression is empty")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise CalculatorError(f"the expression is too long (over {MAX_EXPRESSION_CHARS} chars)")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise CalculatorError(f"'{text}' is not a valid expression ({error.msg})") from None
    try:
        return _value(tree.body)
    except ZeroDivisionError:
        raise CalculatorError("division by zero") from None
    except OverflowError:
        raise CalculatorError("the result is too large") from None
    except RecursionError:
        raise CalculatorError("the expression is nested too deeply") from None
    except (ValueError, TypeError) as error:
        # Math domain errors (sqrt(-1), log(0)) and the like.
        raise CalculatorError(f"cannot calculate that: {error}") from None


def format_number(value: Number) -> str:
    """A result as people write it: whole numbers without '.0', floats to 15 digits."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def calculate(expression: str) -> str:
    """The calculator tool's answer: the formatted value of ``expression``."""
    return format_number(evaluate(expression))
