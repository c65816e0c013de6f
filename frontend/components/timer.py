"""An unseen timer: it calls an event handler when the page opens, then every interval."""

from __future__ import annotations

from typing import Any

import reflex as rx


def hidden_timer(interval_ms: int, on_tick: Any) -> rx.Component:
    """``on_tick`` runs on mount and every ``interval_ms`` for as long as this is shown."""
    return rx.moment(interval=interval_ms, on_change=on_tick, display="none", aria_hidden="true")
