"""What the soak measures and checks: process-tree samples, trends, missed runs, lost files."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil

# Each sample's figures and their units, in the order the table prints them.
METRICS = [("rss_mb", "MB"), ("open_files", "count"), ("threads", "count")]
# A scheduled run counts for its minute when it started within this long after it.
START_TOLERANCE = timedelta(seconds=50)


def _open_files(process: psutil.Process) -> int:
    # File descriptors on POSIX count sockets and pipes too: all of them can leak.
    if sys.platform == "win32":
        return int(process.num_handles())
    return int(process.num_fds())


class Sampler:
    """Sums RSS, open files and threads over a process tree and appends a JSON line each time."""

    def __init__(self, tree: Callable[[], list[psutil.Process]], out: Path) -> None:
        self.tree = tree
        self.out = out
        self.started = time.monotonic()
        self.samples: list[dict[str, Any]] = []
        out.write_text("", encoding="utf-8")

    def sample(self, **counts: int) -> dict[str, Any]:
        """Measure the tree now; ``counts`` (files dropped, runs so far) go into the line too."""
        rss, files, threads, processes = 0, 0, 0, 0
        for process in self.tree():
            try:
                with process.oneshot():
                    rss += process.memory_info().rss
                    files += _open_files(process)
                    threads += process.num_threads()
                processes += 1
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue  # a child that ended between the listing and the reading
        sample: dict[str, Any] = {
            "ts": datetime.now().astimezone().isoformat(timespec="seconds"),
            "elapsed_s": round(time.monotonic() - self.started, 1),
            "rss_mb": round(rss / 2**20, 1),
            "open_files": files,
            "threads": threads,
            "processes": processes,
            **counts,
        }
        self.samples.append(sample)
        with self.out.open("a", encoding="utf-8") as sink:
            sink.write(json.dumps(sample) + "\n")
        return sample


def slope_per_hour(hours: Sequence[float], values: Sequence[float]) -> float:
    """The least-squares slope of ``values`` over ``hours`` (0 with fewer than two samples)."""
    if len(values) < 2 or max(hours) == min(hours):
        return 0.0
    slope, _intercept = np.polyfit(np.asarray(hours), np.asarray(values, dtype=np.float64), 1)
    return float(slope)


def expected_fire_times(first: datetime, last: datetime) -> list[datetime]:
    """Every whole minute from ``first`` (the task's first fire time) up to ``last``."""
    moments = []
    moment = first.replace(second=0, microsecond=0)
    if moment < first:
        moment += timedelta(minutes=1)
    while moment <= last:
        moments.append(moment)
        moment += timedelta(minutes=1)
    return moments


def match_runs(
    fires: Sequence[datetime], runs: Sequence[dict[str, Any]]
) -> tuple[int, list[datetime]]:
    """How many ``fires`` have a completed scheduled run starting just after them, and the
    fire times that have none."""
    starts = sorted(
        datetime.fromisoformat(str(run["started_at"]))
        for run in runs
        if run.get("reason") == "schedule" and run.get("status") == "completed"
    )
    missing = []
    for fire in fires:
        found = next((s for s in starts if fire <= s <= fire + START_TOLERANCE), None)
        if found is None:
            missing.append(fire)
        else:
            starts.remove(found)  # one run answers for one minute only
    return len(fires) - len(missing), missing


def indexed_names(client: httpx.Client, prefix: str) -> set[str]:
    """Names of the indexed documents whose path contains ``prefix``."""
    names: set[str] = set()
    offset = 0
    while True:
        response = client.get(
            "/api/knowledge/documents",
            params={"state": "indexed", "q": prefix, "limit": 1000, "offset": offset},
        )
        response.raise_for_status()
        page = response.json()["documents"]
        names.update(str(document["name"]) for document in page)
        if len(page) < 1000:
            return names
        offset += len(page)
