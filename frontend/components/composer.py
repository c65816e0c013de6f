"""The message input and Send button."""

from __future__ import annotations

import reflex as rx

from frontend.state.chat import ChatState


def composer() -> rx.Component:
    """Enter sends, Shift+Enter starts a new line."""
    return rx.form(
        rx.hstack(
            rx.text_area(
                name="prompt",
                placeholder="Message AgentDesk…  (Enter to send, Shift+Enter for a new line)",
                aria_label="Message",
                enter_key_submit=True,
                auto_height=True,
                rows="1",
                required=True,
                disabled=ChatState.streaming,
                size="3",
                flex="1",
                min_height="3rem",
                max_height="12rem",
                data_testid="prompt-input",
            ),
            rx.button(
                rx.cond(ChatState.streaming, rx.spinner(size="2"), rx.icon("send", size=16)),
                "Send",
                type="submit",
                size="3",
                disabled=ChatState.streaming,
                data_testid="send-button",
            ),
            align="end",
            spacing="2",
            width="100%",
        ),
        on_submit=ChatState.send,
        reset_on_submit=True,
        width="100%",
        max_width="52rem",
        margin_x="auto",
        aria_label="Send a message",
    )
