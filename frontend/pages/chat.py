"""The chat page at ``/``."""

from __future__ import annotations

import reflex as rx

from frontend.components.banner import error_banner
from frontend.components.composer import composer
from frontend.components.health import health_indicator
from frontend.components.messages import transcript
from frontend.components.sidebar import sidebar

ROUTE = "/"
TITLE = "AgentDesk"


def chat_page() -> rx.Component:
    """Sidebar on the left; header, transcript and input on the right."""
    return rx.hstack(
        sidebar(),
        rx.vstack(
            rx.hstack(
                rx.heading("Chat", size="4", weight="medium", as_="h2"),
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
                error_banner(), width="100%", max_width="52rem", margin_x="auto", padding_x="1.5rem"
            ),
            transcript(),
            rx.box(
                composer(),
                width="100%",
                padding_x="1.5rem",
                padding_y="1rem",
                border_top=f"1px solid {rx.color('gray', 4)}",
            ),
            as_="main",
            spacing="0",
            height="100vh",
            flex="1",
            min_width="0",
        ),
        spacing="0",
        width="100%",
        height="100vh",
        overflow="hidden",
    )
