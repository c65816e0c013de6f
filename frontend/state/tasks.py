"""The Tasks page: the scheduled tasks, their actions, and the chosen task's history."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import reflex as rx

from frontend import api_client, api_tasks
from frontend.state.task_form import TaskFormState
from frontend.state.tasks_models import HistoryRow, TaskRow, to_history_row, to_task_row

POLL_SECONDS = 2.0
# The page's timer proves it is still open; a closed tab stops proving it and polling ends.
HEARTBEAT_MS = 2_000
_STALE_SECONDS = 6.0
HISTORY_SHOWN = 20


class TasksState(rx.State):
    """Tasks and the selected one's runs, refreshed every few seconds while the page is open."""

    tasks: list[TaskRow] = []
    selected_id: str = ""
    history: list[HistoryRow] = []
    history_total: int = 0
    error: str = ""
    loaded: bool = False
    # The task whose deletion waits for the user's yes ("" when no question is open).
    confirm_delete_id: str = ""
    _watching: bool = False
    _watch_id: int = 0
    _seen_at: float = 0.0

    @rx.var
    def selected(self) -> TaskRow:
        """The task whose history is shown."""
        return next((t for t in self.tasks if t.id == self.selected_id), TaskRow())

    @rx.var
    def confirm_delete_name(self) -> str:
        """The name of the task the delete question is about."""
        return next((t.name for t in self.tasks if t.id == self.confirm_delete_id), "")

    @rx.event
    async def load_page(self) -> Any:
        """Read the tasks when the page opens, and get the form ready."""
        await self._refresh()
        return TaskFormState.load_form

    @rx.event
    def keep_watching(self, _tick: str = "") -> Any:
        """Called by the page's timer: note that it is open and make sure polling runs."""
        self._seen_at = time.monotonic()
        if self._watching:
            return None
        self._watching = True
        self._watch_id += 1
        return TasksState.watch

    @rx.event
    def stop_watching(self) -> None:
        """The page was left: the polling loop ends at its next turn."""
        self._watching = False

    @rx.event(background=True)
    async def watch(self) -> None:
        """Re-read tasks and the open history every few seconds for as long as the page is open."""
        async with self:
            mine = self._watch_id
        while True:
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                selected = self.selected_id
            fetched = await _fetch(selected)
            async with self:
                stale = time.monotonic() - self._seen_at > _STALE_SECONDS
                if not self._watching or self._watch_id != mine or stale:
                    if self._watch_id == mine:
                        self._watching = False
                    return
                if self.selected_id == selected:
                    self._apply(fetched)

    @rx.event
    async def task_created(self, task_id: str) -> None:
        """A task was just made: show it with its (empty) history."""
        self.selected_id = task_id
        await self._refresh()

    @rx.event
    async def select_task(self, task_id: str) -> None:
        """Show this task's history."""
        self.selected_id = task_id
        self.history, self.history_total = [], 0
        await self._refresh()

    @rx.event
    async def run_now(self, task_id: str) -> None:
        """Start the task at once; its history entry appears as running."""
        self.selected_id = task_id
        try:
            await api_tasks.run_now(task_id)
        except api_client.ApiError as error:
            self.error = error.message
            return
        await self._refresh()

    @rx.event
    async def set_paused(self, task_id: str, paused: bool) -> None:
        """Pause a task (no more scheduled runs) or resume it."""
        try:
            await api_tasks.set_paused(task_id, paused)
        except api_client.ApiError as error:
            self.error = error.message
            return
        await self._refresh()

    @rx.event
    def ask_delete(self, task_id: str) -> None:
        """Open the "delete this task?" question."""
        self.confirm_delete_id = task_id

    @rx.event
    def set_confirm_open(self, is_open: bool) -> None:
        """Closing the question without an answer keeps the task."""
        if not is_open:
            self.confirm_delete_id = ""

    @rx.event
    async def delete_confirmed(self) -> None:
        """Delete the task the question was about, with its history."""
        task_id, self.confirm_delete_id = self.confirm_delete_id, ""
        if not task_id:
            return
        try:
            await api_tasks.delete_task(task_id)
        except api_client.ApiError as error:
            self.error = error.message
            return
        if self.selected_id == task_id:
            self.selected_id = ""
        await self._refresh()

    @rx.event
    def dismiss_error(self) -> None:
        """Hide the error banner."""
        self.error = ""

    async def _refresh(self) -> None:
        self._apply(await _fetch(self.selected_id))

    def _apply(self, fetched: Fetched) -> None:
        if fetched.tasks is not None:
            self.tasks = [to_task_row(raw) for raw in fetched.tasks]
            self.selected_id = fetched.selected
        if fetched.history is not None:
            self.history = [to_history_row(raw) for raw in fetched.history.get("runs", [])]
            self.history_total = int(fetched.history.get("total") or 0)
        elif not self.selected_id:
            self.history, self.history_total = [], 0
        # A failed poll shows why; the next good one clears it.
        self.error = fetched.error
        self.loaded = self.loaded or not fetched.error


@dataclasses.dataclass
class Fetched:
    """One poll: the tasks, the task whose history was read, that history, or the error."""

    tasks: list[dict[str, Any]] | None = None
    selected: str = ""
    history: dict[str, Any] | None = None
    error: str = ""


async def _fetch(selected: str) -> Fetched:
    """The tasks and the selected task's history (the first task's when none is chosen)."""
    try:
        tasks = await api_tasks.list_tasks()
        ids = [str(task.get("id", "")) for task in tasks]
        if selected not in ids:
            selected = ids[0] if ids else ""
        history = await api_tasks.history(selected, HISTORY_SHOWN) if selected else None
    except api_client.ApiError as error:
        if error.status == 404:
            # The task was deleted between the two reads; the next poll picks another.
            return Fetched()
        return Fetched(error=error.message)
    return Fetched(tasks, selected, history)
