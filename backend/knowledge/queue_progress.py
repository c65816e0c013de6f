"""The figures the Knowledge page shows while files are indexed: the batch, rates, outcomes.

Kept apart from the queue's scheduling: these only count what the worker finished, and the
ETA comes from the rates over the last minute of work.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path

from backend.knowledge.ingest import Outcome

RATE_WINDOW = 60.0


class QueueProgress:
    """Progress of :class:`~backend.knowledge.queue.IngestQueue`: the batch under way (done of
    total), the recent outcomes and the files and chunks per second."""

    # The queue's: its lock, what the worker is doing, and the work still waiting.
    _lock: threading.Condition
    active: tuple[str, str] | None
    _pending: Mapping[Path, object]

    def _init_progress(self) -> None:
        self.recent: deque[tuple[Outcome, float]] = deque(maxlen=200)
        # (when, files, chunks) per finished batch, for the rates shown while ingesting.
        self._done: deque[tuple[float, int, int]] = deque()
        self._window_start: float | None = None
        self._last_rates = (0.0, 0.0)
        self.batch_total = 0
        self.batch_done = 0

    def _count_done(self, files: int, outcomes: Sequence[Outcome]) -> None:
        """Count a finished batch of ``files`` (called with the lock held)."""
        finished = time.time()
        for outcome in outcomes:
            self.recent.appendleft((outcome, finished))
        self._done.append((time.monotonic(), files, sum(o.chunks for o in outcomes)))
        self.batch_done += files

    def rates(self) -> tuple[float, float]:
        """Files and chunks per second over the last minute of work.

        While one long batch is still running, the last figures stand, so the ETA does not
        vanish in the middle of a big folder.
        """
        now = time.monotonic()
        with self._lock:
            while self._done and now - self._done[0][0] > RATE_WINDOW:
                self._done.popleft()
            if not self._done:
                busy = self.active is not None or bool(self._pending)
                return self._last_rates if busy else (0.0, 0.0)
            span = max(now - max(self._started_window(), now - RATE_WINDOW), 1.0)
            files = sum(n for _, n, _ in self._done)
            chunks = sum(c for _, _, c in self._done)
            self._last_rates = (files / span, chunks / span)
            return self._last_rates

    def _started_window(self) -> float:
        return self._window_start if self._window_start is not None else self._done[0][0]
