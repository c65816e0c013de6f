"""Files whose ingest failed for a reason that passes by itself (the database held by another
program, a full disk) are tried again, sooner at first, then less and less often, so they get
indexed once the cause is gone without anyone adding them again."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from backend.knowledge.files import path_key
from backend.knowledge.ingest import Outcome
from backend.storage.problems import storage_problem

log = logging.getLogger("backend.knowledge.queue")

FIRST_WAIT_SECONDS = 2.0
LONGEST_WAIT_SECONDS = 300.0


@dataclass
class _Attempts:
    count: int
    reason: str


class RetryBook:
    """How often each path has failed in a row, and why; thread-safe."""

    def __init__(
        self, first: float = FIRST_WAIT_SECONDS, longest: float = LONGEST_WAIT_SECONDS
    ) -> None:
        self.first = first
        self.longest = longest
        self._paths: dict[Path, _Attempts] = {}
        self._lock = threading.Lock()

    def failed(self, path: Path, reason: str) -> float:
        """Note one more failure of ``path``; returns how long to wait before the next try."""
        with self._lock:
            attempts = self._paths.get(path)
            count = attempts.count + 1 if attempts else 1
            self._paths[path] = _Attempts(count, reason)
        return float(min(self.first * 2 ** (count - 1), self.longest))

    def done(self, path: Path) -> None:
        """``path`` was handled (indexed, skipped, removed): forget its failures."""
        with self._lock:
            self._paths.pop(path, None)

    def waiting(self) -> list[tuple[Path, str, int]]:
        """Every path waiting for another try, with the last reason and the failures so far."""
        with self._lock:
            return [(path, a.reason, a.count) for path, a in self._paths.items()]

    def __len__(self) -> int:
        with self._lock:
            return len(self._paths)


def put_off(path: Path, error: Exception) -> Outcome | None:
    """A failed outcome marked for another try when ``error`` is a storage problem, else None."""
    problem = storage_problem(error)
    if problem is None:
        return None
    return Outcome(path_key(path), "failed", problem.message, retry=True)


def log_failure(error: Exception, what: str) -> None:
    """Log a failed step: one line for a storage problem (the machine's state), else the
    traceback."""
    problem = storage_problem(error)
    if problem is not None:
        log.warning("%s (tried again later): %s", what, problem.message)
    else:
        log.error("%s", what, exc_info=error)
