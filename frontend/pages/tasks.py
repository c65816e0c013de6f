"""The Tasks page at ``/tasks``: schedule agent tasks, run them now, read their history."""

from __future__ import annotations

import reflex as rx

from frontend.components.health import health_indicator
from frontend.components.nav import sidebar_frame
from frontend.components.task_form import task_form
from frontend.components.task_history import history_card, transcript_dialog
from frontend.components.tasks_list import delete_dialog, tasks_card
from frontend.state.tasks import TasksState

ROUTE = "/tasks"
TITLE = "Tasks · AgentDesk"


def _error_banner() -> rx.Component:
    return rx.cond(
        TasksState.error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert", size=16)),
            rx.callout.text(TasksState.error),
            color_scheme="red",
            role="alert",
            width="100%",
            data_testid="tasks-error",
        ),
    )


def _sidebar_note() -> rx.Component:
    return rx.text(
        "A task asks an agent the same thing on a schedule: every morning, every hour, or once. "
        "Each run is kept with its answer and its transcript.",
        size="2",
        color_scheme="gray",
        padding_x="0.5rem",
    )


def tasks_page() -> rx.Component:
    """Sidebar; the new-task form beside the task list and the chosen task's history."""
    return rx.hstack(
        sidebar_frame(_sidebar_note()),
        rx.vstack(
            rx.hstack(
                rx.heading("Tasks", size="4", weight="medium", as_="h2"),
                health_indicator(),
                justify="between",
                align="center",
                width="100%",
                padding_x="1.5rem",
                padding_y="0.85rem",
                border_bottom=f"1px solid {rx.color('gray', 4)}",
                as_="header",
            ),
            rx.box(
                rx.vstack(
                    _error_banner(),
                    rx.flex(
                        rx.box(task_form(), width=rx.breakpoints(initial="100%", lg="24rem")),
                        rx.vstack(
                            tasks_card(), history_card(), spacing="4", flex="1", min_width="0"
                        ),
                        direction=rx.breakpoints(initial="column", lg="row"),
                        spacing="4",
                        align="start",
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                    max_width="80rem",
                    margin_x="auto",
                    padding="1.5rem",
                ),
                flex="1",
                width="100%",
                overflow_y="auto",
            ),
            delete_dialog(),
            transcript_dialog(),
            as_="main",
            spacing="0",
            height="100vh",
            flex="1",
            min_width="0",
        ),
        # Leaving the page ends the poll at once instead of when its heartbeat lapses.
        on_unmount=TasksState.stop_watching,
        spacing="0",
        width="100%",
        height="100vh",
        overflow="hidden",
        data_testid="tasks-page",
    )
