"""An amount worked from a looked-up figure and the question's own must use both."""

from __future__ import annotations

from agents.answer_unused import from_question_only, unused_figure
from agents.answer_values import numbers

POLICY = "Staff get a meal allowance of 38 euros per day. Hotels are paid up to 145 euros a night."
BIKE = "The Fenwick R7 weighs 23 kg and its list price is 2,749 euros."


def read(*texts: str) -> list[float]:
    return numbers("\n".join(texts))


def test_a_looked_up_figure_given_as_the_amount_is_sent_back() -> None:
    trip = "How much meal allowance does a 3-day business trip get in total?"
    reason = unused_figure(trip, "38 euros", read(POLICY))
    assert reason is not None and "38" in reason and "3 is not used" in reason
    sale = "What would the Fenwick R7 cost with 20% off its list price?"
    assert unused_figure(sale, "It costs 2,749 euros.", read(BIKE)) is not None
    # Saying the question's figure back is not using it.
    follow_up = "And how much is that for a 6-day trip?"
    said_back = "The daily meal allowance for a 6-day trip is 38 euros."
    reason = unused_figure(follow_up, said_back, read(POLICY))
    assert reason is not None and "6 is not used" in reason


def test_amounts_worked_out_or_using_the_question_figure_pass() -> None:
    trip = "How much meal allowance does a 3-day business trip get in total?"
    assert unused_figure(trip, "114 euros.", read(POLICY)) is None
    assert unused_figure(trip, "38 euros a day for 3 days: 114 euros.", read(POLICY)) is None
    sale = "What would the Fenwick R7 cost with 20% off its list price?"
    assert unused_figure(sale, "2,199.20 euros.", read(BIKE)) is None


def test_questions_without_a_figure_of_their_own_are_left_alone() -> None:
    for question in (
        "How much is the hotel allowance per night?",
        "How much did Hollowbrook earn in 2025?",  # a year is no figure to compute with
        "How much does the policy pay for 1 night in a hotel?",
        "How much does the 23 kg Fenwick R7 cost?",  # the question's figure was read too
        "Which of the 2 documents mentions hotels?",  # no amount asked
    ):
        assert unused_figure(question, "145 euros.", read(POLICY, BIKE)) is None, question


def test_an_answer_worked_from_the_question_alone_is_sent_back() -> None:
    sale = "What would the Fenwick R7 cost with 15% off its list price?"
    factors = [0.15, 0.85, 1.15]
    reason = from_question_only(sale, "0.85", factors)
    assert reason is not None and reason.startswith("the answer gives 0.85, worked from")
    assert from_question_only(sale, "It is 85% of the price.", factors) is not None
    # The looked-up price applied: a figure of its own.
    assert from_question_only(sale, "2,336.65 euros with 15% off.", factors) is None
    assert from_question_only(sale, "It is not listed.", factors) is None
