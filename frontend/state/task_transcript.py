"""The transcript of one task run, opened from the Tasks page's history."""

from __future__ import annotations

from typing import Any

import reflex as rx

from frontend import api_agents, api_client
from frontend.state.run_timeline import RunTimeline, apply_event


class TaskTranscriptState(rx.State):
    """The agent run behind a history entry: its prompt, steps and answer."""

    run_id: str = ""
    prompt: str = ""
    timeline: RunTimeline = RunTimeline()
    loading: bool = False
    error: str = ""
    _follow_id: int = 0

    @rx.event
    def open_run(self, run_id: str) -> Any:
        """Show the run's steps, replayed (or followed live while the run is going)."""
        if not run_id:
            return None
        self.run_id, self.prompt = run_id, ""
        self.timeline, self.loading, self.error = RunTimeline(), True, ""
        self._follow_id += 1
        return TaskTranscriptState.follow(run_id, self._follow_id)

    @rx.event
    def set_open(self, is_open: bool) -> None:
        """Closing the dialog stops following the run."""
        if not is_open:
            self.run_id = ""
            self._follow_id += 1

    @rx.event(background=True)
    async def follow(self, run_id: str, follow_id: int) -> None:
        """Feed the run's events into the dialog until the run ends or the dialog closes."""
        timeline = RunTimeline()
        try:
            record = await api_agents.get_run(run_id)
            async with self:
                if self._follow_id != follow_id:
                    return
                self.prompt = str(record.get("prompt") or "")
            async for event in api_agents.run_events(run_id):
                timeline = apply_event(timeline, event)
                async with self:
                    if self._follow_id != follow_id:
                        return
                    self.timeline, self.loading = timeline, False
        except api_client.ApiError as error:
            async with self:
                if self._follow_id == follow_id:
                    self.error, self.loading = error.message, False
            return
        async with self:
            if self._follow_id == follow_id:
                self.loading = False

    @rx.event
    async def export_markdown(self) -> Any:
        """Download the transcript as Markdown."""
        if not self.run_id:
            return None
        try:
            download = await api_agents.export_run(self.run_id, "md")
        except api_client.ApiError as error:
            self.error = error.message
            return None
        return rx.download(
            data=download.content, filename=download.filename, mime_type="text/markdown"
        )
