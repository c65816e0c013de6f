"""The ingest worker steps aside while the model writes a chat answer, within a budget.

Both need the same cores, and a person waiting for an answer comes first. But when answers
never stop (many people chatting, tasks every minute), ingest must still get its share, so
the wait is limited by what the worker has earned since it last stepped aside.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# Longest the worker steps aside for chat answers before it takes its turn anyway.
MAX_YIELD_SECONDS = 60.0
# Seconds of stepping aside earned per second of not doing so: when answers never stop (many
# people chatting, tasks every minute), ingest still gets half the time instead of none.
YIELD_SHARE = 1.0


class YieldsToChat:
    """The stepping aside of :class:`~backend.knowledge.queue.IngestQueue`'s worker."""

    # The queue's: what the worker is doing (shown on the status page), and whether it stops.
    active: tuple[str, str] | None
    _stop: bool

    def _init_yielding(self) -> None:
        # Set by the app: True while an answer is being generated, so ingest waits its turn.
        self.should_yield: Callable[[], bool] = lambda: False
        # How the worker tells time while it steps aside (a test gives it a fake clock).
        self.yield_clock: Callable[[], float] = time.monotonic
        self.yield_sleep: Callable[[float], None] = time.sleep
        self._yield_credit = MAX_YIELD_SECONDS
        self._credit_since = self.yield_clock()

    def _yield_to_chat(self) -> None:
        """Wait while the model is answering (both need the same cores), within a budget.

        An answer now and then is waited out in full; when answers never stop, the wait is
        what the worker has earned since it last waited (``YIELD_SHARE``), never over
        ``MAX_YIELD_SECONDS``.
        """
        now = self.yield_clock
        started = now()
        earned = (started - self._credit_since) * YIELD_SHARE
        self._yield_credit = min(MAX_YIELD_SECONDS, self._yield_credit + earned)
        deadline = started + self._yield_credit
        while self.should_yield() and now() < deadline and not self._stop:
            if self.active is not None:
                self.active = (self.active[0], "waiting for a chat answer")
            self.yield_sleep(min(0.2, max(0.0, deadline - now())))
        ended = now()
        self._yield_credit = max(0.0, self._yield_credit - (ended - started))
        self._credit_since = ended
        if self.active is not None:
            self.active = (self.active[0], "indexing")
