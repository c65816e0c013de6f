"""The resource monitor: real psutil readings, a fake clock, the app database."""

from __future__ import annotations

import logging
import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.automation.gpu import GpuReader
from backend.automation.monitor import ResourceMonitor
from backend.storage import metrics, migrate
from backend.storage.db import Database


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now


class TwoGpus(GpuReader):
    """Stands in for the NVIDIA library on machines without a GPU."""

    def __init__(self) -> None:
        self.available, self.detail = True, "2 NVIDIA GPU(s)"

    def read(self) -> list[dict[str, Any]]:
        return [
            {"index": 0, "name": "A", "utilization_percent": 30.0,
             "memory_used_mb": 1000.0, "memory_total_mb": 4000.0},
            {"index": 1, "name": "B", "utilization_percent": 70.0,
             "memory_used_mb": 3000.0, "memory_total_mb": 4000.0},
        ]  # fmt: skip

    def close(self) -> None:
        pass


@pytest.fixture
def db(tmp_path: Path) -> Database:
    migrate.upgrade(tmp_path / "agentdesk.db")
    database = Database(tmp_path / "agentdesk.db")
    yield database  # type: ignore[misc]
    database.dispose()


def test_samples_are_real_and_a_minute_is_stored_as_one_row(db: Database, tmp_path: Path) -> None:
    clock = Clock()
    monitor = ResourceMonitor(db, tmp_path, interval_seconds=5, clock=clock)
    for _ in range(13):  # 0 s ... 60 s
        sample = monitor.sample()
        clock.now += 5
    assert sample.memory_total_mb > 0 and 0 < sample.memory_percent < 100
    assert 0 < sample.process_rss_mb < sample.memory_total_mb
    assert 0 <= sample.disk_percent <= 100 and sample.disk_free_gb > 0
    with db.session() as session:
        rows = metrics.since(session, datetime(2026, 1, 1, tzinfo=UTC))
    assert len(rows) == 1
    stored_rss = rows[0][1][3]
    assert stored_rss == pytest.approx(sample.process_rss_mb, rel=0.5)


def test_without_a_gpu_there_is_no_gpu_reading_and_no_error(tmp_path: Path) -> None:
    reader = GpuReader()
    monitor = ResourceMonitor(None, tmp_path, gpu=reader)
    sample = monitor.sample()
    if not reader.available:
        assert sample.gpus == [] and sample.gpu_percent is None
        assert reader.detail == "No NVIDIA GPU found"


def test_why_no_gpu_was_found_goes_to_the_log_not_the_tile(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class NVMLError_LibraryNotFound(Exception):
        pass

    def missing_library() -> None:
        raise NVMLError_LibraryNotFound("NVML Shared Library Not Found")

    fake = types.SimpleNamespace(nvmlInit=missing_library)
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    with caplog.at_level(logging.INFO, logger="backend.automation.gpu"):
        reader = GpuReader()
    assert not reader.available
    assert reader.detail == "No NVIDIA GPU found"
    assert "NVMLError_LibraryNotFound" in caplog.text


def test_gpus_are_summed_when_present(tmp_path: Path) -> None:
    sample = ResourceMonitor(None, tmp_path, gpu=TwoGpus()).sample()
    assert sample.gpu_percent == 70.0 and sample.gpu_memory_percent == 50.0
    assert [g["name"] for g in sample.gpus] == ["A", "B"]


def test_a_sample_costs_far_less_than_one_percent_of_a_core(tmp_path: Path) -> None:
    monitor = ResourceMonitor(None, tmp_path, interval_seconds=5)
    for _ in range(50):
        monitor.sample()
    # CPU time of the sampling thread, not elapsed time: 1 % of 5 s is 50 ms per sample.
    assert monitor.cost()["cpu_percent"] < 1.0


def test_history_is_live_for_the_last_hour_and_stored_beyond(db: Database, tmp_path: Path) -> None:
    clock = Clock()
    monitor = ResourceMonitor(db, tmp_path, interval_seconds=5, clock=clock)
    start = datetime.fromtimestamp(clock.now, UTC)
    with db.session() as session:
        for minute in range(1, 181):  # three hours of stored minutes before now
            values = {"cpu_percent": float(minute), "memory_percent": 50.0, "disk_percent": 1.0,
                      "process_rss_mb": 100.0, "process_cpu_percent": 1.0}  # fmt: skip
            metrics.add(session, start - timedelta(minutes=minute), values)
    for _ in range(24):  # two live minutes
        monitor.sample()
        clock.now += 5
    live = monitor.history(minutes=1, points=1000)
    assert live["source"] == "live" and live["resolution_seconds"] == 5
    assert len(live["series"]["ts"]) == 12 and len(live["series"]["cpu_percent"]) == 12
    stored = monitor.history(minutes=120, points=50)
    assert stored["source"] == "stored"
    assert len(stored["series"]["ts"]) <= 50
    assert stored["series"]["gpu_percent"][0] is None
    stamps = [datetime.fromisoformat(t) for t in stored["series"]["ts"]]
    assert stamps == sorted(stamps)
    assert stamps[0] >= start - timedelta(minutes=121)


async def test_stats_and_history_over_http(client: httpx.AsyncClient) -> None:
    stats = (await client.get("/api/system/stats")).json()
    assert stats["memory"]["total_mb"] > 0 and stats["process"]["rss_mb"] > 0
    assert stats["model"]["state"] == "ready"
    # The fake model runs inside AgentDesk: no model server process to show.
    assert stats["model_server"] == {"running": False, "rss_mb": None, "cpu_percent": None}
    assert stats["total"]["rss_mb"] >= stats["process"]["rss_mb"]
    assert stats["total"]["processes"] >= 1
    assert stats["gpu"]["available"] in (True, False) and "detail" in stats["gpu"]
    assert stats["index"]["vectors"] == 0 and stats["ingest"]["queue_length"] >= 0
    assert stats["monitor"]["interval_seconds"] == 5
    assert stats["housekeeping"]["backups"] == 0
    history = (await client.get("/api/system/history?minutes=5")).json()
    assert history["source"] == "live" and history["resolution_seconds"] == 5
    assert set(history["series"]) >= {"ts", "cpu_percent", "memory_percent", "gpu_percent",
                                      "total_rss_mb", "model_rss_mb"}  # fmt: skip
    assert len(history["series"]["ts"]) >= 1
    assert (await client.get("/api/system/history?minutes=0")).status_code == 422
