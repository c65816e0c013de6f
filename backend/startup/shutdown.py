"""Stopping AgentDesk cleanly, however it is asked: Ctrl+C, a closed window, or Quit.

The launcher turns every stop signal into ``KeyboardInterrupt``, so one ``finally`` stops the
UI child (or the in-process server) and releases the data folder's lock. The UI's Quit button
goes through the API (``POST /api/system/shutdown``), which calls the handler registered in
``backend.lifecycle``: the in-process server registers one that ends its loop; from source
the child is given the launcher's process id and signals it (``LAUNCHER_PID_ENV``).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from types import FrameType

from backend import lifecycle

# Every way a terminal or a service manager asks a process to end.
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")


def _stop_on_signal(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Make each stop signal end the launcher the way Ctrl+C does."""
    # SIGINT too: a shell that starts us in the background hands it down as ignored.
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop_on_signal)


@contextlib.contextmanager
def stopped_by(stop: Callable[[], None]) -> Iterator[None]:
    """While inside, the UI's Quit and a closed terminal call ``stop`` (the in-process server).

    uvicorn handles SIGINT and SIGTERM itself; SIGHUP (the terminal was closed) is added here.
    """
    lifecycle.set_shutdown_handler(stop)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda signum, frame: stop())
    try:
        yield
    finally:
        lifecycle.set_shutdown_handler(None)
