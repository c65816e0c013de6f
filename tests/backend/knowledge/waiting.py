"""Waiting for what a background worker (the watcher, the ingest queue) does in its own time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T], timeout: float = 20.0, show: Callable[[], object] = lambda: ""
) -> T:
    """Poll ``condition`` until it is truthy and return its value; after ``timeout`` seconds
    fail, with ``show()`` saying what the state was."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in time; state: {show()}")
        time.sleep(0.01)
    return result
