"""What the System page shows, built from ``/api/system`` payloads: its tiles and poll points.

Pure functions only, so the tests check them without a server; the charts are drawn from
these in :mod:`frontend.state.system_charts`.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from backend.api.schemas.system import SystemStats
from frontend.state.knowledge_format import plural
from frontend.state.run_format import format_seconds

MODEL_STATE_COLORS = {
    "ready": "green",
    "starting": "blue",
    "downloading": "blue",
    "recovering": "amber",
    "degraded": "amber",
    "down": "red",
}


@dataclasses.dataclass
class SystemView:
    """The tiles: each a short value and a line of detail."""

    cpu: str = "—"
    memory: str = "—"
    memory_detail: str = ""
    process: str = "—"
    process_detail: str = ""
    model_server: str = "—"
    model_server_detail: str = ""
    disk: str = "—"
    disk_detail: str = ""
    gpu_available: bool = False
    gpu: str = "—"
    gpu_detail: str = ""
    model_state: str = "unknown"
    model_color: str = "gray"
    model_name: str = ""
    model_detail: str = ""
    tokens_per_second: str = "—"
    index_documents: str = "0"
    index_detail: str = ""
    queue: str = "0"
    queue_detail: str = ""
    agents: str = ""
    monitor: str = ""
    sampled_at: str = ""


@dataclasses.dataclass
class PollPoint:
    """What one poll saw of the knowledge base and the agents (the API keeps no history of
    these, so the page collects them while it is open)."""

    ts: str
    queue: int = 0
    chunks: int = 0
    running: int = 0
    waiting: int = 0
    tokens_per_second: float | None = None


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def percent(value: Any) -> str:
    """``12.34`` → ``"12%"``; ``"—"`` when unknown."""
    number = _number(value)
    return "—" if number is None else f"{number:.0f}%"


def megabytes(value: Any) -> str:
    """``812.4`` → ``"812 MB"``, ``2150`` → ``"2.1 GB"``."""
    number = _number(value)
    if number is None:
        return "—"
    return f"{number / 1024:.1f} GB" if number >= 1024 else f"{number:.0f} MB"


def local_time(value: Any) -> str:
    """An API timestamp (UTC ISO) as local ``"YYYY-MM-DD HH:MM:SS"``, which Plotly reads."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def to_system_view(raw: dict[str, Any] | SystemStats) -> SystemView:
    """Build the tiles from ``GET /api/system/stats``."""
    stats = SystemStats.model_validate(raw)
    memory, disk, total, gpu, model = (
        stats.memory,
        stats.disk,
        stats.total,
        stats.gpu,
        stats.model,
    )
    index, ingest, agents = stats.index, stats.ingest, stats.agents
    rate = model.tokens_per_second
    documents, chunks, vectors = (
        (index.documents, index.chunks, index.vectors) if index else (0, 0, 0)
    )
    queue_detail = f"{ingest.files_per_second if ingest else 0:.2f} files/s"
    if ingest and ingest.eta_seconds:
        queue_detail += f" · done in {format_seconds(ingest.eta_seconds)}"
    return SystemView(
        cpu=percent(stats.cpu_percent),
        memory=percent(memory.percent),
        memory_detail=f"{megabytes(memory.used_mb)} of {megabytes(memory.total_mb)}",
        process=megabytes(total.rss_mb),
        process_detail=f"{percent(total.cpu_percent)} CPU · {_processes(total.processes)}",
        **_model_server(stats),
        disk=f"{disk.free_gb:.1f} GB free",
        disk_detail=f"{percent(disk.percent)} used · {disk.path}",
        gpu_available=gpu.available,
        gpu=percent(gpu.percent) if gpu.available else "none",
        gpu_detail=gpu.detail,
        model_state=model.state,
        model_color=MODEL_STATE_COLORS.get(model.state, "gray"),
        model_name=" · ".join(part for part in (model.provider, model.model) if part),
        model_detail=model.detail,
        tokens_per_second="—" if rate is None else f"{rate:.1f}",
        index_documents=str(documents),
        index_detail=f"{plural(chunks, 'chunk')} · {plural(vectors, 'vector')}",
        queue=str(ingest.queue_length if ingest else 0),
        queue_detail=queue_detail,
        agents=f"{agents.active} running · {agents.queued} waiting",
        monitor=f"monitor {stats.monitor.cpu_percent:.3f}% of a core",
        sampled_at=local_time(stats.ts),
    )


def _processes(count: int) -> str:
    return "1 process" if count == 1 else f"{count} processes"


def _model_server(stats: SystemStats) -> dict[str, str]:
    """The model server tile: its own memory and CPU, or why there is none to show."""
    server = stats.model_server
    if server.running:
        return {
            "model_server": megabytes(server.rss_mb),
            "model_server_detail": f"{percent(server.cpu_percent)} CPU",
        }
    why = "not running" if stats.model.provider == "embedded" else "the model runs elsewhere"
    return {"model_server": "—", "model_server_detail": why}


def poll_point(raw: dict[str, Any] | SystemStats) -> PollPoint:
    """This poll's queue length, index size, agent runs and model speed."""
    stats = SystemStats.model_validate(raw)
    return PollPoint(
        ts=local_time(stats.ts),
        queue=stats.ingest.queue_length if stats.ingest else 0,
        chunks=stats.index.chunks if stats.index else 0,
        running=stats.agents.active,
        waiting=stats.agents.queued,
        tokens_per_second=stats.model.tokens_per_second,
    )
