"""How long an answer should take: the median of recent runs, and the wait in line."""

from __future__ import annotations

import pytest

from agents.estimate import Estimate, estimate, median


def test_the_median_of_an_odd_and_an_even_count() -> None:
    assert median([30.0, 140.0, 40.0]) == 40.0
    assert median([30.0, 40.0, 50.0, 140.0]) == 45.0
    assert median([12.5]) == 12.5
    assert median([]) is None


def test_an_answer_being_worked_on_expects_its_modes_median() -> None:
    found = estimate({"chat": [30.0, 140.0, 40.0]}, "chat", ahead=[], slots=1, place=0)
    assert found == Estimate(place=0, seconds=40.0, based_on=3, tokens_per_second=None)


def test_no_history_of_the_mode_means_no_estimate() -> None:
    found = estimate({"chat": [10.0]}, "code", ahead=["chat"], slots=1, place=1, rate=21.5)
    assert found.seconds is None and found.based_on == 0
    assert found.place == 1 and found.tokens_per_second == 21.5


def test_a_waiting_answer_adds_the_time_of_those_ahead() -> None:
    history = {"chat": [20.0, 40.0, 30.0], "code": [100.0, 80.0]}
    # One slot: the run holding it (code, 90 s) and one waiting before it (chat, 30 s).
    found = estimate(history, "chat", ahead=["code", "chat"], slots=1, place=2)
    assert found.seconds == 90.0 + 30.0 + 30.0 and found.based_on == 3
    # Two slots work through those ahead twice as fast.
    found = estimate(history, "chat", ahead=["code", "chat"], slots=2, place=1)
    assert found.seconds == (90.0 + 30.0) / 2 + 30.0


def test_a_run_ahead_of_a_mode_without_history_counts_as_this_one() -> None:
    found = estimate({"chat": [30.0]}, "chat", ahead=["team"], slots=1, place=1)
    assert found.seconds == 60.0


@pytest.mark.parametrize("place", [1, 2, 5])
def test_the_place_in_line_is_kept(place: int) -> None:
    ahead = ["chat"] * place
    found = estimate({"chat": [10.0]}, "chat", ahead=ahead, slots=1, place=place)
    assert found.place == place and found.seconds == 10.0 * (place + 1)


def test_as_data_is_what_the_events_carry() -> None:
    data = Estimate(place=2, seconds=41.26, based_on=8, tokens_per_second=12.0).as_data()
    assert data == {"place": 2, "seconds": 41.3, "based_on": 8, "tokens_per_second": 12.0}
