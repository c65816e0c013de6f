"""The Tasks page: the scheduled tasks, their actions, and the chosen task's history."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable
from typing import Any

import reflex as rx

from backend.api.schemas.tasks import TaskHistory
from frontend import api_client, api_tasks
from frontend.state.knowledge_format import plural
from frontend.state.page_watcher import PageWatcher
from frontend.state.task_form import TaskFormState
from frontend.state.tasks_models import HistoryRow, TaskRow, to_history_row, to_task_row

HISTORY_SHOWN = 20


class TasksState(PageWatcher, rx.State):
    """Tasks and the selected one's runs, refreshed every few seconds while the page is open."""

    tasks: list[TaskRow] = []
    selected_id: str = ""
    history: list[HistoryRow] = []
    history_total: int = 0
    error: str = ""
    loaded: bool = False
    # The task whose deletion waits for the user's yes ("" when no question is open).
    confirm_delete_id: str = ""

    @rx.var
    def selected(self) -> TaskRow:
        """The task whose history is shown."""
        return next((t for t in self.tasks if t.id == self.selected_id), TaskRow())

    @rx.var
    def confirm_delete_name(self) -> str:
        """The name of the task the delete question is about."""
        return next((t.name for t in self.tasks if t.id == self.confirm_delete_id), "")

    @rx.var
    def history_count(self) -> str:
        """How many runs the selected task has had: "1 run", "12 runs"."""
        return plural(self.history_total, "run")

    @rx.event
    async def load_page(self) -> Any:
        """Read the tasks when the page opens, and get the form ready."""
        await self._refresh()
        return TaskFormState.load_form

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

    def _poll_read(self) -> Awaitable[Fetched]:
        return _fetch(self.selected_id)

    def _poll_apply(self, polled: Fetched) -> None:
        # A task chosen while the poll was out wins over the poll's answer.
        if polled.asked == self.selected_id:
            self._apply(polled)

    def _apply(self, fetched: Fetched) -> None:
        if fetched.tasks is not None:
            self.tasks = [to_task_row(raw) for raw in fetched.tasks]
            self.selected_id = fetched.selected
        if fetched.history is not None:
            history = TaskHistory.model_validate(fetched.history)
            self.history = [to_history_row(entry) for entry in history.runs]
            self.history_total = history.total
        elif not self.selected_id:
            self.history, self.history_total = [], 0
        # A failed poll shows why; the next good one clears it.
        self.error = fetched.error
        self.loaded = self.loaded or not fetched.error


@dataclasses.dataclass
class Fetched:
    """One poll: the tasks, the task whose history was read, that history, or the error.

    ``asked`` is the task chosen when the read began (``selected`` may differ: a fallback).
    """

    tasks: list[dict[str, Any]] | None = None
    selected: str = ""
    history: dict[str, Any] | None = None
    error: str = ""
    asked: str = ""


async def _fetch(selected: str) -> Fetched:
    """The tasks and the selected task's history (the first task's when none is chosen)."""
    asked = selected
    try:
        tasks = await api_tasks.list_tasks()
        ids = [str(task.get("id", "")) for task in tasks]
        if selected not in ids:
            selected = ids[0] if ids else ""
        history = await api_tasks.history(selected, HISTORY_SHOWN) if selected else None
    except api_client.ApiError as error:
        if error.status == 404:
            # The task was deleted between the two reads; the next poll picks another.
            return Fetched(asked=asked)
        return Fetched(error=error.message, asked=asked)
    return Fetched(tasks, selected, history, asked=asked)
