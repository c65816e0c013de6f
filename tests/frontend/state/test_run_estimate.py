"""The chat banner's estimate: read from a run event, counted down, worded."""

from __future__ import annotations

from frontend.state.run_estimate import WaitEstimate, banner_text, estimate_from


def test_an_event_estimate_is_read() -> None:
    data = {"place": 2, "seconds": 81.4, "based_on": 8, "tokens_per_second": 12.25}
    assert estimate_from("r1", data) == WaitEstimate("r1", 2, 81.4, 8, 12.25)
    none_yet = {"place": 0, "seconds": None, "based_on": 0, "tokens_per_second": None}
    assert estimate_from("r1", none_yet) == WaitEstimate("r1", 0, -1.0, 0, 0.0)
    assert estimate_from("r1", "soon") is None
    assert estimate_from("r1", {"place": "first"}) is None


def test_a_waiting_answer_names_its_place_and_the_time() -> None:
    text = banner_text(WaitEstimate("r", 2, 80.0, 8, 12.25), 0.0)
    assert text == (
        "Waiting for a free agent slot: number 2 in line · about 1 min 20 s — based on your "
        "last 8 answers · the model writes 12.2 tokens/s"
    )


def test_the_time_counts_down_and_then_says_it_is_late() -> None:
    estimate = WaitEstimate("r", 0, 40.0, 1, 0.0)
    assert banner_text(estimate, 0.0) == (
        "Working on your answer · about 40 s — based on your last answer"
    )
    assert "about 28 s" in banner_text(estimate, 12.0)
    assert banner_text(estimate, 45.0) == (
        "Working on your answer · taking longer than the 40 s your last answer took"
    )


def test_no_history_says_so() -> None:
    assert banner_text(WaitEstimate("r", 1, -1.0, 0, 0.0), 3.0) == (
        "Waiting for a free agent slot: number 1 in line · no estimate yet"
    )
