"""A sum asked in so many words is worked out again, and the answer must agree with it."""

from __future__ import annotations

import pytest

from agents.answer_compute import against_computation, against_text_work, asked_sum
from agents.digits_note import with_digits_note


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("What is 12 factorial?", "12! is 479,001,600."),
        ("What is 17.5% of 3,260?", "It is 570.50."),
        ("What is the square root of 2?", "About 1.414."),
        ("What is twelve times seven?", "Twelve times seven is 84."),
        ("Calculate 2^10.", "1024"),
        ("What is 23% of 4,180?", "23% of 4,180 is 961.4 [1]."),
    ],
)
def test_answers_that_agree_pass(question: str, answer: str) -> None:
    assert against_computation(question, answer) is None


@pytest.mark.parametrize(
    ("question", "answer", "value"),
    [
        ("What is 12 factorial?", "The value of 12 factorial is 490968000.", "479001600"),
        ("What is 23% of 4,180?", "It is 965.4.", "961.4"),
        ("What is 144 divided by 16?", "It is 8.", "9"),
        # As the engines get it: the question typed in words, then the note in digits.
        (
            with_digits_note("What is seven hundred and twelve times thirty-eight?"),
            "26600",
            "27056",
        ),
    ],
)
def test_answers_that_disagree_get_the_value(question: str, answer: str, value: str) -> None:
    reason = against_computation(question, answer)
    assert reason is not None and reason.endswith(f"which is {value}")


@pytest.mark.parametrize(
    "question",
    [
        "What is the sum of the squares of the whole numbers from 1 to 30?",
        "A town grew from 12,400 to 13,950 people. By what percentage did it grow?",
        "Reverse the word 'stressed'.",
        "What is the capital of Peru?",
    ],
)
def test_what_the_calculator_does_not_read_whole_is_left_alone(question: str) -> None:
    assert asked_sum(question) is None


FOX = "How many words are in the sentence 'the quick brown fox jumps over the lazy dog'?"


@pytest.mark.parametrize(
    ("question", "answer", "right"),
    [
        (FOX, "It contains 24 words.", "It has 9 words."),
        ("Reverse the word 'stressed'.", "5", "It is 'desserts'."),
        ("How many vowels are in 'banana'?", "There are 2 vowels.", "3"),
        ("How many letters are in 'hello, world'?", "12", "10 letters"),
    ],
)
def test_text_work_on_quoted_text_is_worked_out(question: str, answer: str, right: str) -> None:
    reason = against_text_work(question, answer)
    assert reason is not None and "which is" in reason
    assert against_text_work(question, right) is None


def test_text_work_without_one_quoted_text_is_left_alone() -> None:
    assert against_text_work("How many words are in my report?", "812") is None
    assert against_text_work("Reverse 'a' and 'b'.", "b a") is None
