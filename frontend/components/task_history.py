"""The chosen task's history (each run's outcome and output) and a run's transcript."""

from __future__ import annotations

import reflex as rx

from frontend.components.knowledge_layout import section_card
from frontend.components.messages import assistant_markdown
from frontend.components.tasks_list import documents_note, status_badge
from frontend.components.timeline import run_timeline
from frontend.components.transcript_dialog import run_transcript_dialog
from frontend.state.task_transcript import TaskTranscriptState
from frontend.state.tasks import TasksState
from frontend.state.tasks_models import HistoryRow


def _entry(entry: HistoryRow) -> rx.Component:
    return rx.box(
        rx.flex(
            status_badge(entry.status, entry.status_color, "history-status", entry.status_label),
            rx.text(entry.started, size="2", weight="medium"),
            rx.text(entry.reason, size="1", color_scheme="gray"),
            rx.text(entry.duration, size="1", color_scheme="gray"),
            rx.spacer(),
            rx.cond(
                entry.run_id != "",
                rx.button(
                    rx.icon("scroll-text", size=14),
                    "Transcript",
                    size="1",
                    variant="soft",
                    on_click=TaskTranscriptState.open_run(entry.run_id),
                    data_testid="history-transcript",
                ),
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            entry.output != "",
            rx.box(
                assistant_markdown(text=entry.output),
                max_height="12rem",
                overflow_y="auto",
                padding_x="0.25rem",
                data_testid="history-output",
            ),
        ),
        rx.cond(
            entry.error != "",
            rx.text(
                entry.error,
                size="2",
                # An answer the check refused is not a failure of the app: orange, not red.
                color_scheme=rx.cond(entry.status == "no_answer", "orange", "red"),
                data_testid="history-error",
            ),
        ),
        padding="0.6rem 0.75rem",
        border_radius="8px",
        border=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        data_testid="history-entry",
        custom_attrs={"data-status": entry.status},
    )


def history_card() -> rx.Component:
    """The selected task's runs, newest first."""
    title = rx.cond(
        TasksState.selected_id != "",
        rx.text("History of " + TasksState.selected.name, data_testid="history-title"),
        rx.text("History"),
    )
    return section_card(
        "History",
        "history",
        rx.cond(
            TasksState.selected_id != "",
            rx.vstack(
                rx.hstack(
                    title,
                    documents_note(
                        TasksState.selected.documents,
                        TasksState.selected.documents_label,
                        TasksState.selected.documents_hint,
                        "history",
                    ),
                    rx.spacer(),
                    rx.text(
                        TasksState.history_count,
                        size="1",
                        color_scheme="gray",
                    ),
                    width="100%",
                    font_size="14px",
                    color=rx.color("gray", 11),
                ),
                rx.cond(
                    TasksState.history,
                    rx.foreach(TasksState.history, _entry),
                    rx.text("Not run yet. Use ▶ Run now to try it.", size="2", color_scheme="gray"),
                ),
                spacing="2",
                width="100%",
            ),
            rx.text("Pick a task to see its runs.", size="2", color_scheme="gray"),
        ),
        testid="task-history",
    )


def _transcript_body() -> rx.Component:
    return rx.vstack(
        rx.box(
            rx.text("Prompt", size="1", weight="medium", color_scheme="gray"),
            rx.text(
                TaskTranscriptState.prompt,
                size="2",
                white_space="pre-wrap",
                data_testid="task-transcript-prompt",
            ),
            width="100%",
        ),
        rx.cond(
            TaskTranscriptState.loading,
            rx.center(rx.spinner(size="3"), padding="1.5rem", width="100%"),
            run_timeline(TaskTranscriptState.timeline, True, "task-transcript-timeline"),
        ),
        rx.cond(
            TaskTranscriptState.timeline.answer != "",
            rx.box(
                rx.text("Answer", size="1", weight="medium", color_scheme="gray"),
                assistant_markdown(text=TaskTranscriptState.timeline.answer),
                width="100%",
                data_testid="task-transcript-answer",
            ),
        ),
        rx.cond(
            TaskTranscriptState.error != "",
            rx.text(TaskTranscriptState.error, size="2", color_scheme="red", role="alert"),
        ),
        spacing="3",
        width="100%",
    )


def transcript_dialog() -> rx.Component:
    """The agent run behind a history entry, step by step."""
    return run_transcript_dialog(
        _transcript_body(),
        rx.button(
            rx.icon("download", size=14),
            "Markdown",
            size="1",
            variant="soft",
            on_click=TaskTranscriptState.export_markdown,
            data_testid="task-transcript-export",
        ),
        is_open=TaskTranscriptState.run_id != "",
        on_open_change=TaskTranscriptState.set_open,
        testid="task-transcript",
    )
