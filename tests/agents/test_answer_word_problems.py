"""A word problem whose numbers are all in the question is worked out here, and the answer
must give the result: percentage changes, shares in percent, a figure made more or less by a
percentage, sums over a range and the mean of listed numbers."""

from __future__ import annotations

import pytest

from agents.answer_compute import against_computation
from agents.digits_note import with_digits_note

SALES = "A shop's sales grew from $12,400 to $13,950 this year. By what percent did they grow?"
SQUARES = "What is the sum of the squares of 1 to 30, written as 1² + 2² + … + 30²?"


@pytest.mark.parametrize(
    ("question", "wrong", "value"),
    [
        (SALES, "Sales grew by about 11.1%.", "12.5%"),
        ("The price fell from 80 to 60 euros. What is the percentage decrease?", "20%", "25%"),
        ("What is the percent increase from 50 to 65?", "The increase is 23%.", "30%"),
        ("By what percentage is 150 more than 120?", "About 20 percent.", "25%"),
        ("18 is what percent of 72?", "It is 18%.", "25%"),
        ("What percentage of 250 is 40?", "40 is 6.25% of 250.", "16%"),
        (SQUARES, "The sum is 31030.", "9455"),
        ("What is the sum of all whole numbers from 1 to 250?", "It is 31,250.", "31375"),
        ("Compute 1 + 2 + ... + 100.", "5000", "5050"),
        ("What is the sum of 1 to 100?", "It is 101.", "5050"),
        ("What is the sum of all integers between 1 and 100 inclusive?", "4950", "5050"),
        ("What is 1^3 + 2^3 + ... + 10^3?", "It comes to 3080.", "3025"),
        ("Find the sum of the first 40 odd numbers.", "The sum is 1640.", "1600"),
        ("What is the sum of all odd numbers from 1 to 99?", "2550", "2500"),
        ("What is the sum of the cubes of the first 5 natural numbers?", "250", "225"),
        ("What is the mean of 4, 8, 15, 16, 23 and 42?", "The mean is 19.", "18"),
        (
            "A runner ran 5, 7, 8 and 12 km on four days. What is the average distance?",
            "About 7.5 km.",
            "8",
        ),
        ("What is the price of a $80 jacket after a 25% discount?", "$65", "60"),
        ("Add 8% sales tax to a bill of 1,275 euros. What is the total?", "102", "1377"),
        ("What is the greatest common divisor of 1,071 and 462?", "It is 9.", "21"),
        ("Find the LCM of 4, 6 and 10.", "120", "60"),
        ("A lamp costs 60 euros and is reduced by 25 percent. What does it cost now?", "15", "45"),
        ("Add 15% tip to a 60 dollar meal: how much in all?", "It is 9 dollars.", "69"),
        ("Increase 150 by 12%.", "It becomes 170.", "168"),
        ("What is 640 after a 15% increase?", "It is 740.", "736"),
        ("What's the % change from 40 to 50?", "A change of 20%.", "25%"),
        ("Monthly visitors dropped from 1,250 to 1,000. By how many percent?", "25.5%", "20%"),
        ("What will a $45 meal cost after a 10% price increase?", "$49", "49.5"),
        ("What is the average of the integers from 1 to 99?", "It is 49.5.", "50"),
        (
            with_digits_note("What is the sum of the whole numbers from one to two hundred?"),
            "20000",
            "20100",
        ),
    ],
)
def test_wrong_results_are_sent_back_with_the_right_one(
    question: str, wrong: str, value: str
) -> None:
    reason = against_computation(question, wrong)
    assert reason is not None and reason.endswith(f"which is {value}"), reason


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (SALES, "Sales grew by 12.5%."),
        (SALES, "They grew by 12.50 %."),
        (SALES, "An increase of 1,550, which is 12.5 percent."),
        (SALES, "Roughly 13%."),
        ("The price fell from 80 to 60 euros. What is the percentage decrease?", "-25%"),
        ("What is 7 as a percentage of 9?", "About 77.78%."),
        ("What percent of 9 is 7?", "77.8 %"),
        ("What percent of 9 is 7?", "7 out of 9 is roughly 77.78 percent"),
        (SQUARES, "Using n(n+1)(2n+1)/6 = 30 × 31 × 61 / 6 = 9455."),
        (SQUARES, "9,455"),
        ("What is the sum of all whole numbers from 1 to 250?", "1 + 2 + ... + 250 = 31,375"),
        ("Compute 1 + 2 + ... + 100.", r"The sum is \boxed{5050}."),
        ("What is the mean of 4, 8, 15, 16, 23 and 42?", "The mean is 18."),
        ("What is the average of 3, 4 and 4?", "About 3.67."),
        ("What is the price of a $80 jacket after a 25% discount?", "It costs $60.00."),
        ("Find the sum of the first 40 odd numbers.", "40² = 1600"),
        (SQUARES, r"$\sum k^2 = \boxed{9{,}455}$"),
    ],
)
def test_right_results_in_several_forms_pass(question: str, answer: str) -> None:
    assert against_computation(question, answer) is None


@pytest.mark.parametrize(
    "question",
    [
        "I work from 9 to 5. What percent of the day is that?",
        "According to my report, sales grew from 1,200 to 1,500; by what percent?",
        "By what percent did sales grow from 2022 to 2023?",
        "Sales grew from 100 to 150 over 5 years. What is the average annual growth in percent?",
        "The rate rose from 5% to 7%. By how many percentage points did it rise?",
        "What is the percentage difference between 40 and 50?",
        "A jacket costs $60 after a 25% discount. What was the original price?",
        "A jacket sells for $60 after a 25% discount. How much did it cost?",
        "What is the price of an $80 jacket after a 25% discount, and how much do I save?",
        "What is the sum of the integers between 1 and 100?",
        "What is the square of the sum of the numbers from 1 to 10?",
        "What is the sum of the numbers from 1 to 100 that are divisible by 3?",
        "What is 2 + 4 + ... + 64?",
        "What is the sum of the first 10 whole numbers?",
        "Scores were 70, 80 and 90. What score on the fourth test is needed to average 85?",
        "I spent 20, 35 and 50 euros over 2 days. What is my average spending per day?",
        "What happened on 2024-01-05 from 9 to 5, and by what percent did it grow?",
        "Summarize the 3 key points of my notes from 2021 to 2023.",
        "What does 'mean' mean in 3 languages?",
        "The train runs from 6 to 11 each day; what percentage increase in service is planned?",
        "Is the average of 4, 8 and 15 above 10?",
        "If 20 of 25 students passed, what percent failed?",
        "A price was increased by 20% to $120. What was the price?",
    ],
)
def test_unclear_or_unrelated_questions_are_left_alone(question: str) -> None:
    assert against_computation(question, "It is 42.") is None
