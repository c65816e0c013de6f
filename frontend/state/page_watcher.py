"""Polling a page's data for as long as the page is open, shared by the pages that poll."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any, ClassVar

import reflex as rx

# Well inside the 5 s the issues ask for; the system monitor itself samples every 5 s.
POLL_SECONDS = 2.0
# The page's timer proves it is still open; a closed tab stops proving it and polling ends.
HEARTBEAT_MS = 2_000
_STALE_SECONDS = 6.0


class PageWatcher(rx.State, mixin=True):
    """Re-reads a page's data every few seconds while the page's timer calls ``keep_watching``.

    A state using it says how one poll goes: ``_poll_read`` (under the state's lock) returns
    the read to await with the lock released; ``_poll_apply`` (under the lock again) shows it.
    """

    _poll_seconds: ClassVar[float] = POLL_SECONDS
    _watching: bool = False
    _watch_id: int = 0
    _seen_at: float = 0.0

    @rx.event
    def keep_watching(self, _tick: str = "") -> Any:
        """Called by the page's timer: note that it is open and make sure polling runs."""
        self._seen_at = time.monotonic()
        if self._watching:
            return None
        self._watching = True
        self._watch_id += 1
        return type(self).watch

    @rx.event
    def stop_watching(self) -> None:
        """The page was left: polling ends at its next turn, not when the heartbeat lapses."""
        self._watching = False

    @rx.event(background=True)
    async def watch(self) -> None:
        """Poll every few seconds until the page is left or its heartbeat stops."""
        async with self:
            mine = self._watch_id
        while True:
            await asyncio.sleep(self._poll_seconds)
            async with self:
                read = self._poll_read()
            polled = await read
            async with self:
                stale = time.monotonic() - self._seen_at > _STALE_SECONDS
                if not self._watching or self._watch_id != mine or stale:
                    # A newer loop owns the flag; only this loop's own end clears it.
                    if self._watch_id == mine:
                        self._watching = False
                    return
                self._poll_apply(polled)

    def _poll_read(self) -> Awaitable[Any]:
        """The read one poll awaits; every page state using the watcher defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define _poll_read")

    def _poll_apply(self, polled: Any) -> None:
        """Show what ``_poll_read`` returned; every page state using the watcher defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define _poll_apply")
