"""AppProcesses: the memory and CPU of everything AgentDesk runs, not just its own process.

AgentDesk is several processes: the model server it starts (llama.cpp, often the biggest by
far), code-sandbox workers and MCP servers, and, when run from source, the launcher and the
Reflex UI server above the process that serves the API. Counting only the last one showed
"790 MB, 5 % CPU" while the model server sat at 3 GB and a full core.

What counts: the outermost AgentDesk process (the launcher, when ``run.py`` started this one;
else this process) and every process below it, plus the model server wherever it hangs.
Resident memory is summed, so pages two processes share count twice: an upper bound, and the
figure the operating system's own monitors show. Finding the processes below means reading
every process on the machine, so that walk is done once a minute; the model server, whose id
AgentDesk knows, and the processes already found are read on every sample.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

from backend.lifecycle import LAUNCHER_PID_ENV

WALK_SECONDS = 60.0


@dataclass
class Usage:
    """Resident memory (MB) and CPU (percent of one core) of one process or a group."""

    rss_mb: float
    cpu_percent: float


@dataclass
class AppUsage:
    """One reading: this process, the model server (None when AgentDesk runs none), and all."""

    own: Usage
    model: Usage | None
    total: Usage
    processes: int


def launcher_pid(env: dict[str, str] | None = None) -> int | None:
    """The ``run.py`` launcher above this process, when there is one (from its environment)."""
    raw = (env if env is not None else os.environ).get(LAUNCHER_PID_ENV, "")
    if not raw.isdigit():
        return None
    pid = int(raw)
    try:
        # Only an ancestor counts: an inherited variable may name an unrelated process.
        ancestors = {parent.pid for parent in psutil.Process().parents()}
    except psutil.Error:
        return None
    return pid if pid in ancestors else None


class AppProcesses:
    """Reads AgentDesk's processes; keeps one ``psutil.Process`` per process, since CPU
    percent is measured between two readings of the same object."""

    def __init__(
        self,
        model_pid: Callable[[], int | None] = lambda: None,
        root_pid: int | None = None,
        walk_seconds: float = WALK_SECONDS,
    ) -> None:
        self.model_pid = model_pid
        self.own = psutil.Process(os.getpid())
        self.root = self.own
        # A launcher gone meanwhile leaves this process as all there is to count from.
        with contextlib.suppress(psutil.Error):
            self.root = psutil.Process(root_pid) if root_pid else self.own
        self.walk_seconds = walk_seconds
        self._known: dict[int, psutil.Process] = {self.own.pid: self.own}
        self._walked_at: float | None = None
        # The first reading only sets the baseline the next ones measure from.
        self.own.cpu_percent(None)

    def _process(self, pid: int) -> psutil.Process | None:
        if pid not in self._known:
            try:
                process = psutil.Process(pid)
                process.cpu_percent(None)
            except psutil.Error:
                return None
            self._known[pid] = process
        return self._known[pid]

    def _walk(self) -> None:
        """Find the processes below the root (new sandbox workers, a restarted UI server)."""
        now = time.monotonic()
        if self._walked_at is not None and now - self._walked_at < self.walk_seconds:
            return
        self._walked_at = now
        try:
            found = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            found = [self.own]
        for process in found:
            self._process(process.pid)

    def read(self) -> AppUsage:
        """Memory and CPU now: each process known, the model server on its own, and the sum."""
        self._walk()
        model_pid = self.model_pid()
        model_process = self._process(model_pid) if model_pid else None
        readings: dict[int, Usage] = {}
        for pid, process in list(self._known.items()):
            try:
                with process.oneshot():
                    rss = process.memory_info().rss
                    cpu = process.cpu_percent(None)
            except psutil.Error:
                # Ended since the last walk (a sandbox worker, a restarted model server).
                del self._known[pid]
                continue
            readings[pid] = Usage(round(rss / 2**20, 1), cpu)
        own = readings.get(self.own.pid, Usage(0.0, 0.0))
        model = readings.get(model_process.pid) if model_process is not None else None
        total = Usage(
            round(sum(u.rss_mb for u in readings.values()), 1),
            round(sum(u.cpu_percent for u in readings.values()), 1),
        )
        return AppUsage(own, model, total, len(readings))
