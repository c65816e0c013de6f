"""Safe arithmetic for the ``calculator`` tool: everyday phrasing is rewritten into an expression
(``calculator_phrasing``), whose syntax tree is walked, never evaluated, so only numbers,
arithmetic and a few named functions can run.

Every operation's cost is bounded before it is computed (exponents, factorials, rounding digits,
the size of products, nesting depth), so no single step can take long: one unbounded big-integer
step holds the GIL, and a tool thread stuck in one froze the whole app and ignored SIGTERM. As a
backstop, the walk checks a deadline between steps, which with bounded steps is a hard cap.
"""

from __future__ import annotations

import ast
import math
import time
from collections.abc import Callable

from agents.tools.calculator_limits import (
    MAX_BITS,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPRESSION_CHARS,
    MAX_TEXT_CHARS,
    TIME_LIMIT_SECONDS,
    CalculatorError,
    Number,
    checked,
    depth,
    factorial,
    gcd,
    lcm,
    power,
    round_to,
)
from agents.tools.calculator_phrasing import to_expression

__all__ = ["CalculatorError", "calculate", "evaluate", "format_number"]

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}


def _log(value: Number, base: Number | None = None) -> float:
    return math.log(value) if base is None else math.log(value, base)


# name: (function, fewest arguments, most arguments or None for any number)
FUNCTIONS: dict[str, tuple[Callable[..., Number], int, int | None]] = {
    "sqrt": (math.sqrt, 1, 1),
    "cbrt": (math.cbrt, 1, 1),
    "abs": (abs, 1, 1),
    "round": (round_to, 1, 2),
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
    "factorial": (factorial, 1, 1),
    "gcd": (gcd, 2, None),
    "lcm": (lcm, 2, None),
    "percent": (lambda value: _scaled(value, 1), 1, 1),
}


def _product(left: Number, right: Number) -> Number:
    # Digits of a product are known before computing it (bit lengths add up).
    whole = isinstance(left, int) and isinstance(right, int)
    if whole and int(left).bit_length() + int(right).bit_length() > MAX_BITS + 1:
        raise CalculatorError(f"the result would have more than {MAX_DIGITS} digits")
    return left * right


def _scaled(value: Number, factor: Number) -> Number:
    """``value`` percent of ``factor``: exact when it comes out whole (23% of 4180 is 961.4)."""
    product = _product(value, factor)
    if isinstance(product, int) and product % 100 == 0:
        return product // 100
    return product / 100


_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: _product,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
    ast.Pow: power,
}
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.BitXor: "xor",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
    ast.Invert: "~",
    ast.Not: "not",
}


def _percent_argument(node: ast.AST) -> ast.AST | None:
    """The x of a ``percent(x)`` node, or None."""
    is_percent = (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "percent"
        and len(node.args) == 1
    )
    return node.args[0] if is_percent and isinstance(node, ast.Call) else None


class _Walk:
    """One evaluation: the tree walk with its deadline."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.deadline = clock() + TIME_LIMIT_SECONDS

    def value(self, node: ast.AST) -> Number:
        if self.clock() > self.deadline:
            raise CalculatorError(f"the calculation took over {TIME_LIMIT_SECONDS} s and was cut")
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise CalculatorError(f"{node.value!r} is not a number")
            return checked(node.value)
        if isinstance(node, ast.BinOp):
            return checked(self.binary(node))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.value(node.operand)
            if isinstance(node.op, ast.UAdd):
                return +self.value(node.operand)
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
            return checked(self.call(node))
        if isinstance(node, ast.Attribute):
            raise CalculatorError("attributes (a.b) are not allowed")
        if isinstance(node, ast.Tuple):
            raise CalculatorError("write one expression (commas only between function arguments)")
        raise CalculatorError(
            "only numbers, + - * / // % **, parentheses and the functions are allowed "
            f"(found a {type(node).__name__} expression)"
        )

    def binary(self, node: ast.BinOp) -> Number:
        """Arithmetic, where "y + x%" is y grown by x percent and "x% * y" is x percent of y."""
        left_share, right_share = _percent_argument(node.left), _percent_argument(node.right)
        if right_share is not None and isinstance(node.op, ast.Add | ast.Sub):
            base, share = self.value(node.left), self.value(right_share)
            return _scaled(base, 100 + share if isinstance(node.op, ast.Add) else 100 - share)
        if isinstance(node.op, ast.Mult) and left_share is not None:
            return _scaled(self.value(left_share), self.value(node.right))
        if isinstance(node.op, ast.Mult) and right_share is not None:
            return _scaled(self.value(right_share), self.value(node.left))
        operation = _BINARY.get(type(node.op))
        if operation is None:
            symbol = _SYMBOLS.get(type(node.op), type(node.op).__name__)
            raise CalculatorError(f"the operator {symbol} is not supported")
        return operation(self.value(node.left), self.value(node.right))

    def call(self, node: ast.Call) -> Number:
        if not isinstance(node.func, ast.Name):
            raise CalculatorError("only functions by name can be called, like sqrt(2)")
        name = node.func.id
        if name not in FUNCTIONS:
            known = ", ".join(n for n in FUNCTIONS if n != "percent")
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
        return function(*(self.value(arg) for arg in node.args))


def _parse(text: str) -> ast.expr:
    if not text.strip():
        raise CalculatorError("the expression is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise CalculatorError(f"the expression is too long (over {MAX_TEXT_CHARS} chars)")
    expression = to_expression(text)
    if not expression:
        raise CalculatorError(f"there is no arithmetic in '{text.strip()}'")
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise CalculatorError(f"the expression is too long (over {MAX_EXPRESSION_CHARS} chars)")
    try:
        tree = ast.parse(expression, mode="eval")
    except (SyntaxError, RecursionError, MemoryError) as error:
        reason = error.msg if isinstance(error, SyntaxError) else "nested too deeply"
        typed = text.strip()
        shown = typed if expression == typed else f"{typed}' read as '{expression}"
        raise CalculatorError(
            f"'{shown}' is not a valid expression ({reason}); write arithmetic, "
            "like '23% of 4,180', '(3+4)*2' or 'sqrt(2)'"
        ) from None
    if depth(tree.body) > MAX_DEPTH:
        raise CalculatorError(f"the expression is nested too deeply (over {MAX_DEPTH} levels)")
    return tree.body


def evaluate(expression: str, clock: Callable[[], float] = time.perf_counter) -> Number:
    """The value of an arithmetic ``expression`` or everyday phrase like "23% of 4,180";
    CalculatorError (with the reason) when it is not one or would cost too much."""
    tree = _parse(expression)
    try:
        return _Walk(clock).value(tree)
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
