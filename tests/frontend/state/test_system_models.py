"""The System page's tiles, poll points and Plotly figures, built from API payloads."""

from __future__ import annotations

from datetime import datetime

import pytest

from frontend.state import system_charts, system_models
from frontend.state.system_models import PollPoint
from tests.frontend.state import payloads

STATS = payloads.system_stats(
    **{
        "ts": "2026-03-04T12:00:05+00:00",
        "cpu_percent": 37.4,
        "memory": {"percent": 41.0, "used_mb": 9830.4, "total_mb": 24576.0},
        "disk": {"percent": 52.5, "free_gb": 120.456, "path": "/data"},
        "process": {"rss_mb": 812.4, "cpu_percent": 3.2},
        "total": {"rss_mb": 3900.0, "cpu_percent": 104.6, "processes": 4},
        "model_server": {"running": True, "rss_mb": 3072.0, "cpu_percent": 99.8},
        "gpu": {"available": False, "detail": "No NVIDIA GPU found", "percent": None},
        "model": {"provider": "embedded", "state": "ready", "model": "qwen", "detail": ""},
        "index": {"documents": 12, "chunks": 340, "vectors": 340, "generation": 3},
        "ingest": {"queue_length": 4, "files_per_second": 0.5, "eta_seconds": 8.0},
        "agents": {"active": 1, "queued": 2},
        "monitor": {"interval_seconds": 5, "cpu_ms_per_sample": 0.6, "cpu_percent": 0.012},
    }
)


def _local(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def test_tiles_from_the_stats() -> None:
    view = system_models.to_system_view(STATS)
    assert (view.cpu, view.memory, view.memory_detail) == ("37%", "41%", "9.6 GB of 24.0 GB")
    # AgentDesk counts everything it started; the model server is also shown on its own.
    assert (view.process, view.process_detail) == ("3.8 GB", "105% CPU · 4 processes")
    assert (view.model_server, view.model_server_detail) == ("3.0 GB", "100% CPU")
    assert (view.disk, view.disk_detail) == ("120.5 GB free", "52% used · /data")
    assert (view.gpu_available, view.gpu, view.gpu_detail) == (False, "none", "No NVIDIA GPU found")
    assert (view.model_state, view.model_color, view.model_name) == (
        "ready",
        "green",
        "embedded · qwen",
    )
    assert view.tokens_per_second == "—"
    assert (view.index_documents, view.index_detail) == ("12", "340 chunks · 340 vectors")
    assert (view.queue, view.queue_detail) == ("4", "0.50 files/s · done in 8.0 s")
    assert view.agents == "1 running · 2 waiting"
    assert view.monitor == "monitor 0.012% of a core"
    assert view.sampled_at == _local(STATS["ts"])


def test_tiles_with_a_gpu_a_degraded_model_and_no_knowledge_base() -> None:
    stats = {
        **STATS,
        "gpu": {**STATS["gpu"], "available": True, "percent": 64.6, "detail": "1 GPU"},
        "model": {
            **STATS["model"],
            "state": "degraded",
            "detail": "not answering",
            "tokens_per_second": 28.71,
        },
    }
    view = system_models.to_system_view(stats)
    assert (view.gpu_available, view.gpu) == (True, "65%")
    assert (view.model_color, view.model_detail, view.tokens_per_second) == (
        "amber",
        "not answering",
        "28.7",
    )
    # No model server: still starting, or a model served elsewhere.
    idle = {"running": False, "rss_mb": None, "cpu_percent": None}
    starting = system_models.to_system_view({**STATS, "model_server": idle})
    assert (starting.model_server, starting.model_server_detail) == ("—", "not running")
    remote = {**STATS, "model_server": idle, "model": {**STATS["model"], "provider": "ollama"}}
    assert system_models.to_system_view(remote).model_server_detail == "the model runs elsewhere"
    # Without the knowledge base, its index and ingest are None.
    bare = system_models.to_system_view({**STATS, "index": None, "ingest": None})
    assert (bare.queue, bare.index_documents) == ("0", "0")
    assert (bare.index_detail, bare.queue_detail) == ("0 chunks · 0 vectors", "0.00 files/s")


def test_formatting_helpers() -> None:
    assert system_models.megabytes(2150) == "2.1 GB"
    assert system_models.megabytes("x") == system_models.percent(None) == "—"
    assert system_models.local_time("2026-03-04T12:00:00") == _local("2026-03-04T12:00:00+00:00")
    assert system_models.local_time("soon") == ""


def test_cpu_and_memory_figures_from_the_history() -> None:
    series = {
        "ts": ["2026-03-04T12:00:00+00:00", "2026-03-04T12:00:05+00:00"],
        "cpu_percent": [10.0, 20.0],
        "process_cpu_percent": [1.0, 2.0],
        "memory_percent": [40.0, 41.0],
        "process_rss_mb": [800.0, 810.0],
        # The first minute was stored before AgentDesk's total was kept.
        "total_cpu_percent": [None, 102.0],
        "total_rss_mb": [None, 3900.0],
        "model_cpu_percent": [None, 99.0],
        "model_rss_mb": [None, 3072.0],
    }
    cpu = system_charts.cpu_figure(series)
    assert [trace["name"] for trace in cpu["data"]] == ["Machine", "AgentDesk", "Model server"]
    assert cpu["data"][1]["y"] == [1.0, 102.0] and cpu["data"][2]["y"] == [None, 99.0]
    assert cpu["data"][0]["x"] == [_local(t) for t in series["ts"]]
    assert cpu["data"][0]["y"] == [10.0, 20.0]
    assert cpu["layout"]["xaxis"]["type"] == "date"
    memory = system_charts.memory_figure(series)
    assert memory["data"][1]["yaxis"] == "y2" and memory["data"][1]["y"] == [800.0, 3900.0]
    assert memory["data"][2]["yaxis"] == "y2" and memory["data"][2]["y"] == [None, 3072.0]
    assert memory["layout"]["yaxis"]["range"] == [0, 100]
    assert memory["layout"]["yaxis2"]["overlaying"] == "y"
    gpu = system_charts.gpu_figure({"ts": series["ts"], "gpu_percent": [None, None]})
    assert gpu["data"][0]["y"] == [None, None] and gpu["data"][1]["y"] == []


def test_poll_points_feed_the_agents_and_knowledge_charts() -> None:
    first = system_models.poll_point(STATS)
    assert (first.queue, first.chunks, first.running, first.waiting) == (4, 340, 1, 2)
    assert first.tokens_per_second is None
    points = system_charts.keep_last([], first)
    # A poll of the same sample updates the last point instead of adding one.
    later = PollPoint(ts=first.ts, queue=0, chunks=342)
    assert system_charts.keep_last(points, later) == [later]
    agents = system_charts.agents_figure(points)
    assert [trace["name"] for trace in agents["data"]] == ["Runs going", "Runs waiting"]
    assert "yaxis2" not in agents["layout"]
    faster = PollPoint(ts="2026-03-04 12:00:10", tokens_per_second=29.0)
    agents = system_charts.agents_figure([first, faster])
    assert agents["data"][2]["name"] == "Tokens/s" and agents["data"][2]["y"] == [None, 29.0]
    knowledge = system_charts.knowledge_figure([first, faster])
    assert knowledge["data"][0]["y"] == [4, 0] and knowledge["data"][0]["line"]["shape"] == "hv"


def test_keep_last_holds_the_newest_points_only() -> None:
    points: list[PollPoint] = []
    for second in range(system_charts.POLL_POINTS + 5):
        points = system_charts.keep_last(points, PollPoint(ts=str(second)))
    assert len(points) == system_charts.POLL_POINTS
    assert points[-1].ts == str(system_charts.POLL_POINTS + 4)


@pytest.mark.parametrize(
    ("chunks", "vectors", "detail"),
    [(1, 1, "1 chunk · 1 vector"), (2, 1, "2 chunks · 1 vector"), (0, 3, "0 chunks · 3 vectors")],
)
def test_index_tile_counts_in_singular_and_plural(chunks: int, vectors: int, detail: str) -> None:
    index = {"documents": 1, "chunks": chunks, "vectors": vectors, "generation": 1}
    view = system_models.to_system_view(payloads.system_stats(index=index))
    assert view.index_detail == detail
