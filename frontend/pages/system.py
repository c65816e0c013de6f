"""The System page at ``/system``: the machine, the model and the knowledge base, live."""

from __future__ import annotations

import reflex as rx

from frontend.components.nav import sidebar_frame
from frontend.components.page_frame import error_callout, page_body, page_frame
from frontend.components.system_panels import charts, tiles
from frontend.state.system import SystemState

ROUTE = "/system"
TITLE = "System · AgentDesk"


def _sidebar_note() -> rx.Component:
    return rx.vstack(
        rx.text(
            "How the computer and AgentDesk are doing, sampled every few seconds. "
            "The charts cover the last ten minutes.",
            size="2",
            color_scheme="gray",
        ),
        rx.text(
            "Sampled " + SystemState.view.sampled_at,
            size="1",
            color_scheme="gray",
            data_testid="sampled-at",
        ),
        rx.text(SystemState.view.monitor, size="1", color_scheme="gray"),
        spacing="2",
        padding_x="0.5rem",
    )


def system_page() -> rx.Component:
    """Sidebar; figure tiles over the live charts."""
    return page_frame(
        "System",
        sidebar_frame(_sidebar_note()),
        page_body(
            error_callout(SystemState.error, "system-error"), tiles(), charts(), max_width="80rem"
        ),
        watcher=SystemState,
        testid="system-page",
    )
