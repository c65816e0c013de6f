"""One model download at a time, in a background thread, with progress the UI polls.

The work itself (a hub download, or assembling the built-in model) is a function handed in;
this keeps the bytes, the speed over the last few seconds, the time left, and the outcome.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from backend.llm.hub_download import DownloadCancelled, DownloadError, Progress

log = logging.getLogger(__name__)

State = Literal["downloading", "verifying", "done", "failed", "cancelled"]
# Speed is measured over this many recent seconds, so a stall shows within a few polls.
SPEED_WINDOW_SECONDS = 5.0

# What a download runs: it reports progress and stops when the event is set.
Work = Callable[[Progress, threading.Event], object]


class DownloadBusy(RuntimeError):
    """Another download is still running."""


@dataclass(frozen=True)
class DownloadProgress:
    """Where one download is; ``eta_seconds`` is None until a speed is known."""

    model_id: str
    name: str
    state: State
    bytes_done: int = 0
    bytes_total: int = 0
    speed: float = 0.0  # bytes per second
    eta_seconds: float | None = None
    error: str = ""

    @property
    def percent(self) -> float:
        if not self.bytes_total:
            return 0.0
        return round(min(100.0, 100 * self.bytes_done / self.bytes_total), 1)

    @property
    def running(self) -> bool:
        return self.state in ("downloading", "verifying")


class Downloads:
    """Runs downloads one at a time and remembers how the last one went."""

    def __init__(
        self,
        on_finished: Callable[[DownloadProgress], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._current: DownloadProgress | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._samples: deque[tuple[float, int]] = deque()
        self._on_finished = on_finished
        self._clock = clock

    def status(self) -> DownloadProgress | None:
        """The running download, or how the last one ended (None before the first)."""
        with self._lock:
            return self._current

    def start(self, model_id: str, name: str, work: Work) -> DownloadProgress:
        """Start ``work`` in the background; raises :class:`DownloadBusy` if one runs."""
        with self._lock:
            if self._current is not None and self._current.running:
                raise DownloadBusy(
                    f"{self._current.name} is still downloading; wait for it or cancel it first."
                )
            self._cancel = threading.Event()
            self._samples.clear()
            self._current = DownloadProgress(model_id, name, "downloading")
            cancel = self._cancel
            self._thread = threading.Thread(
                target=self._run, args=(work, cancel), name=f"download-{model_id}", daemon=True
            )
            self._thread.start()
            return self._current

    def cancel(self) -> DownloadProgress | None:
        """Ask the running download to stop; it ends ``cancelled`` at its next chunk."""
        self._cancel.set()
        return self.status()

    def wait(self, timeout: float | None = None) -> DownloadProgress | None:
        """Wait for the running download to end (tests, and shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status()

    def _run(self, work: Work, cancel: threading.Event) -> None:
        try:
            work(self._report, cancel)
        except DownloadCancelled:
            self._finish("cancelled", "")
        except DownloadError as error:
            self._finish("failed", str(error))
        except Exception as error:  # a bug must still end the job visibly
            log.exception("model download failed")
            self._finish("failed", f"The download failed: {error}")
        else:
            self._finish("done", "")

    def _report(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        with self._lock:
            current = self._current
            if current is None:
                return
            state: State = "verifying" if stage == "verify" else "downloading"
            if state != current.state:
                self._samples.clear()
            self._samples.append((now, done))
            while self._samples and now - self._samples[0][0] > SPEED_WINDOW_SECONDS:
                self._samples.popleft()
            first_time, first_done = self._samples[0]
            speed = (done - first_done) / (now - first_time) if now > first_time else 0.0
            eta = (total - done) / speed if speed > 0 and total else None
            self._current = replace(
                current,
                state=state,
                bytes_done=done,
                bytes_total=total,
                speed=speed,
                eta_seconds=eta,
            )

    def _finish(self, state: State, error: str) -> None:
        with self._lock:
            current = self._current
            if current is None:
                return
            done = current.bytes_total if state == "done" else current.bytes_done
            self._current = replace(
                current, state=state, error=error, bytes_done=done, speed=0.0, eta_seconds=None
            )
            finished = self._current
        if error:
            log.warning("download of %s ended: %s", finished.name, error)
        if self._on_finished is not None:
            self._on_finished(finished)
