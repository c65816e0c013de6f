"""Shared pieces of the Knowledge page: section cards, the error banner, the index summary."""

from __future__ import annotations

import reflex as rx

from frontend.components.banner import dismiss_button
from frontend.state.knowledge import KnowledgeState

# Read by screen readers, not drawn: labels for columns whose meaning is obvious on screen.
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def section_card(
    title: str,
    icon: str,
    *children: rx.Component,
    testid: str,
    actions: rx.Component | None = None,
) -> rx.Component:
    """A titled card; ``actions`` sit at the right of the title, or under it when the window
    is too narrow for both (a wide control scrolls sideways rather than being cut off)."""
    heading = rx.hstack(
        rx.hstack(
            rx.icon(
                icon,
                size=18,
                color=rx.color("accent", 10),
                flex_shrink="0",
                data_testid="section-icon",
            ),
            rx.heading(title, size="3", weight="medium", as_="h3"),
            align="center",
            spacing="2",
            flex_shrink="0",
        ),
        rx.spacer(),
        *(
            [rx.box(actions, max_width="100%", overflow_x="auto", flex_shrink="1")]
            if actions is not None
            else []
        ),
        align="center",
        spacing="2",
        width="100%",
        flex_wrap="wrap",
    )
    return rx.card(
        rx.vstack(heading, *children, spacing="3", width="100%"),
        as_="section",
        aria_label=title,
        width="100%",
        size="2",
        data_testid=testid,
    )


def inline_message(text: str | rx.Var[str], color: str, icon: str, testid: str) -> rx.Component:
    """A one-line notice under a control (the server's reason, a confirmation)."""
    return rx.hstack(
        rx.icon(icon, size=14, color=rx.color(color, 11), flex_shrink="0", margin_top="2px"),
        rx.text(text, size="2", color=rx.color(color, 11), data_testid=testid),
        align="start",
        spacing="2",
        role="alert" if color == "red" else "status",
    )


def page_error_banner() -> rx.Component:
    """Errors not tied to one control, e.g. the server cannot be reached."""
    return rx.cond(
        KnowledgeState.error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert", size=16)),
            rx.callout.text(KnowledgeState.error, data_testid="knowledge-error-text"),
            dismiss_button(KnowledgeState.dismiss_error, margin_left="auto"),
            color_scheme="red",
            role="alert",
            width="100%",
            style={"display": "flex", "align_items": "center"},
            data_testid="knowledge-error",
        ),
    )


def _stat(label: str, value: int | rx.Var[int], color: str, testid: str) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            border_radius="50%",
            background_color=rx.color(color, 9),
            flex_shrink="0",
        ),
        rx.text(label, size="2", color_scheme="gray", flex="1"),
        rx.text(value, size="2", weight="medium", data_testid=testid),
        align="center",
        spacing="2",
        width="100%",
        padding_x="0.5rem",
    )


def index_summary() -> rx.Component:
    """Counts by state for the sidebar, updated by the status poll."""
    progress = KnowledgeState.progress
    return rx.vstack(
        rx.text("Index", size="1", weight="medium", color_scheme="gray", padding_x="0.5rem"),
        _stat("Indexed", progress.indexed, "green", "count-indexed"),
        _stat("Pending", progress.pending, "amber", "count-pending"),
        _stat("Failed", progress.failed, "red", "count-failed"),
        _stat("Skipped", progress.skipped, "gray", "count-skipped"),
        _stat("Chunks", progress.chunks, "indigo", "count-chunks"),
        spacing="2",
        width="100%",
        data_testid="index-summary",
    )
