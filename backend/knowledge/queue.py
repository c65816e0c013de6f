"""IngestQueue: one worker thread takes files in turn once they have stopped changing.

A path waits until its size and modification time have been stable for the debounce time,
so a file still being copied is never read half-way. A file its writer has closed (or renamed
into place) is complete already and is ready at once; a later write to it starts the wait
again. One worker keeps the CPU free enough for chat; it takes several ready files at once so
their chunks are embedded together.

The worker's stepping aside for chat answers is in ``queue_yield.py`` and the figures the
status page shows (batch, rates, recent outcomes) in ``queue_progress.py``; both are mixed
into :class:`IngestQueue`, which keeps their attributes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from backend.knowledge.files import Fingerprint, fingerprint, path_key
from backend.knowledge.ingest import Ingestor, Outcome
from backend.knowledge.queue_progress import QueueProgress
from backend.knowledge.queue_yield import MAX_YIELD_SECONDS as MAX_YIELD_SECONDS
from backend.knowledge.queue_yield import YieldsToChat
from backend.knowledge.retry import RetryBook, log_failure, put_off

log = logging.getLogger(__name__)

Action = Literal["upsert", "delete", "move"]
BATCH_FILES = 16


@dataclass
class _Item:
    action: Action
    path: Path
    ready_at: float
    seen: Fingerprint | None
    source: Path | None = None
    # The writer has closed the file: it needs no quiet time, only the check at take time.
    complete: bool = False


class IngestQueue(YieldsToChat, QueueProgress):
    """Pending work per path, a worker thread, and the figures the status page shows."""

    def __init__(
        self,
        ingestor: Ingestor,
        debounce: float = 1.0,
        max_pending: int = 100_000,
        on_idle: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ingestor = ingestor
        self.debounce = debounce
        self.clock = clock
        self.max_pending = max_pending
        self.on_idle = on_idle
        # Set by the app: lists new files as pending the moment they are queued, so they show
        # while they wait (for chat answers, or behind a long batch), not once they are read.
        self.on_arrival: Callable[[list[Path]], None] | None = None
        self._init_yielding()
        self._pending: dict[Path, _Item] = {}
        self._lock = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.active: tuple[str, str] | None = None
        self.overflowed = False
        self._init_progress()
        self.version = 0
        self.retries = RetryBook()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ingest-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the file in progress finish, then stop the worker."""
        with self._lock:
            self._stop = True
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def submit(
        self,
        path: Path,
        action: Action = "upsert",
        source: Path | None = None,
        complete: bool = False,
        announce: bool = True,
    ) -> bool:
        """Queue work for ``path``; False when the queue is full (a later scan catches up).

        ``complete`` says the writer is done with the file (it closed it, or renamed it into
        place), so it is ready now instead of after the debounce. A file new to the queue is
        announced (``on_arrival``) unless ``announce`` is False (``submit_many`` does it once).
        """
        now = self.clock()
        seen = fingerprint(path)
        with self._lock:
            arrived = path not in self._pending and action == "upsert"
            if path not in self._pending and len(self._pending) >= self.max_pending:
                self.overflowed = True
                return False
            if not self._pending and self.active is None:
                self.batch_total, self.batch_done = 0, 0
                self._window_start = now
            if path not in self._pending:
                self.batch_total += 1
            complete = action == "upsert" and (
                complete or _metadata_only(self._pending.get(path), seen)
            )
            # Deletes wait a little longer, so the create half of a move is seen first.
            delay = self.debounce * (1.5 if action == "delete" else 1.0)
            ready_at = now if complete else now + delay
            self._pending[path] = _Item(action, path, ready_at, seen, source, complete)
            self.version += 1
            self._lock.notify_all()
        if arrived and announce:
            self._announce([path])
        return True

    def submit_many(self, paths: list[Path]) -> int:
        """Queue these files to be indexed, announcing them together; how many were queued."""
        queued = [path for path in paths if self.submit(path, "upsert", announce=False)]
        self._announce(queued)
        return len(queued)

    def _announce(self, paths: list[Path]) -> None:
        if not paths or self.on_arrival is None:
            return
        try:
            self.on_arrival(paths)
        except Exception as error:
            # Listing them early is a courtesy: they are queued, and listed when indexed.
            log_failure(error, "could not list new files as pending")

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until nothing is queued or in progress (for tests and the CLI)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending or self.active is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, 0.2))
        return True

    def _take_ready(self) -> list[_Item]:
        """Items whose files have held still for the debounce time (called with the lock)."""
        now = self.clock()
        ready: list[_Item] = []
        for path, item in list(self._pending.items()):
            if item.ready_at > now:
                continue
            if item.action == "upsert":
                current = fingerprint(path)
                if current is not None and current != item.seen:
                    # Written again since it was last seen: wait for it to hold still.
                    item.seen, item.ready_at = current, now + self.debounce
                    item.complete = False
                    continue
            ready.append(self._pending.pop(path))
            if len(ready) >= BATCH_FILES:
                break
        return ready

    def _run(self) -> None:
        while True:
            with self._lock:
                ready = self._take_ready()
                while not ready and not self._stop:
                    if self.active is not None:
                        self.active = None
                        self._lock.notify_all()
                        if not self._pending and self.on_idle is not None:
                            self._idle_unlocked()
                            # Work may have arrived while the lock was free: look again
                            # before sleeping, or its wake-up call would be lost.
                            ready = self._take_ready()
                            continue
                    waits = [item.ready_at for item in self._pending.values()]
                    timeout = max(0.02, min(waits) - self.clock()) if waits else None
                    self._lock.wait(timeout)
                    ready = self._take_ready()
                if self._stop:
                    self.active = None
                    self._lock.notify_all()
                    return
                self.active = (path_key(ready[0].path), "indexing")
            self._process(ready)

    def _idle_unlocked(self) -> None:
        """Run the idle callback with the lock released (called with the lock held)."""
        assert self.on_idle is not None
        self._lock.release()
        try:
            self.on_idle()
        except Exception as error:
            # Saving the vector index fails on a full disk; the next idle moment saves it.
            log_failure(error, "idle callback failed")
        finally:
            self._lock.acquire()

    def _process(self, items: list[_Item]) -> None:
        self._yield_to_chat()
        done: list[tuple[_Item, Outcome]] = []
        upserts = [item for item in items if item.action == "upsert"]
        try:
            if upserts:
                outcomes = self.ingestor.ingest_many([item.path for item in upserts])
                done += zip(upserts, outcomes, strict=True)
        except Exception as error:
            log_failure(error, "ingest worker error")
            done += [(item, later) for item in upserts if (later := put_off(item.path, error))]
        # Each delete and move on its own: one that fails must not drop the others.
        for item in items:
            try:
                if item.action == "delete":
                    done.append((item, self.ingestor.remove(item.path)))
                elif item.action == "move" and item.source is not None:
                    done.append((item, self.ingestor.move(item.source, item.path)))
            except Exception as error:
                what = f"ingest worker error ({item.action} of {path_key(item.path)})"
                log_failure(error, what)
                if later := put_off(item.path, error):
                    done.append((item, later))
        self._try_again_later(done)
        with self._lock:
            self._count_done(len(items), [outcome for _, outcome in done])
            self.version += 1

    def _try_again_later(self, done: list[tuple[_Item, Outcome]]) -> None:
        """Queue again, after a growing wait, the work that failed for a passing reason."""
        for item, outcome in done:
            if not outcome.retry:
                self.retries.done(item.path)
                continue
            delay = self.retries.failed(item.path, outcome.reason)
            with self._lock:
                if item.path in self._pending:
                    continue  # newer work for the path is queued already
                ready_at = self.clock() + delay
                seen = fingerprint(item.path)
                again = _Item(item.action, item.path, ready_at, seen, item.source, complete=True)
                self._pending[item.path] = again
                self.batch_total += 1
                self._lock.notify_all()


def _metadata_only(pending: _Item | None, seen: Fingerprint | None) -> bool:
    """True for a change to a closed file that kept its size: a copy setting the original
    times or mode after closing (``cp -p``, ``shutil.copy2``), not a new write, which
    truncates or grows the file."""
    return (
        pending is not None
        and pending.complete
        and pending.action == "upsert"
        and seen is not None
        and pending.seen is not None
        and seen.size == pending.seen.size
    )
