"""Numbers, times and snippets in the words and units people read on the Knowledge page."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from backend.api.schemas.search_words import search_terms, word_pattern

# Enough text around the first match to judge a hit without reading the whole chunk.
_SNIPPET_CHARS = 320


@dataclasses.dataclass
class TextPart:
    """A piece of a snippet; ``match`` marks a searched word."""

    text: str
    match: bool


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def human_size(size: int) -> str:
    """``1536`` → ``"1.5 KB"``; bytes stay whole numbers."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def format_eta(seconds: float | None) -> str:
    """Remaining time as ``"45 s"``, ``"3 min 5 s"`` or ``"2 h 4 min"``; ``"—"`` if unknown."""
    if seconds is None or seconds < 0:
        return "—"
    whole = round(seconds)
    if whole < 1:
        return "<1 s"
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def format_rate(value: Any) -> str:
    """A per-second rate with one decimal, ``"0"`` when idle."""
    rate = _float(value) or 0.0
    return "0" if rate <= 0 else f"{rate:.1f}"


def format_score(value: Any) -> str:
    """Fused (RRF) scores are small fractions and BM25 scores can be large: keep both readable."""
    score = _float(value)
    if score is None:
        return ""
    if 0 < abs(score) < 0.001:
        return "<0.001"
    return f"{score:.3f}" if abs(score) < 10 else f"{score:.1f}"


def format_time(value: Any) -> str:
    """An ISO timestamp as local ``YYYY-MM-DD HH:MM``; empty when missing or unreadable."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def plural(count: int, noun: str) -> str:
    """``"1 chunk"``, ``"3 chunks"``."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def page_label(page: Any) -> str:
    """``"p. 3"`` for a page number, empty for formats without pages."""
    return f"p. {page}" if page not in (None, "", 0) else ""


def snippet_parts(text: str, query: str, width: int = _SNIPPET_CHARS) -> list[TextPart]:
    """A window of ``text`` around the first searched word, split into plain and matched parts.

    Matches are found in the whole text, then clipped to the window, so a window that opens
    inside a word does not make that word's tail look like a word of its own.
    """
    flat = " ".join(text.split())
    pattern = word_pattern(search_terms(query))
    matches = list(pattern.finditer(flat)) if pattern else []
    start = max(0, (matches[0].start() if matches else 0) - width // 3)
    end = start + width
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    parts, cursor = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        if match.start() > cursor:
            parts.append(TextPart(flat[cursor : match.start()], False))
        parts.append(TextPart(match.group(), True))
        cursor = match.end()
    parts.append(TextPart(flat[cursor:end], False))
    parts[0].text = prefix + parts[0].text
    parts[-1].text += suffix
    return [part for part in parts if part.text]
