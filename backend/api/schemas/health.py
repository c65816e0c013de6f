"""``GET /api/health``."""

from __future__ import annotations

from typing import Literal

from backend.api.schemas.base import ApiModel


class DatabaseHealth(ApiModel):
    ok: bool


class ModelDownload(ApiModel):
    """How far the first start's model download has got (stage: download, verify, join)."""

    stage: str
    percent: float
    bytes_done: int
    bytes_total: int


class ModelHealth(ApiModel):
    """The chat model: provider, state (starting, downloading, ready, recovering, degraded,
    down), name, a line of detail, recent tokens per second, and the download while it runs."""

    provider: str
    state: str
    model: str
    detail: str
    tokens_per_second: float | None
    progress: ModelDownload | None


class Health(ApiModel):
    """Overall status ("ok" when the database answers and the model is ready), version, model."""

    status: Literal["ok", "degraded"]
    version: str
    llm: ModelHealth
    database: DatabaseHealth
