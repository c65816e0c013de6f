"""The calculator understands what people type: percentages, words, thousands separators,
unicode operators and the question around the arithmetic."""

from __future__ import annotations

import pytest

from agents.tools.calculator import calculate
from agents.tools.calculator_phrasing import to_expression

EVERYDAY = [
    ("What is 23% of 4,180?", "961.4"),
    ("23% of 4,180", "961.4"),
    ("17.5 % of 3,260", "570.5"),
    ("what is 15 percent of 80", "12"),
    ("15 per cent of 80", "12"),
    ("(5+5)% of 300", "30"),
    ("5%", "0.05"),
    ("increase 200 by 10%", "220"),
    ("decrease 200 by 10%", "180"),
    ("Reduce 80 by 25%.", "60"),
    ("200 increased by 15%", "230"),
    ("200 + 10%", "220"),
    ("50 - 10%", "45"),
    ("10% off 50", "45"),
    ("20% more than 150", "180"),
    ("12 is what percent of 80?", "15"),
    ("What percentage of 80 is 12?", "15"),
    ("12 as a percentage of 80", "15"),
    ("sqrt of 2", "1.4142135623731"),
    ("square root of 144", "12"),
    ("What is the square root of 16 plus 9?", "13"),
    ("cube root of 27", "3"),
    ("√81", "9"),
    ("√(16+9)", "5"),
    ("4,180 + 1,234,567.5", "1238747.5"),
    ("1,000,000 / 4", "250000"),
    ("max(1, 2)", "2"),
    ("max(100,200)", "200"),
    ("min(1,000, 2,500)", "1000"),
    ("round(1,234.5678, 2)", "1234.57"),
    ("sqrt(1,024)", "32"),
    ("3 × 4", "12"),
    ("12 ÷ 4", "3"),
    ("10 − 3", "7"),
    ("2 · 21", "42"),
    ("2^10", "1024"),
    ("2 ^ 0.5 * 2 ^ 0.5", "2"),
    ("5²", "25"),
    ("2³ + 1", "9"),
    ("7 plus 5", "12"),
    ("20 minus 8", "12"),
    ("6 times 7", "42"),
    ("84 divided by 2", "42"),
    ("9 squared", "81"),
    ("3 cubed", "27"),
    ("2 to the power of 10", "1024"),
    ("2 raised to 8", "256"),
    ("7 mod 3", "1"),
    ("7 % 3", "1"),
    ("5!", "120"),
    ("What is 5 factorial?", "120"),
    ("(2+1)! + 1", "7"),
    ("(2+(1+1))! / (1+1)%", "1200"),
    ("What's 7 times 6?", "42"),
    ("Calculate 3 x 4.", "12"),
    ("How much is $1,250 * 3?", "3750"),
    ("what does 6*7 equal?", "42"),
    ("6*7 =", "42"),
    ("2(3+4)", "14"),
    ("(1+2)(3+4)", "21"),
    ("divide 10 by 4", "2.5"),
    ("subtract 3 from 10", "7"),
    ("add 2 and 3", "5"),
    ("multiply 6 by 7", "42"),
    ("half of 90", "45"),
    ("a third of 90", "30"),
    ("3/4 of 100", "75"),
    ("three quarters of 200", "150"),
    ("π * 2", "6.28318530717959"),
    ("1\u00a0200 + 1", "1201"),
    ("0.1 + 0.2", "0.3"),
]


@pytest.mark.parametrize(("text", "expected"), EVERYDAY)
def test_everyday_inputs(text: str, expected: str) -> None:
    assert calculate(text) == expected


def test_the_table_covers_forty_inputs() -> None:
    assert len(EVERYDAY) >= 40


# Numbers in words, lists of numbers, and the operator words around them.
IN_WORDS = [
    ("What is seven hundred and twelve multiplied by thirty-eight?", "27056"),
    ("seven hundred twelve times thirty eight", "27056"),
    ("Seven hundred and twelve x thirty-eight", "27056"),
    ("Divide nine thousand nine hundred by twelve.", "825"),
    ("nine thousand nine hundred divided by twelve", "825"),
    ("Add up three hundred sixty-five, two hundred forty and fifty-eight.", "663"),
    ("add three hundred and sixty-five and two hundred and forty", "605"),
    ("the sum of 365, 240 and 58", "663"),
    ("What is the sum of 365, 240, and 58?", "663"),
    ("add 1, 2, 3 and 4", "10"),
    ("total of 4,180, 20 and 5", "4205"),
    ("sum of max(1, 2) and 3", "5"),
    ("What is the average of 4, 8 and 15?", "9"),
    ("the mean of two, four and nine", "5"),
    ("product of 2, 3 and 4", "24"),
    ("the average of 3 and 8", "5.5"),
    ("sum of 365, 240", "605"),
    ("multiply two, three and four", "24"),
    ("Subtract seventeen from forty-two", "25"),
    ("Take seventy away from two hundred", "130"),
    ("take 70 from 200", "130"),
    ("Please add fifty-five and sixty-six.", "121"),
    ("Could you divide one thousand by eight?", "125"),
    ("Add together forty-five, sixty and seventy-five", "180"),
    ("add 45, 60 and 75 together", "180"),
    ("What is the difference between nine hundred and four hundred and fifty?", "450"),
    ("forty-two minus seventeen", "25"),
    ("What's twelve squared?", "144"),
    ("three cubed", "27"),
    ("What is twenty-five percent of eight hundred?", "200"),
    ("increase two hundred by ten percent", "220"),
    ("two point five times four", "10"),
    ("two and a half times four", "10"),
    ("one plus one", "2"),
    ("square root of one hundred and forty-four", "12"),
    ("one third of ninety", "30"),
    ("two thirds of ninety", "60"),
    ("three quarters of two hundred", "150"),
    ("a dozen times twelve", "144"),
    ("1.5 million divided by 3", "500000"),
    ("ten to the power of three", "1000"),
    ("five factorial", "120"),
    ("a thousand and one minus one", "1000"),
]


@pytest.mark.parametrize(("text", "expected"), IN_WORDS)
def test_numbers_in_words(text: str, expected: str) -> None:
    assert calculate(text) == expected


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("What is 23% of 4,180?", "percent(23) * 4180"),
        ("max(1,000, 2,000)", "max(1000, 2000)"),
        ("max(100,200,300)", "max(100,200,300)"),
        ("log10(100)", "log10(100)"),
        ("0x1f", "0x1f"),
        ("7 % (2 + 1)", "7 % (2 + 1)"),
    ],
)
def test_rewriting_keeps_what_is_already_arithmetic(text: str, expression: str) -> None:
    assert to_expression(text) == expression
