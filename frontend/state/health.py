"""Health of the server and the model, refreshed while the page is open."""

from __future__ import annotations

import reflex as rx

from frontend import api_client

_LEVEL_COLORS = {"ok": "green", "degraded": "amber", "down": "red", "unknown": "gray"}


def summarize_health(health: dict[str, object]) -> tuple[str, str, str]:
    """Reduce a ``/api/health`` body to ``(level, summary, detail)`` for the indicator."""
    llm = health.get("llm")
    llm = llm if isinstance(llm, dict) else {}
    state = str(llm.get("state", "down"))
    model = str(llm.get("model") or llm.get("provider") or "model")
    detail = str(llm.get("detail") or "")
    database = health.get("database")
    if isinstance(database, dict) and database.get("ok") is False:
        return "down", "Database unavailable", detail or "The database cannot be opened."
    if health.get("status") == "ok" and state == "ready":
        return "ok", f"{model} ready", detail
    if state == "starting":
        return "degraded", f"{model} starting…", detail
    if state == "downloading":
        return "degraded", "Downloading the model…", detail
    if state == "recovering":
        return "degraded", f"{model} restarting…", detail
    return "down", "Model unavailable", detail or "The model server is not answering."


def download_progress(health: dict[str, object]) -> tuple[float, str]:
    """``(percent, "Downloading 512 of 1,117 MB")`` while the model is fetched, else (-1, "")."""
    llm = health.get("llm")
    llm = llm if isinstance(llm, dict) else {}
    progress = llm.get("progress")
    if not isinstance(progress, dict) or llm.get("state") != "downloading":
        return -1.0, ""
    stage = str(progress.get("stage", "download"))
    label = {"download": "Downloading", "verify": "Checking", "join": "Putting together"}
    done, total = progress.get("bytes_done", 0), progress.get("bytes_total", 0)
    if not isinstance(done, int) or not isinstance(total, int) or total <= 0:
        return -1.0, ""
    words = f"{label.get(stage, stage.capitalize())} {done / 1e6:,.0f} of {total / 1e6:,.0f} MB"
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
