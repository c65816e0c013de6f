"""The Tasks page's list: each task's schedule, next run, last outcome and its actions."""

from __future__ import annotations

import reflex as rx

from frontend.components.confirm import confirm_dialog
from frontend.components.knowledge_layout import section_card
from frontend.components.row_action import row_action
from frontend.state.tasks import TasksState
from frontend.state.tasks_models import TaskRow


def status_badge(
    text: rx.Var[str], color: rx.Var[str], testid: str, label: rx.Var[str] | None = None
) -> rx.Component:
    """A soft badge showing ``label`` (default ``text``) whose ``data-status`` carries the raw
    value for tests and styles."""
    return rx.badge(
        text if label is None else label,
        color_scheme=color,
        variant="soft",
        data_testid=testid,
        custom_attrs={"data-status": text},
    )


def documents_note(
    value: rx.Var[str], label: rx.Var[str], hint: rx.Var[str], testid: str
) -> rx.Component:
    """ "Documents: On": how the task's runs use the user's documents; the hint on hover."""
    return rx.text(
        label,
        size="1",
        color_scheme="gray",
        title=hint,
        data_testid=f"{testid}-documents",
        custom_attrs={"data-documents": value},
    )


def _actions(task: TaskRow) -> rx.Component:
    return rx.hstack(
        row_action("play", "Run now", TasksState.run_now(task.id), "task-run-now"),
        rx.cond(
            task.enabled,
            row_action("pause", "Pause", TasksState.set_paused(task.id, True), "task-pause"),
            row_action(
                "rotate-ccw", "Resume", TasksState.set_paused(task.id, False), "task-resume"
            ),
        ),
        row_action("trash-2", "Delete", TasksState.ask_delete(task.id), "task-delete"),
        spacing="3",
        justify="end",
    )


def task_row(task: TaskRow) -> rx.Component:
    """One task; clicking it shows its history below."""
    chosen = TasksState.selected_id == task.id
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(task.name, weight="medium", data_testid="task-name-cell"),
                rx.text(task.schedule, size="1", color_scheme="gray", data_testid="task-schedule"),
                documents_note(task.documents, task.documents_label, task.documents_hint, "task"),
                spacing="0",
            ),
            max_width="18rem",
        ),
        rx.table.cell(status_badge(task.state, task.state_color, "task-state")),
        rx.table.cell(rx.text(task.next_run, white_space="nowrap", data_testid="task-next-run")),
        rx.table.cell(
            rx.vstack(
                status_badge(
                    task.last_status,
                    task.last_status_color,
                    "task-last-status",
                    task.last_status_label,
                ),
                rx.text(task.last_time, size="1", color_scheme="gray"),
                spacing="1",
            )
        ),
        rx.table.cell(_actions(task)),
        on_click=TasksState.select_task(task.id),
        cursor="pointer",
        background_color=rx.cond(chosen, rx.color("accent", 2), "transparent"),
        _hover={"background_color": rx.color("gray", 3)},
        aria_selected=rx.cond(chosen, "true", "false"),
        data_testid="task-row",
        custom_attrs={"data-task": task.id},
    )


def tasks_card() -> rx.Component:
    """Every scheduled task, in the order they were made."""
    header = rx.table.header(
        rx.table.row(
            *(
                rx.table.column_header_cell(name)
                for name in ("Task", "State", "Next run", "Last run", "")
            )
        )
    )
    return section_card(
        "Scheduled tasks",
        "calendar-clock",
        rx.cond(
            TasksState.tasks,
            rx.table.root(
                header,
                rx.table.body(rx.foreach(TasksState.tasks, task_row)),
                size="1",
                variant="ghost",
                width="100%",
            ),
            rx.text(
                "No tasks yet: describe one on the left and pick when it runs.",
                size="2",
                color_scheme="gray",
            ),
        ),
        testid="tasks",
    )


def delete_dialog() -> rx.Component:
    """Asks before a task and its history are deleted."""
    return confirm_dialog(
        "Delete this task?",
        "“" + TasksState.confirm_delete_name + "” and its history will be deleted. "
        "Its agent runs stay on the Agents page.",
        "Delete",
        TasksState.delete_confirmed,
        "confirm-delete",
        cancel="Keep it",
        open=TasksState.confirm_delete_id != "",
        on_open_change=TasksState.set_confirm_open,
    )
