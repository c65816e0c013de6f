"""The Tasks page's "New task" form: prompt, mode, schedule, and the next-run preview."""

from __future__ import annotations

from typing import Any

import reflex as rx

from frontend import api_agents, api_client, api_tasks
from frontend.state.chat_models import (
    DEFAULT_DOCUMENTS,
    DEFAULT_MODE,
    DOCUMENT_CHOICES,
    MODE_CHOICES,
    ModeChoice,
    mode_choices,
)
from frontend.state.tasks_models import (
    INTERVAL_UNITS,
    TRIGGER_KINDS,
    cron_fields,
    preview_is_stale,
    preview_lines,
    trigger_spec,
)

DEFAULT_CRON = "0 9 * * *"
PREVIEW_COUNT = 5
# How often the open form checks that its preview still holds (a cheap check; the server is
# asked again only once the first run has passed or "tomorrow" has become "today").
PREVIEW_CHECK_MS = 5_000
SCHEDULE_FIRST = "Fix the schedule above first."


class TaskFormState(rx.State):
    """What the user is typing into the form, and when that schedule would run."""

    name: str = ""
    prompt: str = ""
    mode: str = DEFAULT_MODE
    modes: list[ModeChoice] = MODE_CHOICES
    # The "use my documents" switch, as in chat: auto, on or off.
    use_knowledge: str = DEFAULT_DOCUMENTS
    kind: str = "cron"
    cron: str = DEFAULT_CRON
    every: str = "30"
    unit: str = "minutes"
    run_at: str = ""
    # The preview: the schedule in words and its next fire times, or why it cannot run.
    schedule: str = ""
    next_runs: list[str] = []
    preview_error: str = ""
    # The fire times as the server sent them, to tell when the preview stops holding.
    _next_runs_at: list[str] = []
    form_error: str = ""
    notice: str = ""
    saving: bool = False

    @rx.var
    def documents_hint(self) -> str:
        """What the task's "use my documents" switch does now, in the chat's words."""
        return DOCUMENT_CHOICES.get(self.use_knowledge, "")

    @rx.var
    def cron_parts(self) -> list[str]:
        """What each of the five cron fields says (empty when there are not five)."""
        return cron_fields(self.cron) if self.kind == "cron" else []

    @rx.event
    async def load_form(self) -> None:
        """Offer the modes this build has and preview the default schedule."""
        try:
            self.modes = mode_choices(await api_agents.available_modes())
        except api_client.ApiError:
            self.modes = MODE_CHOICES
        await self._preview()

    @rx.event
    async def keep_preview_current(self, _tick: str = "") -> None:
        """Called by the form's timer: preview again once the shown one no longer holds, so
        the next runs stay ahead of the clock while the page is left open."""
        if not self.saving and preview_is_stale(self._next_runs_at, self.next_runs):
            await self._preview()

    @rx.event
    def set_name(self, value: str) -> None:
        """The task's name (empty: the server names it after the prompt)."""
        self.name = value

    @rx.event
    def set_prompt(self, value: str) -> None:
        """What the agent should do each time."""
        self.prompt, self.form_error = value, ""

    @rx.event
    def set_mode(self, value: str) -> None:
        """Which engine runs the task."""
        self.mode = value

    @rx.event
    def set_use_knowledge(self, value: str | list[str]) -> None:
        """Whether each run uses the user's documents: auto (when relevant), on or off."""
        if isinstance(value, str) and value in DOCUMENT_CHOICES:
            self.use_knowledge = value

    @rx.event
    async def set_kind(self, value: str | list[str]) -> None:
        """Cron, interval or one date."""
        if isinstance(value, str) and value in TRIGGER_KINDS:
            self.kind = value
            await self._preview()

    @rx.event
    async def set_cron(self, value: str) -> None:
        """A crontab line typed by hand."""
        self.cron = value
        await self._preview()

    @rx.event
    async def pick_preset(self, cron: str) -> None:
        """A preset from the cron helper."""
        self.kind, self.cron = "cron", cron
        await self._preview()

    @rx.event
    async def set_every(self, value: str) -> None:
        """How many units between runs."""
        self.every = value
        await self._preview()

    @rx.event
    async def set_unit(self, value: str) -> None:
        """Minutes, hours or days."""
        if value in INTERVAL_UNITS:
            self.unit = value
            await self._preview()

    @rx.event
    async def set_run_at(self, value: str) -> None:
        """The one date a ``date`` task runs at (the browser's ``datetime-local`` value)."""
        self.run_at = value
        await self._preview()

    @rx.event
    async def submit(self) -> Any:
        """Create the task; the server's reason shows under the form when it refuses."""
        from frontend.state.tasks import TasksState

        self.notice = ""
        if not self.prompt.strip():
            self.form_error = "Write what the agent should do."
            return
        if self.preview_error:
            # The reason already shows under the schedule; saying it twice reads as two errors.
            self.form_error = SCHEDULE_FIRST
            return
        try:
            trigger = trigger_spec(self.kind, self.cron, self.every, self.unit, self.run_at)
        except ValueError as error:
            self.form_error = str(error)
            return
        fields = {
            "name": self.name.strip() or None,
            "prompt": self.prompt,
            "mode": self.mode,
            "use_knowledge": self.use_knowledge,
            "trigger": trigger,
        }
        self.saving, self.form_error = True, ""
        yield
        try:
            task = await api_tasks.create_task(fields)
        except api_client.ApiError as error:
            self.form_error, self.saving = error.message, False
            return
        self.saving = False
        self._reset_fields()
        self.notice = f"Scheduled “{task.get('name', '')}”."
        # A fresh preview: the one shown was of the schedule just saved, as of when it was typed.
        await self._preview()
        yield TasksState.task_created(str(task.get("id", "")))

    def _reset_fields(self) -> None:
        """An empty form for the next task, on the default schedule and documents choice."""
        self.name, self.prompt, self.form_error = "", "", ""
        self.use_knowledge = DEFAULT_DOCUMENTS
        self.kind, self.cron, self.every, self.unit, self.run_at = (
            "cron",
            DEFAULT_CRON,
            "30",
            "minutes",
            "",
        )

    async def _preview(self) -> None:
        try:
            trigger = trigger_spec(self.kind, self.cron, self.every, self.unit, self.run_at)
        except ValueError as error:
            self.schedule, self.next_runs, self.preview_error = "", [], str(error)
            self._next_runs_at = []
            return
        try:
            body = await api_tasks.preview(trigger, PREVIEW_COUNT)
        except api_client.ApiError as error:
            self.schedule, self.next_runs, self.preview_error = "", [], error.message
            self._next_runs_at = []
            return
        self.schedule = str(body.get("schedule") or "")
        self._next_runs_at = [str(moment) for moment in body.get("next_runs") or []]
        self.next_runs = preview_lines(self._next_runs_at)
        self.preview_error = "" if self.next_runs else "This schedule never runs again."
