"""Stopping AgentDesk from its own UI: whoever started the server says how it is stopped.

The desktop app serves everything in one process and registers a handler that ends its
server loop. ``run.py`` from source starts the server as a child and passes its own process
id down, so the child can ask the launcher to stop everything it started. Under a plain
``uvicorn backend.main:app`` there is no launcher, and the UI's Quit action says so.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)

LAUNCHER_PID_ENV = "AGENTDESK_LAUNCHER_PID"

_handler: Callable[[], None] | None = None


def set_shutdown_handler(handler: Callable[[], None] | None) -> None:
    """Register how this process stops the whole app (``None`` removes it)."""
    global _handler
    _handler = handler


def _signal_launcher() -> Callable[[], None] | None:
    """A handler that asks the ``run.py`` that started this server to stop, if there is one."""
    raw = os.environ.get(LAUNCHER_PID_ENV, "")
    # Windows has no signal a process can send another to ask for a clean stop.
    if not raw.isdigit() or sys.platform == "win32":
        return None
    pid = int(raw)

    def stop() -> None:
        os.kill(pid, signal.SIGTERM)

    return stop


def shutdown_handler() -> Callable[[], None] | None:
    """The registered handler, else the launcher's, else ``None`` (stopping is not offered)."""
    return _handler or _signal_launcher()


def request_shutdown() -> bool:
    """Stop the app the way its launcher set up; False when nothing here can stop it."""
    handler = shutdown_handler()
    if handler is None:
        return False
    log.info("stop requested from the UI")
    try:
        handler()
    except OSError as error:  # the launcher is already gone
        log.warning("could not stop the launcher: %s", error)
        return False
    return True
