"""The System page at ``/system``: the machine, the model and the knowledge base, live."""

from __future__ import annotations

import reflex as rx

from frontend.components.health import health_indicator
from frontend.components.nav import sidebar_frame
from frontend.components.system_panels import charts, tiles
from frontend.state.system import SystemState

ROUTE = "/system"
TITLE = "System · AgentDesk"


def _error_banner() -> rx.Component:
    return rx.cond(
        SystemState.error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert", size=16)),
            rx.callout.text(SystemState.error),
            color_scheme="red",
            role="alert",
            width="100%",
            data_testid="system-error",
        ),
    )


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
    return rx.hstack(
        sidebar_frame(_sidebar_note()),
        rx.vstack(
            rx.hstack(
                rx.heading("System", size="4", weight="medium", as_="h2"),
                health_indicator(),
                justify="between",
                align="center",
                width="100%",
                padding_x="1.5rem",
                padding_y="0.85rem",
                border_bottom=f"1px solid {rx.color('gray', 4)}",
                as_="header",
            ),
            rx.box(
                rx.vstack(
                    _error_banner(),
                    tiles(),
                    charts(),
                    spacing="4",
                    width="100%",
                    max_width="80rem",
                    margin_x="auto",
                    padding="1.5rem",
                ),
                flex="1",
                width="100%",
                overflow_y="auto",
            ),
            as_="main",
            spacing="0",
            height="100vh",
            flex="1",
            min_width="0",
        ),
        # Leaving the page ends the poll at once instead of when its heartbeat lapses.
        on_unmount=SystemState.stop_watching,
        spacing="0",
        width="100%",
        height="100vh",
        overflow="hidden",
        data_testid="system-page",
    )
