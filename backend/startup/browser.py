"""Telling the person where AgentDesk is: the ready line, the lock's note and the browser."""

from __future__ import annotations

import logging
import time
import webbrowser

from backend.startup.single_instance import InstanceLock

log = logging.getLogger("agentdesk.launcher")


def announce_ready(
    ui_url: str,
    started: float,
    *,
    lock: InstanceLock | None,
    open_browser: bool,
    how_to_stop: str,
) -> None:
    """Say where AgentDesk is, tell a later start (through the lock), and open the browser."""
    elapsed = time.monotonic() - started
    log.info("ready at %s after %.1f s", ui_url, elapsed)
    if lock is not None:
        lock.publish(ui_url)
    print(f"AgentDesk is ready at {ui_url} ({elapsed:.1f} s). To stop it, {how_to_stop}.")
    if open_browser:
        webbrowser.open(ui_url)
