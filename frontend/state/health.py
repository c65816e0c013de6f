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
    return "down", "Model unavailable", detail or "The model server is not answering."


class HealthState(rx.State):
    """What the health indicator shows."""

    level: str = "unknown"
    summary: str = "Checking…"
    detail: str = ""

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
