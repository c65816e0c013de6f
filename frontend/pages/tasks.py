"""The Tasks page at ``/tasks``: schedule agent tasks, run them now, read their history."""

from __future__ import annotations

import reflex as rx

from frontend.components.nav import sidebar_frame, sidebar_note
from frontend.components.page_frame import error_callout, page_body, page_frame
from frontend.components.task_form import task_form
from frontend.components.task_history import history_card, transcript_dialog
from frontend.components.tasks_list import delete_dialog, tasks_card
from frontend.state.tasks import TasksState

ROUTE = "/tasks"
TITLE = "Tasks · AgentDesk"
# What the page is for, under the links in the sidebar.
NOTE = (
    "A task asks an agent the same thing on a schedule: every morning, every hour, or once. "
    "Each run is kept with its answer and its transcript."
)


def tasks_page() -> rx.Component:
    """Sidebar; the new-task form beside the task list and the chosen task's history."""
    return page_frame(
        "Tasks",
        sidebar_frame(sidebar_note(NOTE)),
        page_body(
            error_callout(TasksState.error, "tasks-error"),
            rx.flex(
                rx.box(task_form(), width=rx.breakpoints(initial="100%", lg="24rem")),
                rx.vstack(tasks_card(), history_card(), spacing="4", flex="1", min_width="0"),
                direction=rx.breakpoints(initial="column", lg="row"),
                spacing="4",
                align="start",
                width="100%",
            ),
            max_width="80rem",
        ),
        delete_dialog(),
        transcript_dialog(),
        watcher=TasksState,
        testid="tasks-page",
    )
