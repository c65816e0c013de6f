"""The layout every page shares: sidebar, header with the title and health, the page's content."""

from __future__ import annotations

from typing import Any

import reflex as rx

from frontend.components.health import health_indicator
from frontend.components.model_download import model_download_banner
from frontend.components.nav import menu_button
from frontend.components.timer import hidden_timer
from frontend.state.layout import NARROW
from frontend.state.page_watcher import HEARTBEAT_MS


def page_header(title: str) -> rx.Component:
    """The page's title on the left, the model's health on the right.

    In a narrow window the menu button comes first and the health text gives way to the title.
    """
    return rx.hstack(
        menu_button(),
        rx.heading(title, size="4", weight="medium", as_="h2", white_space="nowrap"),
        rx.spacer(),
        rx.box(health_indicator(), min_width="0", overflow="hidden"),
        align="center",
        spacing="3",
        width="100%",
        padding_x="1.5rem",
        padding_y="0.85rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        as_="header",
        style={NARROW: {"padding_x": "1rem"}},
    )


def page_frame(
    title: str,
    sidebar: rx.Component,
    *main: rx.Component,
    watcher: Any = None,
    testid: str | None = None,
) -> rx.Component:
    """The sidebar beside the page's header and ``main``.

    ``watcher`` is the page's polling state: its timer runs while the page is open, and
    leaving the page stops the poll at once instead of when its heartbeat lapses.
    """
    extra: dict[str, Any] = {}
    if watcher is not None:
        main = (*main, _heartbeat(watcher.keep_watching))
        extra["on_unmount"] = watcher.stop_watching
    if testid is not None:
        extra["data_testid"] = testid
    return rx.hstack(
        sidebar,
        rx.vstack(
            page_header(title),
            model_download_banner(),
            *main,
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
        **extra,
    )


def page_body(*children: rx.Component, max_width: str = "72rem") -> rx.Component:
    """The scrolling column under the header, centred and at most ``max_width`` wide."""
    return rx.box(
        rx.vstack(
            *children,
            spacing="4",
            width="100%",
            max_width=max_width,
            margin_x="auto",
            padding="1.5rem",
        ),
        flex="1",
        width="100%",
        overflow_y="auto",
    )


def error_callout(error: rx.Var[str], testid: str) -> rx.Component:
    """A red alert at the top of the page's content while ``error`` is not empty."""
    return rx.cond(
        error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert", size=16)),
            rx.callout.text(error),
            color_scheme="red",
            role="alert",
            width="100%",
            data_testid=testid,
        ),
    )


def _heartbeat(on_tick: Any) -> rx.Component:
    """Each tick tells the page's state that the page is still open."""
    return hidden_timer(HEARTBEAT_MS, on_tick)
