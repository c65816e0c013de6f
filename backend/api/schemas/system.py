"""``/api/system``: resource stats, their history, and Quit."""

from __future__ import annotations

from typing import Any

from backend.api.schemas.base import ApiModel
from backend.api.schemas.health import ModelHealth
from backend.api.schemas.knowledge import IndexSize, StateTotals


class Memory(ApiModel):
    percent: float
    used_mb: float
    total_mb: float


class Disk(ApiModel):
    percent: float
    free_gb: float
    path: str


class Process(ApiModel):
    """The memory and CPU of the process serving this API (CPU in percent of one core)."""

    rss_mb: float
    cpu_percent: float


class AppTotal(Process):
    """AgentDesk with every process it started: the model server, sandbox workers, MCP
    servers and, run from source, the launcher and the UI server. Resident memory is summed,
    so memory two processes share counts twice."""

    processes: int


class ModelServer(ApiModel):
    """The model server process AgentDesk started; not ``running`` (and no figures) for a
    remote model, the fake one, or while it is not up."""

    running: bool
    rss_mb: float | None
    cpu_percent: float | None


class Gpu(ApiModel):
    """The GPU, when one can be read (``detail`` says why not otherwise)."""

    available: bool
    detail: str
    percent: float | None
    memory_percent: float | None
    devices: list[dict[str, Any]]


class IngestRates(ApiModel):
    queue_length: int
    files_per_second: float
    chunks_per_second: float
    eta_seconds: float | None
    totals: StateTotals


class AgentLoad(ApiModel):
    active: int
    queued: int


class TaskLoad(ApiModel):
    running: int


class MonitorCost(ApiModel):
    """How often samples are taken and what taking them costs."""

    interval_seconds: float
    cpu_ms_per_sample: float
    cpu_percent: float


class Backups(ApiModel):
    backups: int
    last_backup_at: str | None
    directory: str


class ModelStatus(ModelHealth):
    """The model with its health watch: checks, restarts, the last error."""

    health: str
    restarts: int
    failed_checks: int
    last_check_at: str | None
    last_error: str | None


class SystemStats(ApiModel):
    """Everything the System page shows at one moment; ``index``/``ingest`` are None when the
    knowledge base is not running."""

    ts: str
    cpu_percent: float
    memory: Memory
    disk: Disk
    process: Process
    total: AppTotal
    model_server: ModelServer
    gpu: Gpu
    model: ModelStatus
    index: IndexSize | None
    ingest: IngestRates | None
    agents: AgentLoad
    tasks: TaskLoad
    monitor: MonitorCost
    housekeeping: Backups


class SystemHistory(ApiModel):
    """Chart series: ``series["ts"]`` (ISO 8601) and one list per measure, None for gaps."""

    minutes: float
    source: str
    resolution_seconds: float
    series: dict[str, list[Any]]


class Stopping(ApiModel):
    message: str
