"""The server and model health indicator."""

from __future__ import annotations

import reflex as rx

from frontend.components.timer import hidden_timer
from frontend.state.health import HealthState

HEALTH_REFRESH_MS = 10_000


def health_indicator() -> rx.Component:
    """A coloured dot and a short status text; the detail shows on hover."""
    return rx.tooltip(
        rx.hstack(
            rx.box(
                width="10px",
                height="10px",
                border_radius="50%",
                background_color=rx.color(HealthState.color, 9),
                box_shadow=f"0 0 0 3px {rx.color(HealthState.color, 4)}",
                data_testid="health-dot",
                custom_attrs={"data-level": HealthState.level},
                flex_shrink="0",
            ),
            rx.text(
                HealthState.summary,
                size="2",
                color_scheme="gray",
                # A narrow window shortens the status rather than pushing the header wider.
                white_space="nowrap",
                overflow="hidden",
                text_overflow="ellipsis",
                min_width="0",
                data_testid="health-text",
            ),
            # Checks health when the page opens, then on a timer for as long as it stays open.
            hidden_timer(HEALTH_REFRESH_MS, HealthState.refresh),
            align="center",
            spacing="2",
            min_width="0",
            role="status",
            aria_live="polite",
            data_testid="health-indicator",
        ),
        content=rx.cond(HealthState.detail != "", HealthState.detail, HealthState.summary),
    )
