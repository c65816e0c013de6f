"""The pool of interpreter processes that generated code runs in.

Generated code runs in Monty (``pydantic-monty``): a Python interpreter written in Rust, made
for code that models write, in ``monty`` worker processes of its own. It is an isolation
boundary by construction, not a list of things refused: the interpreter has no file system,
network, subprocesses, environment or host objects, only what the app hands in (the registry's
tools as host functions, a few pure host modules), and its workers start with an empty
environment. Time, memory and recursion are limited inside the worker, and the pool ends a
worker that overruns its limit by more than a grace period.

One pool serves the whole app; each code run checks out a session (a worker of its own) for
its steps, so variables persist between steps and no run sees another's.
"""

from __future__ import annotations

import atexit
import sys
import threading
from pathlib import Path
from typing import Any

# Workers the pool keeps at most (a run holds one from its first step to its end).
MAX_WORKERS = 8
# How long a run waits for a free worker before its step fails with a message.
CHECKOUT_SECONDS = 30.0
# A turn of the worker that takes longer than this is ended, whatever the limits say.
REQUEST_TIMEOUT_SECONDS = 120.0
# How long a worker past its time limit gets to stop by itself before it is ended.
LIMIT_GRACE_SECONDS = 1.0

_lock = threading.Lock()
_pool: Any = None


def monty_binary() -> str | None:
    """The ``monty`` worker program inside the desktop bundle (``bin/monty`` in its internal
    folder, where build.spec puts it); None from source, where the ``pydantic-monty-runtime``
    package installed it into the environment's scripts folder."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is None:
        return None
    return str(Path(bundle) / "bin" / ("monty.exe" if sys.platform == "win32" else "monty"))


def pool() -> Any:
    """The app's worker pool, started on first use and ended when the app exits."""
    global _pool
    with _lock:
        if _pool is None:
            from pydantic_monty import Monty

            started = Monty(
                binary_path=monty_binary(),
                min_processes=0,
                max_processes=MAX_WORKERS,
                checkout_timeout=CHECKOUT_SECONDS,
                request_timeout=REQUEST_TIMEOUT_SECONDS,
                max_checkouts_per_worker=1,
                feed_duration_limit_grace=LIMIT_GRACE_SECONDS,
                turn_duration_limit_grace=LIMIT_GRACE_SECONDS,
            )
            started.__enter__()
            atexit.register(_close)
            _pool = started
        return _pool


def _close() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.__exit__(None, None, None)
            _pool = None
