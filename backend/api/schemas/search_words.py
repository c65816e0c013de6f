"""The words of a search and where they stand in a text, one rule for every search box.

A number written with thousands separators or a decimal point ("4,180", "961.4") is one
word: searching "4,180" marks all of it, and "180" alone is not a word of it.

Part of the search contract: the rule by which the server matched, which the UI uses to mark
what the server found. Pure text rules, no server code.
"""

from __future__ import annotations

import re

# A number keeps its inner "," and "." (between digits only); other words are \w runs.
_WORD = re.compile(r"\d+(?:[.,]\d+)+|\w+")
# Where a word may begin: not inside a word, nor after a separator inside a number.
_STARTS = r"(?<!\w)(?<!\d[.,])"
# The rest of a word a term begins, through separators between digits.
_REST = r"(?:\w|(?<=\d)[.,](?=\d))*"


def search_terms(query: str) -> list[str]:
    """The words of a search (two characters or more), longest first so overlapping matches
    prefer the longer word."""
    words = {word.lower() for word in _WORD.findall(query) if len(word) > 1}
    return sorted(words, key=lambda word: (-len(word), word))


def word_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """Words that begin with a searched term, whole: "per" finds "personal", not "keeper"
    or "Operations"; "961" finds "961.4"."""
    if not terms:
        return None
    alternatives = "|".join(re.escape(term) for term in terms)
    return re.compile(_STARTS + "(?:" + alternatives + ")" + _REST, re.I)
