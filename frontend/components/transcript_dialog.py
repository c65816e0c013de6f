"""The dialog a run's transcript opens in, shared by the Agents and Tasks pages."""

from __future__ import annotations

from typing import Any

import reflex as rx


def run_transcript_dialog(
    body: rx.Component,
    *actions: rx.Component,
    is_open: rx.Var[bool],
    on_open_change: Any,
    testid: str,
) -> rx.Component:
    """A titled, scrolling dialog around ``body``; ``actions`` sit left of the close button."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.dialog.title("Run transcript", margin="0"),
                rx.spacer(),
                *actions,
                rx.dialog.close(
                    rx.icon_button(
                        rx.icon("x", size=16),
                        variant="ghost",
                        color_scheme="gray",
                        aria_label="Close",
                    )
                ),
                align="center",
                width="100%",
                margin_bottom="0.75rem",
            ),
            rx.scroll_area(
                body,
                type="auto",
                scrollbars="vertical",
                max_height="75vh",
                padding_right="0.75rem",
            ),
            max_width="56rem",
            width="92vw",
            data_testid=testid,
        ),
        open=is_open,
        on_open_change=on_open_change,
    )
