"""The "New task" card: what to ask, which engine, when, and a preview of the next runs."""

from __future__ import annotations

import reflex as rx

from frontend.components.documents_switch import documents_switch
from frontend.components.knowledge_layout import inline_message, section_card
from frontend.components.timer import hidden_timer
from frontend.state.chat_models import ModeChoice
from frontend.state.task_form import PREVIEW_CHECK_MS, TaskFormState
from frontend.state.tasks_models import CRON_PRESETS, CronPreset


def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(text, html_for=html_for, font_size="13px", font_weight="500")


def _mode_option(choice: ModeChoice) -> rx.Component:
    return rx.select.item(choice.label, value=choice.value)


def _preset(preset: CronPreset) -> rx.Component:
    return rx.button(
        preset.label,
        size="1",
        variant=rx.cond(TaskFormState.cron == preset.cron, "solid", "soft"),
        color_scheme="gray",
        type="button",
        on_click=TaskFormState.pick_preset(preset.cron),
        data_testid="cron-preset",
        custom_attrs={"data-cron": preset.cron},
    )


def _cron_fields() -> rx.Component:
    return rx.vstack(
        _label("Cron expression", "task-cron"),
        rx.input(
            id="task-cron",
            value=TaskFormState.cron,
            on_change=TaskFormState.set_cron,
            placeholder="minute hour day month weekday",
            font_family="monospace",
            width="100%",
            data_testid="task-cron",
        ),
        rx.flex(*(_preset(p) for p in CRON_PRESETS), wrap="wrap", spacing="1"),
        rx.flex(
            rx.foreach(
                TaskFormState.cron_parts,
                lambda part: rx.code(part, size="1", variant="ghost", color_scheme="gray"),
            ),
            wrap="wrap",
            spacing="3",
            data_testid="cron-parts",
        ),
        spacing="2",
        width="100%",
    )


def _interval_fields() -> rx.Component:
    return rx.vstack(
        _label("Every", "task-every"),
        rx.hstack(
            rx.input(
                id="task-every",
                type="number",
                min="1",
                value=TaskFormState.every,
                on_change=TaskFormState.set_every,
                width="6rem",
                data_testid="task-every",
            ),
            rx.select(
                ["minutes", "hours", "days"],
                value=TaskFormState.unit,
                on_change=TaskFormState.set_unit,
                aria_label="Unit",
            ),
            spacing="2",
        ),
        spacing="2",
        width="100%",
    )


def _date_fields() -> rx.Component:
    return rx.vstack(
        _label("Run once at", "task-run-at"),
        rx.input(
            id="task-run-at",
            type="datetime-local",
            value=TaskFormState.run_at,
            on_change=TaskFormState.set_run_at,
            data_testid="task-run-at",
        ),
        spacing="2",
        width="100%",
    )


def _preview() -> rx.Component:
    return rx.box(
        rx.cond(
            TaskFormState.preview_error != "",
            inline_message(TaskFormState.preview_error, "red", "circle-alert", "preview-error"),
            rx.vstack(
                rx.text(TaskFormState.schedule, size="1", color_scheme="gray"),
                rx.text("Next runs", size="1", weight="medium"),
                rx.flex(
                    rx.foreach(
                        TaskFormState.next_runs,
                        lambda moment: rx.badge(
                            moment, variant="soft", color_scheme="indigo", data_testid="preview-run"
                        ),
                    ),
                    wrap="wrap",
                    spacing="1",
                ),
                spacing="1",
            ),
        ),
        # While the page is open the preview stays ahead of the clock.
        hidden_timer(PREVIEW_CHECK_MS, TaskFormState.keep_preview_current),
        padding="0.6rem 0.75rem",
        border_radius="8px",
        background_color=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        aria_live="polite",
        data_testid="next-run-preview",
    )


def _schedule() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item("Cron", value="cron"),
            rx.segmented_control.item("Interval", value="interval"),
            rx.segmented_control.item("Once", value="date"),
            value=TaskFormState.kind,
            on_change=TaskFormState.set_kind,
            size="1",
            data_testid="trigger-kind",
        ),
        rx.match(
            TaskFormState.kind,
            ("interval", _interval_fields()),
            ("date", _date_fields()),
            _cron_fields(),
        ),
        _preview(),
        spacing="2",
        width="100%",
    )


def task_form() -> rx.Component:
    """A new scheduled task; the server explains what it cannot accept."""
    return section_card(
        "New task",
        "calendar-plus",
        rx.vstack(
            _label("Prompt", "task-prompt"),
            rx.text_area(
                id="task-prompt",
                value=TaskFormState.prompt,
                on_change=TaskFormState.set_prompt,
                placeholder="What should the agent do each time?",
                rows="3",
                width="100%",
                data_testid="task-prompt",
            ),
            _label("Name (optional)", "task-name"),
            rx.input(
                id="task-name",
                value=TaskFormState.name,
                on_change=TaskFormState.set_name,
                placeholder="Named after the prompt if left empty",
                width="100%",
                data_testid="task-name",
            ),
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(aria_label="Agent mode", data_testid="task-mode"),
                    rx.select.content(rx.foreach(TaskFormState.modes, _mode_option)),
                    value=TaskFormState.mode,
                    on_change=TaskFormState.set_mode,
                    size="2",
                ),
                documents_switch(
                    TaskFormState.use_knowledge,
                    TaskFormState.set_use_knowledge,
                    TaskFormState.documents_hint,
                    testid="task-documents",
                ),
                align="center",
                spacing="3",
                flex_wrap="wrap",
            ),
            rx.text(
                TaskFormState.documents_hint,
                size="1",
                color_scheme="gray",
                data_testid="task-documents-hint",
            ),
            rx.separator(size="4"),
            _schedule(),
            rx.cond(
                TaskFormState.form_error != "",
                inline_message(TaskFormState.form_error, "red", "circle-alert", "form-error"),
            ),
            rx.cond(
                TaskFormState.notice != "",
                inline_message(TaskFormState.notice, "green", "circle-check", "form-notice"),
            ),
            rx.button(
                rx.icon("calendar-check", size=16),
                "Schedule task",
                loading=TaskFormState.saving,
                on_click=TaskFormState.submit,
                width="100%",
                data_testid="task-submit",
            ),
            spacing="2",
            width="100%",
        ),
        testid="task-form",
    )
