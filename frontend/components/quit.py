"""The Quit button beside the brand, its confirmation, and the page shown once stopped."""

from __future__ import annotations

import reflex as rx

from frontend.components.confirm import confirm_dialog
from frontend.state.app_control import AppControlState


def quit_button() -> rx.Component:
    """A small power button; it asks before stopping anything."""
    return rx.fragment(
        rx.tooltip(
            rx.icon_button(
                rx.icon("power", size=15),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label="Quit AgentDesk",
                on_click=AppControlState.ask_to_quit,
                data_testid="quit-button",
            ),
            content="Quit AgentDesk",
        ),
        _confirm_dialog(),
        _stopped_screen(),
    )


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(
        "Quit AgentDesk?",
        "This stops AgentDesk and its model. Runs in progress end, and scheduled "
        "tasks wait until you start it again. Your chats, documents and tasks are kept.",
        "Quit",
        AppControlState.quit,
        "quit-confirm",
        # It stays open if quitting fails, to say why.
        closes=False,
        error=rx.cond(
            AppControlState.error != "",
            rx.callout.root(
                rx.callout.text(AppControlState.error),
                color_scheme="red",
                role="alert",
                margin_top="0.75rem",
                data_testid="quit-error",
            ),
        ),
        data_testid="quit-dialog",
        open=AppControlState.confirming,
        on_open_change=AppControlState.set_confirming,
    )


def _stopped_screen() -> rx.Component:
    """Covers the page, so nothing looks usable after the server is gone."""
    return rx.cond(
        AppControlState.stopped,
        rx.center(
            rx.vstack(
                rx.icon("power", size=32, color=rx.color("gray", 10)),
                rx.heading("AgentDesk has stopped", size="6", as_="h2"),
                rx.text(
                    "You can close this tab. Start AgentDesk again to pick up where you left off.",
                    color_scheme="gray",
                ),
                align="center",
                spacing="3",
            ),
            position="fixed",
            inset="0",
            z_index="10000",
            background_color=rx.color("gray", 1),
            role="alert",
            data_testid="stopped-screen",
        ),
    )


def connection_overlay() -> rx.Component:
    """Reflex's "cannot connect" warnings, left out once the app was stopped on purpose."""
    from reflex.app import default_overlay_component

    return rx.cond(AppControlState.stopped, rx.fragment(), default_overlay_component())
