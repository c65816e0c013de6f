"""The Agents page at ``/agents``: each engine's state and record, recent runs, transcripts."""

from __future__ import annotations

import reflex as rx

from frontend.components.agents_panels import engines_grid, runs_card, transcript_dialog
from frontend.components.health import health_indicator
from frontend.components.nav import sidebar_frame
from frontend.state.agents import AgentsState

ROUTE = "/agents"
TITLE = "Agents · AgentDesk"


def _error_banner() -> rx.Component:
    return rx.cond(
        AgentsState.error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert", size=16)),
            rx.callout.text(AgentsState.error),
            color_scheme="red",
            role="alert",
            width="100%",
            data_testid="agents-error",
        ),
    )


def _sidebar_note() -> rx.Component:
    return rx.text(
        "Every answer is a run. Open one to see each step its agents took, "
        "or export it as Markdown or JSON.",
        size="2",
        color_scheme="gray",
        padding_x="0.5rem",
    )


def agents_page() -> rx.Component:
    """Sidebar; engine cards over the runs table on the right; a run opens in a dialog."""
    return rx.hstack(
        sidebar_frame(_sidebar_note()),
        rx.vstack(
            rx.hstack(
                rx.heading("Agents", size="4", weight="medium", as_="h2"),
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
                    engines_grid(),
                    runs_card(),
                    spacing="4",
                    width="100%",
                    max_width="72rem",
                    margin_x="auto",
                    padding="1.5rem",
                ),
                flex="1",
                width="100%",
                overflow_y="auto",
            ),
            transcript_dialog(),
            as_="main",
            spacing="0",
            height="100vh",
            flex="1",
            min_width="0",
        ),
        # Leaving the page ends the poll at once instead of when its heartbeat lapses.
        on_unmount=AgentsState.stop_watching,
        spacing="0",
        width="100%",
        height="100vh",
        overflow="hidden",
        data_testid="agents-page",
    )
