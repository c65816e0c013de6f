"""The Agents page: engine cards, recent runs, and one run's transcript."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import reflex as rx

from backend.api.schemas.agent import EngineList
from frontend import api_agents, api_client
from frontend.state.agents_models import EngineCard, RunRow, to_engine_card, to_run_row
from frontend.state.knowledge_format import plural
from frontend.state.page_watcher import PageWatcher
from frontend.state.run_timeline import RunTimeline, apply_event

RUNS_SHOWN = 30
EXPORT_FORMATS = {"md": "text/markdown", "json": "application/json"}


class AgentsState(PageWatcher, rx.State):
    """Engines and runs, refreshed every few seconds while the page is open."""

    engines: list[EngineCard] = []
    queued: int = 0
    runs: list[RunRow] = []
    error: str = ""
    loaded: bool = False
    # The run whose transcript is open ("" when the dialog is closed).
    run_id: str = ""
    run: RunRow = RunRow()
    timeline: RunTimeline = RunTimeline()
    transcript_loading: bool = False
    transcript_error: str = ""
    _follow_id: int = 0

    @rx.var
    def queue_note(self) -> str:
        """Runs waiting for an engine: "1 run waiting for a free slot"."""
        return plural(self.queued, "run") + " waiting for a free slot"

    @rx.event
    async def load_page(self) -> None:
        """Read engines and runs when the page opens."""
        self.run_id, self.run = "", RunRow()
        await self._refresh()

    @rx.event
    def open_run(self, run_id: str) -> Any:
        """Show a run's transcript: its steps replayed (or followed live while it runs)."""
        self.run_id = run_id
        self.run = next((row for row in self.runs if row.run_id == run_id), RunRow(run_id))
        self.timeline = RunTimeline()
        self.transcript_loading, self.transcript_error = True, ""
        self._follow_id += 1
        return AgentsState.follow_run(run_id, self._follow_id)

    @rx.event
    def set_transcript_open(self, is_open: bool) -> None:
        """Closing the dialog stops following the run."""
        if not is_open:
            self.run_id, self.run = "", RunRow()
            self._follow_id += 1

    @rx.event(background=True)
    async def follow_run(self, run_id: str, follow_id: int) -> None:
        """Feed the run's events into the open transcript until it ends or is closed."""
        timeline = RunTimeline()
        try:
            async for event in api_agents.run_events(run_id):
                timeline = apply_event(timeline, event)
                async with self:
                    if self._follow_id != follow_id:
                        return
                    self.timeline, self.transcript_loading = timeline, False
            record = await api_agents.get_run(run_id)
        except api_client.ApiError as error:
            async with self:
                if self._follow_id == follow_id:
                    self.transcript_error, self.transcript_loading = error.message, False
            return
        async with self:
            if self._follow_id == follow_id:
                self.run, self.transcript_loading = to_run_row(record), False

    @rx.event
    async def export_run(self, fmt: str) -> Any:
        """Download the open run's transcript as Markdown (``md``) or JSON (``json``)."""
        if not self.run_id or fmt not in EXPORT_FORMATS:
            return None
        try:
            download = await api_agents.export_run(self.run_id, fmt)
        except api_client.ApiError as error:
            self.transcript_error = error.message
            return None
        return rx.download(
            data=download.content, filename=download.filename, mime_type=EXPORT_FORMATS[fmt]
        )

    @rx.event
    def dismiss_error(self) -> None:
        """Hide the error banner."""
        self.error = ""

    async def _refresh(self) -> None:
        self._apply(*await _fetch_all())

    def _poll_read(self) -> Awaitable[Any]:
        return _fetch_all()

    def _poll_apply(self, polled: Any) -> None:
        self._apply(*polled)

    def _apply(
        self, engines: dict[str, Any] | None, runs: list[dict[str, Any]] | None, error: str
    ) -> None:
        if engines is not None:
            listing = EngineList.model_validate(engines)
            self.engines = [to_engine_card(engine) for engine in listing.engines]
            self.queued = listing.queued
        if runs is not None:
            self.runs = [to_run_row(raw) for raw in runs]
        # A failed poll shows why; the next good one clears it.
        self.error = error
        self.loaded = self.loaded or not error


async def _fetch_all() -> tuple[dict[str, Any] | None, list[dict[str, Any]] | None, str]:
    """Engines and runs, or ``None`` for what could not be read and the reason."""
    try:
        engines, runs = await asyncio.gather(
            api_agents.engine_stats(), api_agents.list_runs(RUNS_SHOWN)
        )
    except api_client.ApiError as error:
        return None, None, error.message
    return engines, runs, ""
