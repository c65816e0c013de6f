"""The banner under every page's header while the chat model is fetched on the first start."""

from __future__ import annotations

import reflex as rx

from frontend.components.timer import hidden_timer
from frontend.state.health import HealthState

# Faster than the health dot's own refresh, so the bar moves while it is shown.
DOWNLOAD_REFRESH_MS = 2_000


def model_download_banner() -> rx.Component:
    """How far the download is, and what works meanwhile."""
    return rx.cond(
        HealthState.download_percent >= 0,
        rx.box(
            rx.vstack(
                rx.hstack(
                    rx.icon("download", size=16, color=rx.color("blue", 11)),
                    rx.text(
                        "Getting the chat model ready (first start only): ",
                        HealthState.download_words,
                        size="2",
                        weight="medium",
                        data_testid="model-download-text",
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.progress(value=HealthState.download_percent.to(int), max=100, width="100%"),
                rx.text(
                    "Answers wait until it is done; you can add documents meanwhile. If the "
                    "download stops, starting AgentDesk again resumes it.",
                    size="1",
                    color_scheme="gray",
                ),
                hidden_timer(DOWNLOAD_REFRESH_MS, HealthState.refresh),
                spacing="2",
                width="100%",
            ),
            width="100%",
            padding_x="1.5rem",
            padding_y="0.75rem",
            background_color=rx.color("blue", 2),
            border_bottom=f"1px solid {rx.color('blue', 5)}",
            role="status",
            data_testid="model-download",
        ),
    )
