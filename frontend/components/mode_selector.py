"""The agent mode selector and the "use my documents" switch beside the message input, with a
one-line hint of the chosen mode."""

from __future__ import annotations

import reflex as rx

from frontend.components.documents_switch import documents_switch
from frontend.state.chat import ChatState
from frontend.state.chat_models import ModeChoice


def _option(choice: ModeChoice) -> rx.Component:
    return rx.select.item(choice.label, value=choice.value, data_testid="mode-option")


def mode_selector() -> rx.Component:
    """Which engine answers the next question; the choice stays for the whole session."""
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(
                aria_label="Agent mode",
                variant="soft",
                color_scheme="gray",
                data_testid="mode-select",
            ),
            rx.select.content(rx.foreach(ChatState.modes, _option)),
            value=ChatState.mode,
            on_change=ChatState.set_mode,
            disabled=ChatState.streaming,
            size="1",
        ),
        rx.text(
            ChatState.mode_hint,
            size="1",
            color_scheme="gray",
            white_space="nowrap",
            overflow="hidden",
            text_overflow="ellipsis",
            min_width="0",
            data_testid="mode-hint",
        ),
        rx.spacer(),
        documents_switch(
            ChatState.use_knowledge,
            ChatState.set_use_knowledge,
            ChatState.documents_hint,
            disabled=ChatState.streaming,
        ),
        align="center",
        spacing="2",
        width="100%",
        min_width="0",
        # In a narrow window the documents switch moves to a line of its own.
        flex_wrap="wrap",
    )
