"""Storage failures a person can do something about: the database is held by another program,
or the disk under the data folder is full. Both pass once the cause goes, so callers say so
and try again instead of reporting a bug."""

from __future__ import annotations

import errno
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

T = TypeVar("T")

_BUSY = ("database is locked", "database table is locked", "database is busy")
_FULL = ("database or disk is full", "no space left on device", "disk quota exceeded")
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
# Pauses between attempts; each attempt itself waits out SQLite's busy timeout (10 s).
RETRY_PAUSES = (1.0, 2.0, 4.0)


@dataclass(frozen=True)
class StorageProblem:
    """What went wrong, in words for the person, and the HTTP status that says it."""

    kind: Literal["busy", "full"]
    message: str

    @property
    def http_status(self) -> int:
        return 503 if self.kind == "busy" else 507


BUSY = StorageProblem(
    "busy",
    "the database is busy: another program is holding it (a backup, a sync tool or a second "
    "copy of AgentDesk); try again in a moment",
)
FULL = StorageProblem(
    "full",
    "the disk holding AgentDesk's data folder is full: free some space and AgentDesk "
    "carries on where it stopped",
)


def _causes(error: BaseException) -> list[BaseException]:
    """The error, the driver error SQLAlchemy wraps, and whatever caused them."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        original = current.orig if isinstance(current, DBAPIError) else None
        pending += [original, current.__cause__, current.__context__]
    return seen


def storage_problem(error: BaseException) -> StorageProblem | None:
    """BUSY or FULL when ``error`` comes from a locked database or a full disk, else None."""
    for cause in _causes(error):
        if isinstance(cause, OSError) and cause.errno in _FULL_ERRNOS:
            return FULL
        if isinstance(cause, sqlite3.Error | OSError):
            text = str(cause).lower()
            if any(marker in text for marker in _FULL):
                return FULL
            if any(marker in text for marker in _BUSY):
                return BUSY
    return None


def with_retries(
    work: Callable[[], T],
    what: str,
    pauses: Sequence[float] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``work``, again after each pause (default ``RETRY_PAUSES``) while it fails with a
    storage problem.

    Blocking (call it in a thread): meant for the one write that records how something ended,
    which is worth waiting for. Any other error, or the last failure, is raised.
    """
    for pause in [*(RETRY_PAUSES if pauses is None else pauses), None]:
        try:
            return work()
        except Exception as error:
            problem = storage_problem(error)
            if problem is None or pause is None:
                raise
            log.warning("%s failed (%s); trying again in %g s", what, problem.kind, pause)
            sleep(pause)
    raise AssertionError("unreachable")
