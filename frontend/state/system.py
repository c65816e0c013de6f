"""The System page: live machine and AgentDesk figures, polled while the page is open."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import reflex as rx

from backend.api.schemas.system import SystemStats
from frontend import api_client, api_system
from frontend.state.page_watcher import PageWatcher
from frontend.state.system_charts import (
    agents_figure,
    cpu_figure,
    gpu_figure,
    keep_last,
    knowledge_figure,
    memory_figure,
)
from frontend.state.system_models import PollPoint, SystemView, poll_point, to_system_view

HISTORY_MINUTES = 10
HISTORY_POINTS = 120


class SystemState(PageWatcher, rx.State):
    """The latest tiles and the charts' figures."""

    view: SystemView = SystemView()
    cpu_chart: dict[str, Any] = {}
    memory_chart: dict[str, Any] = {}
    gpu_chart: dict[str, Any] = {}
    knowledge_chart: dict[str, Any] = {}
    agents_chart: dict[str, Any] = {}
    # How many samples the charts hold and the newest one's time: they move when this does.
    samples: int = 0
    last_sample: str = ""
    error: str = ""
    loaded: bool = False
    _polls: list[PollPoint] = []

    @rx.event
    async def load_page(self) -> None:
        """Read the figures when the page opens."""
        self._apply(*await _fetch())

    def _poll_read(self) -> Awaitable[Any]:
        return _fetch()

    def _poll_apply(self, polled: Any) -> None:
        self._apply(*polled)

    def _apply(
        self, stats: dict[str, Any] | None, history: dict[str, Any] | None, error: str
    ) -> None:
        if stats is not None:
            sample = SystemStats.model_validate(stats)
            self.view = to_system_view(sample)
            self._polls = keep_last(self._polls, poll_point(sample))
            self.knowledge_chart = knowledge_figure(self._polls)
            self.agents_chart = agents_figure(self._polls)
        if history is not None:
            series = history.get("series") or {}
            times = list(series.get("ts") or [])
            if times and (times[-1] != self.last_sample or len(times) != self.samples):
                self.cpu_chart = cpu_figure(series)
                self.memory_chart = memory_figure(series)
                if self.view.gpu_available:
                    self.gpu_chart = gpu_figure(series)
                self.samples, self.last_sample = len(times), str(times[-1])
        # A failed poll shows why; the next good one clears it.
        self.error = error
        self.loaded = self.loaded or not error


async def _fetch() -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
    """The latest stats and the recent history, or ``None`` and the reason."""
    try:
        stats, history = await asyncio.gather(
            api_system.stats(), api_system.history(HISTORY_MINUTES, HISTORY_POINTS)
        )
    except api_client.ApiError as error:
        return None, None, error.message
    return stats, history, ""
