"""How fast the model answers: completion tokens per second over its recent calls."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

CHARS_PER_TOKEN = 4


class ThroughputMeter:
    """Keeps the last calls' (tokens, seconds); safe from any thread.

    The seconds are whole calls, prompt reading included, so this is the rate a user sees.
    """

    def __init__(
        self, calls: int = 20, window_seconds: float = 600.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.window_seconds = window_seconds
        self.clock = clock
        self._calls: deque[tuple[float, int, float]] = deque(maxlen=calls)
        self._lock = threading.Lock()

    def record(self, usage: dict[str, Any] | None, seconds: float, text: str = "") -> None:
        """One finished call; without reported usage the tokens are guessed from ``text``."""
        tokens = int((usage or {}).get("completion_tokens") or 0)
        if not tokens and text:
            tokens = max(1, len(text) // CHARS_PER_TOKEN)
        if tokens <= 0 or seconds <= 0:
            return
        with self._lock:
            self._calls.append((self.clock(), tokens, seconds))

    def rate(self) -> float | None:
        """Tokens per second over the recent calls; None when there were none lately."""
        since = self.clock() - self.window_seconds
        with self._lock:
            recent = [(tokens, seconds) for when, tokens, seconds in self._calls if when >= since]
        if not recent:
            return None
        return round(sum(t for t, _ in recent) / sum(s for _, s in recent), 1)
