"""Sizes, times, scores and highlighted snippets as the Knowledge page shows them."""

from __future__ import annotations

import pytest

from frontend.state import knowledge_format as kf
from frontend.state.knowledge_format import TextPart


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1536, "1.5 KB"),
        (5 * 1024**2, "5.0 MB"),
        (3 * 1024**4, "3072.0 GB"),
    ],
)
def test_human_size(size: int, expected: str) -> None:
    assert kf.human_size(size) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "—"),
        (-1, "—"),
        (0.2, "<1 s"),
        (4.6, "5 s"),
        (60, "1 min"),
        (185, "3 min 5 s"),
        (7440, "2 h 4 min"),
    ],
)
def test_format_eta(seconds: float | None, expected: str) -> None:
    assert kf.format_eta(seconds) == expected


def test_scores_stay_readable_for_every_ranking() -> None:
    assert kf.format_score(0.0327868) == "0.033"
    assert kf.format_score(12.3456) == "12.3"
    assert kf.format_score(None) == ""
    assert kf.format_score(0.0000012) == "<0.001"
    assert kf.format_score(0) == "0.000"


def test_indexed_time_is_shown_in_minutes() -> None:
    assert kf.format_time("2026-01-02T03:04:05") == "2026-01-02 03:04"
    assert kf.format_time("not a time") == "not a time"


def test_snippet_highlights_every_searched_word() -> None:
    parts = kf.snippet_parts("The zebra ran.\nA Zebra rested.", "zebra")
    assert parts == [
        TextPart("The ", False),
        TextPart("zebra", True),
        TextPart(" ran. A ", False),
        TextPart("Zebra", True),
        TextPart(" rested.", False),
    ]


def test_snippet_is_a_window_around_the_first_match() -> None:
    text = "filler " * 200 + "needle here " + "tail " * 200
    parts = kf.snippet_parts(text, "needle", width=120)
    joined = "".join(part.text for part in parts)
    assert joined.startswith("…") and joined.endswith("…")
    assert [part.text for part in parts if part.match] == ["needle"]
    assert len(joined) <= 122


def test_snippet_without_searchable_words_is_plain_text() -> None:
    assert kf.snippet_parts("short text", "?") == [TextPart("short text", False)]


def test_snippet_highlights_words_not_letters_inside_them() -> None:
    # "per" is a word start in "personal" but only letters inside "Operations" and "upper".
    parts = kf.snippet_parts("Operations run the upper floor; personal per diem.", "per")
    assert [part.text for part in parts if part.match] == ["personal", "per"]


def test_snippet_highlights_the_whole_word_a_search_begins() -> None:
    parts = kf.snippet_parts("Backup operations failed. Cooperation helps.", "operation")
    assert [part.text for part in parts if part.match] == ["operations"]
    joined = "".join(part.text for part in parts)
    assert joined == "Backup operations failed. Cooperation helps."


def test_snippet_window_starting_mid_word_does_not_highlight_its_tail() -> None:
    # The window opens a third of its width before the first match: inside "supersonic".
    text = "x" * 300 + " supersonic abcdefghijklm sonic booms " + "y" * 300
    parts = kf.snippet_parts(text, "sonic", width=60)
    assert "".join(part.text for part in parts).startswith("…sonic abcdefghijklm")
    assert [part.text for part in parts if part.match] == ["sonic"]


@pytest.mark.parametrize(
    ("text", "query", "marked"),
    [
        ("Revenue was 4,180 units, then 14,180.", "4,180", ["4,180"]),
        ("Revenue was 4,180 units.", "180", []),
        ("The peak was 961.4 MW at noon.", "961.4", ["961.4"]),
        ("The peak was 961.4 MW, 961 at night.", "961", ["961.4", "961"]),
        ("Totals: 1,234,567.89 and 2,000, then done.", "2,000", ["2,000"]),
    ],
)
def test_snippet_treats_a_number_with_separators_as_one_word(
    text: str, query: str, marked: list[str]
) -> None:
    parts = kf.snippet_parts(text, query)
    assert [part.text for part in parts if part.match] == marked
    assert "".join(part.text for part in parts) == text
