"""The small icon button on a table row (download, delete, run now…), with its tooltip.

A click on it does its own job only: it does not also select the row it sits on.
"""

from __future__ import annotations

import reflex as rx


def row_action(icon: str, label: str, event: rx.EventSpec, testid: str) -> rx.Component:
    return rx.tooltip(
        rx.icon_button(
            rx.icon(icon, size=15),
            size="1",
            variant="ghost",
            color_scheme="gray",
            aria_label=label,
            on_click=[rx.stop_propagation, event],
            data_testid=testid,
        ),
        content=label,
    )
