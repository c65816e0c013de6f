"""The line over the message box while an answer waits for a slot or is being written: its
place in line, about how long it should take, and how fast the model writes."""

from __future__ import annotations

import reflex as rx

from frontend.components.timer import hidden_timer
from frontend.state.chat import ChatState
from frontend.state.run_estimate import EstimateState


def _icon(name: str) -> rx.Component:
    return rx.icon(name, size=14, color=rx.color("accent", 10), flex_shrink="0", margin_top="2px")


def estimate_banner() -> rx.Component:
    """Shown for the answer in progress only; it counts down once a second."""
    current = ChatState.streaming & (
        EstimateState.estimate.run_id == ChatState.partial_timeline.run_id
    )
    return rx.cond(
        current & (EstimateState.text != ""),
        rx.hstack(
            rx.cond(EstimateState.estimate.place > 0, _icon("hourglass"), _icon("timer")),
            rx.text(EstimateState.text, size="1", color_scheme="gray"),
            hidden_timer(1000, EstimateState.tick),
            align="start",
            spacing="2",
            width="100%",
            max_width="52rem",
            margin_x="auto",
            padding_bottom="0.5rem",
            role="status",
            data_testid="run-estimate",
            custom_attrs={"data-place": EstimateState.estimate.place},
        ),
    )
