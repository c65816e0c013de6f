"""ResourceMonitor: CPU, memory, disk, AgentDesk's processes and the GPU, every few seconds.

A sample costs a handful of system calls per AgentDesk process (the walk over all processes
that finds them is done once a minute, see ``app_processes``), so sampling every 5 s stays
far below 1 % of one core; the monitor measures its own cost to prove it. The last hour
is kept in memory for the live view; per-minute averages go to the database for the history.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from backend.automation.app_processes import AppProcesses, launcher_pid
from backend.automation.gpu import GpuReader
from backend.storage import metrics
from backend.storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Sample:
    """One reading of the machine and of AgentDesk itself."""

    ts: float
    cpu_percent: float
    memory_percent: float
    memory_used_mb: float
    memory_total_mb: float
    disk_percent: float
    disk_free_gb: float
    process_rss_mb: float
    process_cpu_percent: float
    # AgentDesk with everything it started (the model server included), and the model
    # server alone (None when AgentDesk runs none: a remote or fake model).
    total_rss_mb: float = 0.0
    total_cpu_percent: float = 0.0
    processes: int = 1
    model_rss_mb: float | None = None
    model_cpu_percent: float | None = None
    gpu_percent: float | None = None
    gpu_memory_percent: float | None = None
    gpus: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ts": datetime.fromtimestamp(self.ts, UTC).isoformat()}

    def values(self) -> list[float | None]:
        """The stored series' values, in the order stored rows give them."""
        return [getattr(self, name) for name in metrics.SERIES]


class ResourceMonitor:
    """Takes samples (from the scheduler's thread), keeps them, and answers the API."""

    def __init__(
        self,
        db: Database | None,
        disk_path: Path,
        interval_seconds: float = 5.0,
        live_seconds: float = 3600.0,
        persist_seconds: float = 60.0,
        clock: Callable[[], float] = time.time,
        gpu: GpuReader | None = None,
        model_pid: Callable[[], int | None] = lambda: None,
    ) -> None:
        self.db = db
        self.disk_path = disk_path
        self.interval_seconds = interval_seconds or 5.0
        self.persist_seconds = persist_seconds
        self.clock = clock
        self.gpu = gpu if gpu is not None else GpuReader()
        self.live: deque[Sample] = deque(maxlen=max(2, int(live_seconds / self.interval_seconds)))
        self._pending: list[Sample] = []
        self.processes = AppProcesses(model_pid, root_pid=launcher_pid())
        self._lock = threading.Lock()
        self._cost_seconds = 0.0
        self._samples = 0
        self._started = time.monotonic()
        # The first cpu_percent calls only set the baseline the next ones measure from.
        psutil.cpu_percent(None)

    def sample(self) -> Sample:
        """Read everything once, keep it, and store a minute's average when one is complete."""
        began = time.thread_time()
        memory = psutil.virtual_memory()
        disk = psutil.disk_usage(str(self.disk_path))
        app = self.processes.read()
        gpus = self.gpu.read()
        reading = Sample(
            ts=self.clock(),
            cpu_percent=psutil.cpu_percent(None),
            memory_percent=memory.percent,
            memory_used_mb=round((memory.total - memory.available) / 2**20, 1),
            memory_total_mb=round(memory.total / 2**20, 1),
            disk_percent=disk.percent,
            disk_free_gb=round(disk.free / 2**30, 2),
            process_rss_mb=app.own.rss_mb,
            process_cpu_percent=app.own.cpu_percent,
            total_rss_mb=app.total.rss_mb,
            total_cpu_percent=app.total.cpu_percent,
            processes=app.processes,
            model_rss_mb=app.model.rss_mb if app.model else None,
            model_cpu_percent=app.model.cpu_percent if app.model else None,
            gpus=gpus,
        )
        if gpus:
            reading.gpu_percent = max(g["utilization_percent"] for g in gpus)
            used = sum(g["memory_used_mb"] for g in gpus)
            total = sum(g["memory_total_mb"] for g in gpus) or 1.0
            reading.gpu_memory_percent = round(100 * used / total, 1)
        with self._lock:
            self.live.append(reading)
            self._pending.append(reading)
            due = reading.ts - self._pending[0].ts >= self.persist_seconds
            batch, self._pending = (self._pending, []) if due else ([], self._pending)
        if batch and self.db is not None:
            self._persist(batch)
        self._cost_seconds += time.thread_time() - began
        self._samples += 1
        return reading

    def _persist(self, batch: list[Sample]) -> None:
        values: dict[str, float | None] = {}
        for name in metrics.SERIES:
            present = [v for v in (getattr(s, name) for s in batch) if v is not None]
            values[name] = round(sum(present) / len(present), 2) if present else None
        when = datetime.fromtimestamp(batch[-1].ts, UTC)
        try:
            with self.db.session() as session:  # type: ignore[union-attr]
                metrics.add(session, when, values)
        except Exception:
            log.exception("could not store the resource sample")

    def newest(self) -> Sample | None:
        """The newest sample, or None before the first."""
        with self._lock:
            return self.live[-1] if self.live else None

    def latest(self) -> Sample:
        """The newest sample, taking one if there is none yet."""
        with self._lock:
            if self.live:
                return self.live[-1]
        return self.sample()

    def cost(self) -> dict[str, float]:
        """What the monitor itself costs: CPU per sample and its share of one core."""
        per_sample = self._cost_seconds / self._samples if self._samples else 0.0
        share = 100 * per_sample / self.interval_seconds
        return {"cpu_ms_per_sample": round(per_sample * 1000, 3), "cpu_percent": round(share, 4)}

    def history(self, minutes: float, points: int) -> dict[str, Any]:
        """Series over the last ``minutes``: live 5 s samples when memory covers it, else the
        stored per-minute averages; at most ``points`` per series."""
        since = self.clock() - minutes * 60
        interval = self.interval_seconds
        with self._lock:
            live = list(self.live)
        if live and (live[0].ts <= since + self.interval_seconds or self.db is None):
            rows = [(s.ts, s.values()) for s in live if s.ts >= since]
            source, step = "live", self.interval_seconds
        else:
            with self.db.session() as session:  # type: ignore[union-attr]
                stored = metrics.since(session, datetime.fromtimestamp(since, UTC))
            rows = [(ts.timestamp(), values) for ts, values in stored]
            rows += [(s.ts, s.values()) for s in live if s.ts >= since]
            # Nothing stored yet (a fresh start): what there is comes from memory.
            source, step = ("stored", self.persist_seconds) if stored else ("live", interval)
        merged = downsample(sorted(rows, key=lambda row: row[0]), points)
        if len(merged) < len(rows) and merged:
            step = minutes * 60 / len(merged)
        series: dict[str, list[Any]] = {
            "ts": [datetime.fromtimestamp(ts, UTC).isoformat() for ts, _ in merged]
        }
        for index, name in enumerate(metrics.SERIES):
            series[name] = [values[index] for _, values in merged]
        return {
            "minutes": minutes,
            "source": source,
            "resolution_seconds": round(step, 1),
            "series": series,
        }

    def close(self) -> None:
        self.gpu.close()


def downsample(
    rows: list[tuple[float, list[float | None]]], points: int
) -> list[tuple[float, list[float | None]]]:
    """At most ``points`` rows, each the average of a run of neighbours (gaps stay None)."""
    if len(rows) <= points:
        return rows
    size = -(-len(rows) // points)
    merged = []
    for start in range(0, len(rows), size):
        group = rows[start : start + size]
        averaged: list[float | None] = []
        for index in range(len(group[0][1])):
            present = [v for _, values in group if (v := values[index]) is not None]
            averaged.append(round(sum(present) / len(present), 2) if present else None)
        merged.append((group[-1][0], averaged))
    return merged
