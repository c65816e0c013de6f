"""The Settings page at ``/settings``: the model, generation, documents and agents settings."""

from __future__ import annotations

import reflex as rx

from frontend.components.nav import sidebar_frame, sidebar_note
from frontend.components.page_frame import error_callout, page_body, page_frame
from frontend.components.settings_fields import save_bar, settings_card
from frontend.components.settings_info import (
    access_card,
    active_model,
    connection_test,
    folders_card,
)
from frontend.state.settings import SettingsState

ROUTE = "/settings"
TITLE = "Settings · AgentDesk"
NOTE = (
    "Change the model, how it writes, how your documents are used and what agents may spend. "
    "A value set in the environment or .env is locked here."
)


def _columns(*cards: rx.Component) -> rx.Component:
    return rx.vstack(*cards, spacing="4", width="100%", min_width="0")


def settings_page() -> rx.Component:
    """Sidebar; the section cards in two columns (one when narrow) above the Save bar."""
    return page_frame(
        "Settings",
        sidebar_frame(sidebar_note(NOTE)),
        page_body(
            error_callout(SettingsState.error, "settings-error"),
            rx.grid(
                _columns(
                    settings_card(
                        "model", "Model & provider", "cpu", connection_test(), active_model()
                    ),
                    settings_card("documents", "Documents", "library"),
                    folders_card(),
                ),
                _columns(
                    settings_card("generation", "Generation", "sliders-horizontal"),
                    settings_card("agents", "Agents", "bot"),
                    access_card(),
                ),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4",
                width="100%",
            ),
            save_bar(),
            max_width="72rem",
        ),
        testid="settings-page",
    )
