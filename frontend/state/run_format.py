"""How a run's figures and long texts read in its timeline: durations, elapsed times, model
usage, tool arguments as JSON, and long output cut with a note of how much was left out.

Kept apart from the timeline's building (``run_timeline.py``) because the Agents, Tasks and
System pages show the same durations.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

# Tool results and code output can be long; the export has them whole.
_MAX_TEXT = 4_000


def clip(text: str, limit: int = _MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… ({len(text) - limit:,} more characters)"


def pretty_json(value: Any) -> str:
    """Tool arguments as indented JSON (a plain string stays as it is)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return str(value)


def format_duration_ms(value: Any) -> str:
    """``35`` → ``"35 ms"``, ``1234`` → ``"1.2 s"``; empty when unknown."""
    try:
        ms = float(value)
    except (TypeError, ValueError):
        return ""
    if ms < 1000:
        return f"{round(ms)} ms"
    return f"{ms / 1000:.1f} s"


def format_seconds(value: Any) -> str:
    """A duration in seconds as ``"0.4 s"``, ``"12 s"`` or ``"3 min 5 s"``; ``"—"`` if unknown."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return "—"
    if seconds < 0:
        return "—"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"


def _parse_ts(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    # Replayed events come back from SQLite without a zone; they were stored in UTC.
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def elapsed(start: str, moment: str) -> str:
    """How long after ``start`` an event happened, as ``"+1.4 s"``; empty if unknown."""
    begin, end = _parse_ts(start), _parse_ts(moment)
    if begin is None or end is None:
        return ""
    return "+" + format_seconds(max(0.0, (end - begin).total_seconds()))


def usage_text(data: dict[str, Any]) -> str:
    """``"3 model calls · 420 tokens"`` (of the budget, when there is one)."""
    calls, tokens = data.get("model_calls"), data.get("tokens")
    parts = []
    if isinstance(calls, int):
        parts.append(f"{calls} model call" + ("" if calls == 1 else "s"))
    if isinstance(tokens, int):
        limit = data.get("max_tokens")
        parts.append(f"{tokens:,} / {limit:,} tokens" if limit else f"{tokens:,} tokens")
    return " · ".join(parts)
