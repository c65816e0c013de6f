"""``GET /api/health``."""

from __future__ import annotations

from typing import Any, Literal

from backend.api.schemas.base import ApiModel


class DatabaseHealth(ApiModel):
    ok: bool


class Health(ApiModel):
    """Overall status ("ok" when the database answers and the model is ready), version, model."""

    status: Literal["ok", "degraded"]
    version: str
    llm: dict[str, Any]
    database: DatabaseHealth
