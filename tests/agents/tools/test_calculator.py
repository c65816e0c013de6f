"""The calculator walks the syntax tree: arithmetic works, anything else is refused, and so is
whatever would cost more than a few milliseconds, with a message saying why."""

from __future__ import annotations

import math

import pytest

from agents.tools.calculator import calculate, evaluate
from agents.tools.calculator_limits import TIME_LIMIT_SECONDS
from agents.tools.registry import ToolError


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2+2", "4"),
        ("2*(3+4)**2", "98"),
        ("10/4", "2.5"),
        ("7//2", "3"),
        ("-7 % 3", "2"),
        ("2**-1", "0.5"),
        ("-(3 - 5)", "2"),
        ("+4", "4"),
        ("0.1 + 0.2", "0.3"),
        ("2**100", "1267650600228229401496703205376"),
        ("sqrt(16)", "4"),
        ("abs(-3.5)", "3.5"),
        ("round(3.14159, 2)", "3.14"),
        ("round(2.6)", "3"),
        ("min(4, 2, 8)", "2"),
        ("max(4, 2, 8)", "8"),
        ("log(8, 2)", "3"),
        ("log(e)", "1"),
        ("sin(pi / 2)", "1"),
        ("cos(0)", "1"),
        ("  1_000 * 3  ", "3000"),
    ],
)
def test_results(expression: str, expected: str) -> None:
    assert calculate(expression) == expected


def test_floats_keep_their_precision() -> None:
    assert evaluate("sqrt(2)") == math.sqrt(2)
    assert float(calculate("1/3")) == pytest.approx(1 / 3, rel=1e-14)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("os.system('ls')", "only functions by name"),
        ("().__class__", "attributes"),
        ("(1).real", "attributes"),
        ("x + 1", "unknown name 'x'"),
        ("open('f')", "unknown function 'open'"),
        ("'abc'", "is not a number"),
        ("True + 1", "unknown name 'true'"),
        ("[1, 2][0]", "only numbers"),
        ("lambda: 1", "only numbers"),
        ("1 < 2", "only numbers"),
        ("1 << 4", "operator << is not supported"),
        ("9**9**9", "exponent .* is too large"),
        ("10**20000", "exponent .* is too large"),
        ("7**5000", "more than 1000 digits"),
        ("10**999 * 10**999", "more than 1000 digits"),
        ("2.0**5000", "too large"),
        ("exp(1000)", "too large"),
        ("1e400", "too large"),
        ("1/0", "division by zero"),
        ("5 % 0", "division by zero"),
        ("sqrt(-1)", "math domain error"),
        ("(-8) ** 0.5", "not a real number"),
        ("round(2.5, 0.5)", "whole number"),
        ("min()", "min takes 1 or more"),
        ("sqrt(1, 2)", "sqrt takes 1 argument"),
        ("max(1, key=abs)", "without names"),
        ("1, 2", "write one expression"),
        ("2 +", "not a valid expression"),
        ("", "empty"),
        ("1+" * 300 + "1", "too long"),
    ],
)
def test_refusals(expression: str, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        calculate(expression)


# Each of these would take seconds to hours (or all memory) if computed, holding the GIL.
HOSTILE = [
    ("round(5, -10**8)", "round: the number of digits must be between -100 and 100"),
    ("round(1.5, 10**8)", "round: the number of digits"),
    ("round(5, 1.5)", "whole number"),
    ("factorial(10**8)", "100000000! would have more than 1000 digits"),
    ("100000!", "would have more than 1000 digits"),
    ("factorial(-1)", "cannot be negative"),
    ("factorial(2.5)", "must be a whole number"),
    ("9**9**9", "exponent .* is too large"),
    ("2**10**8", "exponent .* is too large"),
    ("10^10^10", "exponent .* is too large"),
    ("2**9999", "more than 1000 digits"),
    ("(10**999) ** 2", "more than 1000 digits"),
    ("10**999 * 10**999", "more than 1000 digits"),
    ("10**600 * 10**600 * 10**600", "more than 1000 digits"),
    ("1 << 10**8", "operator << is not supported"),
    ("1 >> 1", "operator >> is not supported"),
    ("'a' * 10**9", "is not a number"),
    ("[1] * 10**9", "only numbers"),
    ("abs(" * 70 + "1" + ")" * 70, "nested too deeply"),
    ("-" * 200 + "1", "nested too deeply"),
    ("sqrt(10**999)", "too large"),
    ("exp(10**6)", "too large"),
    ("1e308 * 10", "too large"),
    ("9" * 1001, "too long"),
    ("max(*[1, 2])", "only numbers"),
    ("__import__('os').system('ls')", "only functions by name"),
    ("percent(10**999 * 10**999)", "more than 1000 digits"),
    ("(10**999)% of 10**999", "more than 1000 digits"),
    # numbers in words and lists are held to the same bounds
    ("a billion factorial", "1000000000! would have more than 1000 digits"),
    ("nine to the power of ten to the power of nine", "exponent .* is too large"),
    ("ten to the power of two thousand", "more than 1000 digits"),
    ("add " + "1, " * 200 + "and 1", "too long"),
    ("sum of " + "nine hundred and ninety-nine, " * 40 + "and one", "too long"),
]


@pytest.mark.parametrize(("expression", "message"), HOSTILE)
def test_costly_inputs_are_refused_before_computing(expression: str, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        calculate(expression)


def test_a_walk_past_its_deadline_is_cut_between_steps() -> None:
    """The backstop: a clock that has run past the cap stops the walk at the next step."""
    ticks = iter([0.0, 0.0, TIME_LIMIT_SECONDS + 1])
    with pytest.raises(ToolError, match=r"took over .* s and was cut"):
        evaluate("1 + 2 + 3", clock=lambda: next(ticks))


def test_gcd_and_lcm_of_whole_numbers_within_the_limits() -> None:
    assert calculate("gcd(1071, 462)") == "21"
    assert calculate("gcd(1,071, 462)") == "21"  # a thousands separator, then the next number
    assert calculate("lcm(4, 6, 10)") == "60"
    for refused, reason in [
        ("gcd(2.5, 5)", "whole number"),
        ("lcm(10**900, 10**900 + 1)", "more than 1000 digits"),
        ("gcd(12)", "gcd"),
    ]:
        with pytest.raises(ToolError, match=reason):
            calculate(refused)
