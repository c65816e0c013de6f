"""The chat page at ``/``."""

from __future__ import annotations

import reflex as rx

from frontend.components.banner import error_banner
from frontend.components.composer import composer
from frontend.components.estimate_banner import estimate_banner
from frontend.components.messages import transcript
from frontend.components.page_frame import page_frame
from frontend.components.sidebar import sidebar
from frontend.state.layout import NARROW

ROUTE = "/"
TITLE = "AgentDesk"


def chat_page() -> rx.Component:
    """Sidebar on the left; header, transcript and input on the right."""
    return page_frame(
        "Chat",
        sidebar(),
        rx.box(
            error_banner(), width="100%", max_width="52rem", margin_x="auto", padding_x="1.5rem"
        ),
        transcript(),
        rx.box(
            estimate_banner(),
            composer(),
            width="100%",
            padding_x="1.5rem",
            padding_y="1rem",
            style={NARROW: {"padding_x": "1rem"}},
            border_top=f"1px solid {rx.color('gray', 4)}",
        ),
    )
