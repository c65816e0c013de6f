"""``/api/models``: the models AgentDesk can run, their download, and the active one."""

from __future__ import annotations

from backend.api.schemas.base import ApiModel


class ModelDownloadStatus(ApiModel):
    """The running download, or how the last one ended (state: downloading, verifying, done,
    failed, cancelled). ``speed`` is bytes per second over the last few seconds;
    ``eta_seconds`` is null until a speed is known."""

    model_id: str
    name: str
    state: str
    bytes_done: int
    bytes_total: int
    percent: float
    speed: float
    eta_seconds: float | None
    error: str


class DownloadState(ApiModel):
    """The download now: null before the first one since AgentDesk started."""

    download: ModelDownloadStatus | None


class ModelEntry(ApiModel):
    """One model: ``kind`` is builtin, catalog (downloadable) or added (a file you added).
    ``fits`` is false when its memory need exceeds the RAM free for it; ``fit_note`` says so
    in words, and downloading or activating it then needs ``confirm``."""

    id: str
    name: str
    kind: str
    repo: str
    filename: str
    path: str
    size_bytes: int
    memory_bytes: int
    license: str
    description: str
    installed: bool
    active: bool
    partial_bytes: int
    fits: bool
    fit_note: str
    removable: bool


class ModelCatalog(ApiModel):
    """Every model, the active one's id, the download, RAM (total, and free for a model:
    free now plus what the running model holds), and where models are kept."""

    models: list[ModelEntry]
    active: str
    download: ModelDownloadStatus | None
    memory_total_bytes: int
    memory_available_bytes: int
    models_dir: str
    hub_url: str
    provider: str
    model_state: str
    model_detail: str
    note: str


class ModelActivated(ApiModel):
    """The switch is done (or saved for when AgentDesk serves its own model)."""

    active: str
    message: str


class ModelRemoved(ApiModel):
    removed: str
    message: str
