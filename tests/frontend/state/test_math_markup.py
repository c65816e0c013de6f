"""Formulas reach KaTeX in dollar delimiters; prices and code are left alone."""

from __future__ import annotations

import pytest

from frontend.state.math_markup import math_markup


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (r"Area is \(\pi r^2\).", r"Area is $\pi r^2$."),
        ("Sum:\n\\[ \\sum_{i=1}^n i \\]\n", "Sum:\n\n$$\n\\sum_{i=1}^n i\n$$\n\n"),
        ("Then\n\n$$x^2 + 1$$\n\nso", "Then\n\n$$\nx^2 + 1\n$$\n\nso"),
        ("inline $$x$$ here", "inline $$x$$ here"),
        ("Euler: $e^{i\\pi} + 1 = 0$ holds.", "Euler: $e^{i\\pi} + 1 = 0$ holds."),
        ("$$\nx^2\n$$", "$$\nx^2\n$$"),
        ("It costs $5 and $10 in total.", "It costs \\$5 and \\$10 in total."),
        ("Pay $20.", "Pay \\$20."),
        ("A $x$ and $y$.", "A $x$ and $y$."),
    ],
)
def test_formulas_get_dollars_and_prices_are_escaped(written: str, shown: str) -> None:
    assert math_markup(written) == shown


def test_code_is_left_as_written() -> None:
    text = "Run `echo $HOME` then:\n```sh\nprice=$5; echo \\(x\\)\n```\nDone, $3."
    assert math_markup(text) == (
        "Run `echo $HOME` then:\n```sh\nprice=$5; echo \\(x\\)\n```\nDone, \\$3."
    )
