"""The agent mode selector and the "use my documents" switch beside the message input, with a
one-line hint of the chosen mode."""

from __future__ import annotations

import reflex as rx

from frontend.state.chat import ChatState
from frontend.state.chat_models import ModeChoice


def _option(choice: ModeChoice) -> rx.Component:
    return rx.select.item(choice.label, value=choice.value, data_testid="mode-option")


def documents_switch() -> rx.Component:
    """Whether the next questions use the user's documents: Auto (when relevant), On, Off."""
    return rx.hstack(
        rx.text("Documents", size="1", color_scheme="gray", white_space="nowrap"),
        rx.segmented_control.root(
            rx.segmented_control.item("Auto", value="auto", data_testid="documents-auto"),
            rx.segmented_control.item("On", value="on", data_testid="documents-on"),
            rx.segmented_control.item("Off", value="off", data_testid="documents-off"),
            value=ChatState.use_knowledge,
            on_change=ChatState.set_use_knowledge,
            disabled=ChatState.streaming,
            size="1",
            aria_label="Use my documents",
            data_testid="documents-switch",
        ),
        title=ChatState.documents_hint,
        align="center",
        spacing="2",
        flex_shrink="0",
    )


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
        documents_switch(),
        align="center",
        spacing="2",
        width="100%",
        min_width="0",
        # In a narrow window the documents switch moves to a line of its own.
        flex_wrap="wrap",
    )
