"""The server child process: output logged, start-up failures explained, whole group stopped."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import psutil
import pytest

from backend.startup.processes import ServerExited, ServerProcess, level_of

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")

# Starts a grandchild, reports both pids, then waits; optionally ignores SIGTERM.
PARENT = """
import signal, subprocess, sys, time
if "stubborn" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print("pids", child.pid, flush=True)
time.sleep(600)
"""


def _start(tmp_path: Path, *args: str) -> tuple[ServerProcess, list[int]]:
    lines: list[str] = []
    server = ServerProcess(
        [sys.executable, "-c", PARENT, *args],
        env=dict(os.environ),
        cwd=tmp_path,
        log=logging.getLogger("test"),
        echo=lines.append,
    )
    server.start()
    deadline = time.monotonic() + 20
    while not any(line.startswith("pids") for line in lines):
        assert time.monotonic() < deadline, "the test process never reported its pids"
        time.sleep(0.05)
    assert server.process is not None
    grandchild = int(next(line for line in lines if line.startswith("pids")).split()[1])
    return server, [server.process.pid, grandchild]


def _gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        alive = [
            pid
            for pid in pids
            if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        ]
        if not alive:
            return True
        time.sleep(0.05)
    return False


def test_stop_ends_the_whole_process_group(tmp_path: Path) -> None:
    server, pids = _start(tmp_path)
    server.stop(grace=5)
    assert _gone(pids)


def test_stop_kills_a_group_that_ignores_sigterm(tmp_path: Path) -> None:
    server, pids = _start(tmp_path, "stubborn")
    started = time.monotonic()
    server.stop(grace=0.5)
    assert _gone(pids)
    assert time.monotonic() - started < 10


def test_early_exit_is_reported_with_the_last_output(tmp_path: Path) -> None:
    server = ServerProcess(
        [sys.executable, "-c", "print('cannot bind port'); raise SystemExit(3)"],
        env=dict(os.environ),
        cwd=tmp_path,
        log=logging.getLogger("test"),
        echo=None,
    )
    server.start()
    with pytest.raises(ServerExited, match=r"exit code 3\)\.\ncannot bind port"):
        server.wait_healthy("http://127.0.0.1:9/api/health", timeout=30)
    server.stop()


def test_waiting_gives_up_after_the_timeout(tmp_path: Path) -> None:
    server, pids = _start(tmp_path)
    try:
        with pytest.raises(TimeoutError):
            server.wait_healthy("http://127.0.0.1:9/api/health", timeout=1)
    finally:
        server.stop(grace=2)
    assert _gone(pids)


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("Traceback (most recent call last):", logging.ERROR),
        ("Warning: something", logging.WARNING),
        ("App running at: http://127.0.0.1:8765/", logging.INFO),
    ],
)
def test_level_of(line: str, level: int) -> None:
    assert level_of(line) == level
