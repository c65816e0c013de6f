"""A locked database and a full disk are told apart from bugs, and waited out when short."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from backend.storage.problems import BUSY, FULL, storage_problem, with_retries


def wrapped(message: str) -> OperationalError:
    """The error SQLAlchemy raises for a driver error, as the app sees it."""
    return OperationalError("INSERT INTO runs ...", {}, sqlite3.OperationalError(message))


def test_the_kinds_are_recognised_however_they_arrive() -> None:
    assert storage_problem(wrapped("database is locked")) is BUSY
    assert storage_problem(sqlite3.OperationalError("database table is locked")) is BUSY
    assert storage_problem(wrapped("database or disk is full")) is FULL
    assert storage_problem(OSError(errno.ENOSPC, "No space left on device")) is FULL
    try:
        try:
            raise OSError(errno.EDQUOT, "Disk quota exceeded")
        except OSError as error:
            raise RuntimeError("saving failed") from error
    except RuntimeError as outer:
        assert storage_problem(outer) is FULL
    assert FULL.http_status == 507 and BUSY.http_status == 503


def test_other_errors_are_not_storage_problems() -> None:
    assert storage_problem(ValueError("database is locked")) is None  # not from storage
    assert storage_problem(wrapped("no such table: runs")) is None
    assert storage_problem(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE"))) is None
    assert storage_problem(OSError(errno.EACCES, "Permission denied")) is None


def test_a_real_lock_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0.05)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("INSERT INTO t VALUES (1)")
    assert storage_problem(caught.value) is BUSY
    holder.execute("ROLLBACK")


def test_retries_wait_out_a_problem_then_give_up() -> None:
    pauses: list[float] = []
    calls = iter([wrapped("database is locked"), wrapped("database is locked"), None])

    def work() -> str:
        error = next(calls)
        if error is not None:
            raise error
        return "saved"

    assert with_retries(work, "saving", pauses=(1, 2, 4), sleep=pauses.append) == "saved"
    assert pauses == [1, 2]

    def always_full() -> None:
        raise wrapped("database or disk is full")

    with pytest.raises(OperationalError):
        with_retries(always_full, "saving", pauses=(1, 2), sleep=pauses.append)
    assert pauses == [1, 2, 1, 2]


def test_other_errors_are_not_retried() -> None:
    pauses: list[float] = []

    def broken() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        with_retries(broken, "saving", pauses=(1,), sleep=pauses.append)
    assert pauses == []
