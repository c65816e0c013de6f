"""The agent benchmark's checks read answers as a person would, and do not pass the answers a
person would call wrong: a bare "[1]", the question said back, a near-miss number."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bench.agent_checks import (
    AllOf,
    Answer,
    Check,
    CitesNothing,
    DateFromToday,
    FileHas,
    Number,
    Text,
    TodayPart,
    numbers_in,
)

# A fixed moment, so the date checks do not depend on when the tests run.
ASKED = datetime(2026, 12, 7, 10, 0)


def answer(text: str, sources: tuple[str, ...] = (), asked: datetime = ASKED) -> Answer:
    return Answer(text, sources, None, asked, asked + timedelta(seconds=20))


CASES: list[tuple[Check, str, bool]] = [
    # Numbers: separators, trailing zeros, currency, words for small numbers.
    (Number(961.4), "The total is 961.40 euros.", True),
    (Number(961.4), "It comes to €961.4", True),
    (Number(27056), "712 × 38 = 27,056.", True),
    (Number(27056), "The product is 27 056.", False),  # a plain space is no thousands separator
    (Number(27056), "The product is 27\u202f056.", True),
    (Number(3_870_000), "Revenue was 3,870,000 euros.", True),
    (Number(9), "There are nine words.", True),
    (Number(5000), "5 kilometres is 5000 metres.", True),
    (Number(60469, tolerance=1), "About 60,468.75 euros per employee.", True),
    (Number(12.5, tolerance=0.05), "It grew by 12.5%.", True),
    # Numbers the answer does not actually give.
    (Number(1), "[1]", False),
    (Number(2), "See [1, 2].", False),
    (Number(570.5), "What is 17.5% of 3,260?", False),  # the question said back
    (Number(570.5), "17.5% of 3,260 is", False),
    (Number(570.5), "The answer is 570.", False),
    (Number(372), "It is 3720.", False),
    (Number(7), "The Fenwick R7 has a frame warranty.", False),
    (Number(100), "", False),
    # Where the result is stated: first or last line with a number, not the working between.
    (Number(445), "The total is 445 units.\n\nnorth: 120\nsouth: 85\neast: 143\nwest: 97", True),
    (Number(445), "Adding them up:\n120 + 85 = 205\n205 + 143 = 348\n348 + 97 = 445", True),
    (Number(27056), "712 × 38:\n700 × 38 = 26,600\n12 × 38 = 456\nTotal: 27,056", True),
    (Number(456), "712 × 38:\n700 × 38 = 26,600\n12 × 38 = 456\nTotal: 27,056", False),
    (Number(84), "144 / 16 = 9\n9 × 7 = 63\n63 + 21 = 84\nSo the result is 85.", False),
    # Words and names: whole words, any case, markdown emphasis ignored.
    (Text(("Oriel Bastable",)), "The chief executive is **Oriel Bastable** [1].", True),
    (Text(("Oriel Bastable",)), "Who is the chief executive of Hollowbrook Ceramics?", False),
    (Text(("Au",)), "The symbol for gold is Au.", True),
    (Text(("Au",)), "Gold is a precious metal, because it is rare.", False),
    (Text(("Mars",)), "MARS, the fourth planet.", True),
    (Text(("Mars",)), "Marseille is in France.", False),
    (AllOf(("apple", "banana", "kiwi"), ordered=True), "apple, banana, kiwi", True),
    (AllOf(("apple", "banana", "kiwi"), ordered=True), "banana, apple, kiwi", False),
    (AllOf(("apple", "banana", "kiwi"), ordered=True), "1. apple\n2. banana\n3. kiwi", True),
    (
        AllOf(("apple", "banana", "kiwi"), ordered=True),
        "The words kiwi, apple, banana sorted: apple, banana and kiwi.",
        True,
    ),
    # First mentions in order, yet never listed in order.
    (AllOf(("apple", "banana", "kiwi"), ordered=True), "apple? banana is a fruit, kiwi", False),
    (AllOf(("sales.csv", "todo.md")), "- sales.csv\n- notes/\n- todo.md", True),
    (AllOf(("sales.csv", "todo.md")), "Your workspace holds sales.csv.", False),
    # Dates: today as asked, in the usual spellings; a wrong year is wrong.
    (DateFromToday(0), "Today is Monday, 7 December 2026.", True),
    (DateFromToday(0), "It's December 7th, 2026.", True),
    (DateFromToday(0), "2026-12-07", True),
    (DateFromToday(0), "07/12/2026", True),
    (DateFromToday(0), "Today is 7 December 2025.", False),
    (DateFromToday(0), "Today is 8 December 2026.", False),
    (DateFromToday(0), "I cannot know today's date.", False),
    (DateFromToday(45), "It will be 21 January 2027.", True),
    (DateFromToday(45), "It will be 21 January 2026.", False),
    (TodayPart("weekday"), "Today is a Monday.", True),
    (TodayPart("weekday"), "Today is Sunday.", False),
    (TodayPart("month"), "It is December.", True),
    # General questions: right and citing none of the user's documents.
    (CitesNothing(Text(("Pacific",))), "The Pacific Ocean.", True),
]


@pytest.mark.parametrize(("check", "text", "expected"), CASES)
def test_check_reads_the_answer_as_a_person_would(check: Check, text: str, expected: bool) -> None:
    assert check.passes(answer(text)) is expected


def test_a_general_answer_citing_documents_does_not_pass() -> None:
    check = CitesNothing(Text(("Pacific",)))
    assert not check.passes(answer("The Pacific Ocean [1].", sources=("fenwick-r7.md",)))


def test_today_is_the_day_asked_or_the_day_answered_across_midnight() -> None:
    late = datetime(2026, 12, 7, 23, 59, 50)
    check = DateFromToday(0)
    assert check.passes(answer("7 December 2026", asked=late))
    assert check.passes(answer("8 December 2026", asked=late))
    assert not check.passes(answer("9 December 2026", asked=late))


def test_numbers_in_ignores_citations_and_keeps_decimals() -> None:
    assert numbers_in("It is 1,234.50 [2] or about one thousand") == [1234.5, 1.0]


def test_a_written_file_is_checked_on_disk(tmp_path: Path) -> None:
    check = FileHas("squares.csv", ("n,square", "6,36"))
    done = Answer("Done.", (), tmp_path)
    assert not check.passes(done)
    (tmp_path / "squares.csv").write_text("n, square\n1, 1\n6, 36\n")
    assert check.passes(done)
    (tmp_path / "squares.csv").write_text("n,square\n1,1\n")
    assert not check.passes(done)


def test_samples_pass_their_own_check_for_the_fake_model_script() -> None:
    today = datetime.combine(date.today(), datetime.min.time()) + timedelta(hours=12)
    for check, _, _ in CASES:
        assert check.passes(answer(check.sample(), asked=today)), check
