"""Health of the server and the model, refreshed while the page is open."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError

from backend.api.schemas.health import Health
from frontend import api_client

_LEVEL_COLORS = {"ok": "green", "degraded": "amber", "down": "red", "unknown": "gray"}


def summarize_health(raw: dict[str, Any] | Health) -> tuple[str, str, str]:
    """Reduce a ``/api/health`` body to ``(level, summary, detail)`` for the indicator."""
    try:
        health = Health.model_validate(raw)
    except ValidationError:
        # Not AgentDesk's answer (another program on its port?): say so rather than guess.
        return "down", "Unexpected answer", "The server's health answer could not be read."
    llm = health.llm
    model, detail = llm.model or llm.provider or "model", llm.detail
    if not health.database.ok:
        return "down", "Database unavailable", detail or "The database cannot be opened."
    if health.status == "ok" and llm.state == "ready":
        return "ok", f"{model} ready", detail
    if llm.state == "starting":
        return "degraded", f"{model} starting…", detail
    if llm.state == "downloading":
        return "degraded", "Downloading the model…", detail
    if llm.state == "recovering":
        return "degraded", f"{model} restarting…", detail
    return "down", "Model unavailable", detail or "The model server is not answering."


def download_progress(raw: dict[str, Any] | Health) -> tuple[float, str]:
    """``(percent, "Downloading 512 of 1,117 MB")`` while the model is fetched, else (-1, "")."""
    try:
        llm = Health.model_validate(raw).llm
    except ValidationError:
        return -1.0, ""
    progress = llm.progress
    if progress is None or llm.state != "downloading" or progress.bytes_total <= 0:
        return -1.0, ""
    label = {"download": "Downloading", "verify": "Checking", "join": "Putting together"}
    stage = label.get(progress.stage, progress.stage.capitalize())
    done, total = progress.bytes_done, progress.bytes_total
    words = f"{stage} {done / 1e6:,.0f} of {total / 1e6:,.0f} MB"
    return round(100 * done / total, 1), words


class HealthState(rx.State):
    """What the health indicator shows, and the model download banner."""

    level: str = "unknown"
    summary: str = "Checking…"
    detail: str = ""
    # -1 unless the chat model is being fetched (the first start).
    download_percent: float = -1.0
    download_words: str = ""

    @rx.var
    def color(self) -> str:
        """Radix colour of the status dot."""
        return _LEVEL_COLORS.get(self.level, "gray")

    @rx.event
    async def refresh(self, _tick: str = "") -> None:
        """Ask the server how it is doing; called on load and every few seconds."""
        try:
            health = await api_client.fetch_health()
        except api_client.ApiError as error:
            self.level, self.summary, self.detail = "down", "Server unreachable", error.message
            return
        self.level, self.summary, self.detail = summarize_health(health)
        self.download_percent, self.download_words = download_progress(health)
