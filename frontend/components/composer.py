"""The message input with the mode selector, and the Send (or Stop) button."""

from __future__ import annotations

import reflex as rx

from frontend.components.attach import attach_button, attachments, refusal_note
from frontend.components.mode_selector import mode_selector
from frontend.state.chat import ChatState
from frontend.state.chat_stream import PROMPT_INPUT_ID
from frontend.state.layout import NARROW


def _stop_button() -> rx.Component:
    """Ends the answer in progress; what was written so far is kept."""
    return rx.button(
        rx.cond(ChatState.stopping, rx.spinner(size="2"), rx.icon("square", size=14)),
        "Stop",
        type="button",
        size="3",
        color_scheme="red",
        variant="soft",
        on_click=ChatState.stop,
        disabled=ChatState.stopping,
        aria_label="Stop the answer",
        data_testid="stop-button",
    )


def _send_button() -> rx.Component:
    return rx.button(
        rx.icon("send", size=16),
        # A phone's width keeps the box for the text: the button shows its icon only.
        rx.text.span("Send", style={NARROW: {"display": "none"}}),
        type="submit",
        size="3",
        aria_label="Send",
        data_testid="send-button",
    )


def composer() -> rx.Component:
    """Enter sends, Shift+Enter starts a new line; the mode applies to the next question."""
    return rx.vstack(
        attachments(),
        rx.form(
            rx.hstack(
                rx.text_area(
                    name="prompt",
                    id=PROMPT_INPUT_ID,
                    # Short enough for one line in a narrow window; the keys are in the tooltip.
                    placeholder="Message AgentDesk…",
                    title="Enter sends, Shift+Enter starts a new line",
                    aria_label="Message",
                    enter_key_submit=True,
                    auto_height=True,
                    rows="1",
                    required=True,
                    disabled=ChatState.streaming,
                    size="3",
                    flex="1",
                    min_width="0",
                    min_height="3rem",
                    max_height="12rem",
                    data_testid="prompt-input",
                ),
                attach_button(),
                rx.cond(ChatState.streaming, _stop_button(), _send_button()),
                align="end",
                spacing="2",
                width="100%",
            ),
            on_submit=ChatState.send,
            reset_on_submit=True,
            width="100%",
            aria_label="Send a message",
        ),
        refusal_note(),
        # Outside the form: resetting the form after sending would reset the selector too.
        mode_selector(),
        spacing="2",
        width="100%",
        max_width="52rem",
        margin_x="auto",
    )
