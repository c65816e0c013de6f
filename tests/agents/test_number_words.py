"""Numbers written in words read as digits: everywhere in an expression, and in a prompt only
where they are numbers beyond doubt (several number words, or arithmetic around them)."""

from __future__ import annotations

import pytest

from agents.number_words import prompt_with_digits, to_digits

NUMBERS = [
    ("zero", "0"),
    ("seven", "7"),
    ("twelve", "12"),
    ("nineteen", "19"),
    ("forty", "40"),
    ("thirty-eight", "38"),
    ("thirty eight", "38"),
    ("Ninety-Nine", "99"),
    ("one hundred", "100"),
    ("a hundred", "100"),
    ("a thousand", "1000"),
    ("a million", "1000000"),
    ("one hundred one", "101"),
    ("seven hundred and twelve", "712"),
    ("seven hundred twelve", "712"),
    ("three hundred sixty-five", "365"),
    ("four thousand two hundred", "4200"),
    ("one thousand three hundred and fifty", "1350"),
    ("nine thousand nine hundred", "9900"),
    ("a thousand and one", "1001"),
    ("eleven hundred", "1100"),
    ("twenty-five hundred", "2500"),
    ("three hundred and sixty-five thousand", "365000"),
    ("two million four hundred thousand and six", "2400006"),
    ("one billion two hundred million", "1200000000"),
    ("two point five", "2.5"),
    ("three point one four", "3.14"),
    ("zero point zero five", "0.05"),
    ("two point five million", "2500000"),
    ("two and a half", "2.5"),
    ("one hundred and a half", "100.5"),
    ("three quarters", "3/4"),
    ("two thirds", "2/3"),
    ("one fifth", "1/5"),
    ("a dozen", "12"),
    ("two dozen", "24"),
    ("2 million", "2000000"),
    ("1.5 billion", "1500000000"),
]


@pytest.mark.parametrize(("words", "digits"), NUMBERS)
def test_number_words_become_digits(words: str, digits: str) -> None:
    assert to_digits(words) == digits
    assert to_digits(f"({words})") == f"({digits})"


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        # a list keeps its items apart: only "and" after a hundred or thousand joins
        ("three hundred sixty-five, two hundred forty and fifty-eight", "365, 240 and 58"),
        ("twenty one", "21"),
        ("twenty, one", "20, 1"),
        ("five twenty", "5 20"),
        ("two hundred and fifty-eight", "258"),
        ("seventy-two and eight", "72 and 8"),
        ("nine hundred and four hundred and fifty", "900 and 450"),
        ("two thousand and three thousand", "2000 and 3000"),
        ("one thousand and five hundred", "1500"),
        ("one, two, three", "1, 2, 3"),
        ("twelve hundred, thirteen", "1200, 13"),
        # "thirty - eight" with spaces is a subtraction, not one number
        ("thirty - eight", "30 - 8"),
        ("thirty-eight - seven", "38 - 7"),
        # the words around the numbers stay as they were
        ("Seven hundred and twelve multiplied by thirty-eight", "712 multiplied by 38"),
        ("Divide nine thousand nine hundred by twelve.", "Divide 9900 by 12."),
        ("twelve squared", "12 squared"),
        ("Subtract seventeen from forty-two", "Subtract 17 from 42"),
        ("half of ninety", "half of 90"),
        ("a quarter of eighty", "a quarter of 80"),
        ("three quarters of two hundred", "3/4 of 200"),
        # words that contain or look like number words are not numbers
        ("someone often tenth", "someone often tenth"),
        ("one's own", "one's own"),
        ("a point", "a point"),
        ("hundreds of thousands", "hundreds of thousands"),
        ("thousand", "thousand"),
        ("a second opinion", "a second opinion"),
    ],
)
def test_phrases_in_an_expression(text: str, digits: str) -> None:
    assert to_digits(text) == digits


@pytest.mark.parametrize(
    ("prompt", "read"),
    [
        (
            "What is seven hundred and twelve multiplied by thirty-eight?",
            "What is 712 multiplied by 38?",
        ),
        ("Divide nine thousand nine hundred by twelve.", "Divide 9900 by 12."),
        (
            "Add up three hundred sixty-five, two hundred forty and fifty-eight.",
            "Add up 365, 240 and 58.",
        ),
        ("What's twelve squared?", "What's 12 squared?"),
        ("What is one plus one?", "What is 1 plus 1?"),
        ("How much is seven times eight?", "How much is 7 times 8?"),
        ("Which of seventeen, nineteen and twenty are odd?", "Which of 17, 19 and 20 are odd?"),
        ("Is 7 or eight bigger?", "Is 7 or 8 bigger?"),
        ("How much is a third of ninety?", "How much is a third of 90?"),
        ("What's the difference between twelve and 7?", "What's the difference between 12 and 7?"),
        ("Take seventy away from two hundred", "Take 70 away from 200"),
        ("What if you multiply thirteen by seventeen?", "What if you multiply 13 by 17?"),
        # several number words together are a number wherever they are
        ("I bought twenty-four eggs", "I bought 24 eggs"),
    ],
)
def test_numbers_in_a_prompt_with_arithmetic_around_them(prompt: str, read: str) -> None:
    assert prompt_with_digits(prompt) == read


@pytest.mark.parametrize(
    "prompt",
    [
        "Who is the one who wrote Hamlet?",
        "Tell me one fun fact",
        "Tell me three jokes about cats",
        "No one knows the answer",
        "Someone said one of them is lost",
        "Which one is the biggest planet?",
        "Get a second opinion",
        "What is the capital of France?",
        "Who directed Seven Samurai?",
        "The one and only",
        "Give me a dozen ideas for a party",
        "How many times has one team won the cup?",
        "Which one is more, seven times eight or fifty?",
    ],
)
def test_a_lone_number_word_in_prose_stays_a_word(prompt: str) -> None:
    read = prompt_with_digits(prompt)
    if "seven times eight" in prompt:
        # The arithmetic is read; "which one" is still a word.
        assert read == "Which one is more, 7 times 8 or 50?"
    else:
        assert read == prompt


def test_long_text_is_read_in_one_pass() -> None:
    """Many number words in a row, or many starts that fail, still read quickly and whole."""
    text = "seven hundred and twelve, " * 300
    assert to_digits(text) == "712, " * 300
    junk = "a point and a half and " * 200
    assert to_digits(junk) == junk
