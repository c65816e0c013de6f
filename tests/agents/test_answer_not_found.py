"""'Nothing found' is no answer when what the run read speaks of the question."""

from __future__ import annotations

from agents.answer_not_found import denies_what_was_read, says_nothing_found

QUESTION = "What was Hollowbrook Ceramics' 2025 revenue per employee, to the nearest euro?"
PASSAGE = (
    "Hollowbrook Ceramics is a pottery in Kestrel Bay. Hollowbrook employs 64 people. "
    "Revenue in 2025 was 3,870,000 euros, most of it from restaurant orders."
)
UNRELATED = "The Fenwick R7 e-bike has a 500 Wh battery and a frame with a 5-year warranty."


def test_nothing_found_said_in_many_ways() -> None:
    for answer in (
        "No revenue information found.",
        "There is no information about revenue per employee in the documents.",
        "I couldn't find the number of employees.",
        "The revenue for 2025 is not mentioned in the provided passages.",
        "The documents do not contain Hollowbrook's revenue.",
        "Sorry, I was unable to locate that figure.",
        "The 'revenue_2025' column does not exist in the file.",
        "There is no such figure for Hollowbrook.",
        # What code prints when its pattern matched nothing.
        "No owner found.",
        "No matching rows were found.",
        "Not found",
    ):
        assert says_nothing_found(answer, QUESTION), answer
    for answer in (
        "Revenue per employee was about 60,469 euros.",
        "3,870,000 / 64 = 60,468.75, so about 60,469 euros per employee.",
        "Hollowbrook is a pottery in Kestrel Bay.",
        "There is no limit on the number of staff listed in the report.",
        # A long answer that says more than "not found" is left to the other checks.
        "The passages do not mention it directly. " + "They describe the pottery. " * 20,
    ):
        assert not says_nothing_found(answer, QUESTION), answer


def test_an_answer_that_says_it_cannot_answer_counts_at_any_length() -> None:
    plan = (
        'To answer the question "What was Hollowbrook\'s revenue?", I need to look for it in '
        "the given passage, which speaks of the pottery, its kilns and its shop at length. "
    )
    for answer in (
        plan * 3 + "Therefore, I cannot answer this question based on the given information.",
        plan * 3 + "It is not possible to determine the revenue per employee from the passage.",
        plan * 3 + "I don't have enough information to work it out.",
        "The revenue per employee cannot be determined from the passages.",
    ):
        assert len(answer) > 300 or "cannot be" in answer
        assert says_nothing_found(answer, QUESTION), answer
    for answer in (
        # A figure given is an answer, whatever else is said.
        plan + "I cannot answer to the euro, but it is about 60,000 euros.",
        # An essay that quotes an inability is not one.
        "The potter said: 'I can't tell you how happy I am.' " + "Kilns are hot. " * 200,
    ):
        assert not says_nothing_found(answer, QUESTION), answer


def test_refused_when_a_passage_read_speaks_of_the_question() -> None:
    reason = denies_what_was_read(QUESTION, "No revenue information found.", [UNRELATED, PASSAGE])
    assert reason is not None and "nothing was found" in reason


def test_an_honest_not_found_stands_when_nothing_read_speaks_of_it() -> None:
    assert denies_what_was_read(QUESTION, "No revenue information found.", [UNRELATED]) is None
    assert denies_what_was_read(QUESTION, "No revenue information found.", []) is None
    # The company named, but not what is asked about it.
    other = "What colour is the Hollowbrook Ceramics logo and who designed it?"
    assert denies_what_was_read(other, "The logo is not mentioned.", [PASSAGE]) is None


def test_a_file_that_holds_what_was_asked_is_not_said_to_lack_it() -> None:
    question = "In sales.csv in my workspace, which region sold the most units?"
    table = "region,units,unit_price\nnorth,120,19.5\nsouth,85,22.0"
    answer = "The 'units_sold' column does not exist in the sales.csv file."
    assert denies_what_was_read(question, answer, [table]) is not None


def test_a_zero_is_no_answer_when_what_was_read_speaks_of_the_question() -> None:
    # What code prints when its parsing of the passages matched nothing.
    question = "How many people do Hollowbrook Ceramics and Quenby Textiles employ together?"
    staff = PASSAGE + " Quenby Textiles has 112 employees."
    for answer in ("0", "They employ 0 people together.", "0.0"):
        reason = denies_what_was_read(question, answer, [staff])
        assert reason is not None and reason.startswith("the answer gives 0"), answer
    assert denies_what_was_read(question, "176 people.", [staff]) is None
    # A zero that stands on nothing read about the question is left to the other checks.
    assert denies_what_was_read(question, "0", [UNRELATED]) is None
    # A zero the question itself gives is said back, not answered.
    loans = "How much did Hollowbrook Ceramics' revenue in 2025 owe to loans at 0% interest?"
    answer = "At 0% interest, 120,000 euros of the revenue."
    assert denies_what_was_read(loans, answer, [PASSAGE]) is None
