"""AgentDesk's processes counted together: real child processes stand in for the model server
(burning a core, holding memory) and for the other processes AgentDesk starts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from backend.automation.app_processes import launcher_pid
from backend.automation.monitor import ResourceMonitor
from backend.lifecycle import LAUNCHER_PID_ENV

HELD_MB = 150
# Holds HELD_MB of written (so resident) memory, says so, then burns a core until killed.
HOG = (
    f"held = bytearray(b'x') * ({HELD_MB} * 2**20)\n"
    "print('ready', flush=True)\n"
    "while True:\n"
    "    pass\n"
)


def start_hog() -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOG], stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()


def burn_a_while(pid: int) -> None:
    """Wait until the process has used some CPU time (measured, not slept for)."""
    watched = psutil.Process(pid)
    start = sum(watched.cpu_times()[:2])
    while sum(watched.cpu_times()[:2]) - start < 0.3:
        psutil.Process().cpu_percent(0.05)


@pytest.fixture
def hog() -> Iterator[subprocess.Popen[str]]:
    process = start_hog()
    yield process
    stop(process)


def test_the_model_server_is_shown_on_its_own_and_in_the_total(
    tmp_path: Path, hog: subprocess.Popen[str]
) -> None:
    monitor = ResourceMonitor(None, tmp_path, model_pid=lambda: hog.pid)
    monitor.sample()  # the baseline CPU is measured from
    burn_a_while(hog.pid)
    sample = monitor.sample()
    assert sample.model_rss_mb is not None and sample.model_rss_mb >= HELD_MB
    assert sample.model_cpu_percent is not None and sample.model_cpu_percent > 0
    assert sample.total_rss_mb >= sample.process_rss_mb + sample.model_rss_mb - 0.2
    assert sample.total_cpu_percent >= sample.model_cpu_percent
    assert sample.processes >= 2

    stop(hog)
    after = monitor.sample()
    assert after.model_rss_mb is None and after.model_cpu_percent is None
    assert after.total_rss_mb <= sample.total_rss_mb - HELD_MB + 0.2 * sample.total_rss_mb


def test_other_processes_it_started_count_in_the_total_only(tmp_path: Path) -> None:
    worker = start_hog()  # a sandbox worker, say: started by AgentDesk, not the model server
    try:
        monitor = ResourceMonitor(None, tmp_path)
        sample = monitor.sample()
        assert sample.model_rss_mb is None
        assert sample.total_rss_mb >= sample.process_rss_mb + HELD_MB
        assert sample.processes >= 2
    finally:
        stop(worker)


def test_the_history_keeps_the_model_server_and_the_total(
    tmp_path: Path, hog: subprocess.Popen[str]
) -> None:
    monitor = ResourceMonitor(None, tmp_path, model_pid=lambda: hog.pid)
    monitor.sample()
    series = monitor.history(minutes=5, points=100)["series"]
    assert series["model_rss_mb"][-1] >= HELD_MB
    assert series["total_rss_mb"][-1] >= series["process_rss_mb"][-1] + HELD_MB - 0.2


def test_only_a_launcher_above_this_process_counts() -> None:
    parent = os.getppid()
    assert launcher_pid({LAUNCHER_PID_ENV: str(parent)}) == parent
    with subprocess.Popen([sys.executable, "-c", "input()"], stdin=subprocess.PIPE) as child:
        assert launcher_pid({LAUNCHER_PID_ENV: str(child.pid)}) is None
        child.communicate(b"\n")
    assert launcher_pid({}) is None
