"""The error banner above the transcript, and the button that dismisses an error."""

from __future__ import annotations

from typing import Any

import reflex as rx

from frontend.state.chat import ChatState


def dismiss_button(on_click: Any, **props: Any) -> rx.Component:
    """The small red cross that puts an error away."""
    return rx.icon_button(
        rx.icon("x", size=14),
        variant="ghost",
        color_scheme="red",
        size="1",
        aria_label="Dismiss error",
        on_click=on_click,
        **props,
    )


def error_banner() -> rx.Component:
    """Shows the last error in words a person can act on, until dismissed."""
    return rx.cond(
        ChatState.error != "",
        rx.hstack(
            rx.icon("triangle-alert", size=18, color=rx.color("red", 11), flex_shrink="0"),
            rx.text(
                ChatState.error,
                size="2",
                color=rx.color("red", 11),
                flex="1",
                data_testid="error-text",
            ),
            dismiss_button(ChatState.dismiss_error),
            role="alert",
            align="center",
            spacing="3",
            width="100%",
            margin_top="1rem",
            padding_x="1rem",
            padding_y="0.75rem",
            border_radius="10px",
            background_color=rx.color("red", 3),
            border=f"1px solid {rx.color('red', 6)}",
            data_testid="error-banner",
        ),
    )
