"""One AgentDesk per data folder: a second start finds the first and opens it instead.

The lock is an operating-system file lock, so it is released however the holder ends (a crash
or a kill included) and a stale lock file never blocks the next start.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import webbrowser
from pathlib import Path
from typing import IO

import httpx

LOCK_NAME = "agentdesk.lock"
INFO_NAME = "instance.json"


class InstanceLock:
    """Held for as long as this process serves the data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self.info_path = data_dir / INFO_NAME
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another running AgentDesk holds it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+b")  # noqa: SIM115  # held open while the app runs
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def publish(self, url: str) -> None:
        """Tell a later start where this instance listens."""
        info = {"url": url, "pid": os.getpid()}
        temp = self.info_path.with_suffix(".tmp")
        temp.write_text(json.dumps(info), encoding="utf-8")
        os.replace(temp, self.info_path)

    def release(self) -> None:
        """Let the next start have the folder."""
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self.info_path.unlink()
        with contextlib.suppress(OSError):
            _unlock(self._handle)
        self._handle.close()
        self._handle = None

    def running_url(self) -> str | None:
        """The URL the holder published, if it has got that far."""
        try:
            info = json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        url = info.get("url") if isinstance(info, dict) else None
        return url if isinstance(url, str) and url.startswith("http") else None


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether an AgentDesk answers its health check at ``url``."""
    try:
        response = httpx.get(f"{url.rstrip('/')}/api/health", timeout=timeout, trust_env=False)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def open_running(lock: InstanceLock, no_browser: bool, wait: float = 30.0) -> int:
    """Another AgentDesk holds this data folder: open it in the browser instead of starting."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        url = lock.running_url()
        if url and answers(url):
            print(f"AgentDesk is already running at {url}")
            if not no_browser:
                webbrowser.open(url)
            return 0
        time.sleep(0.5)  # it may still be starting
    print(
        f"Another AgentDesk is using {lock.data_dir} but does not answer. Close it (or end "
        "its process) and start again.",
        file=sys.stderr,
    )
    return 1


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
