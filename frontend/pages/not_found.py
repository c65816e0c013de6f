"""The page for an address AgentDesk has no page for (an old bookmark, a typo: ``/settings``)."""

from __future__ import annotations

import reflex as rx

from frontend.components.nav import PAGES, sidebar_frame, sidebar_note
from frontend.components.page_frame import page_body, page_frame

ROUTE = "404"
TITLE = "Page not found · AgentDesk"
NOTE = "The links above lead to every page AgentDesk has."


def _page_link(label: str, icon: str, route: str) -> rx.Component:
    return rx.link(
        rx.button(rx.icon(icon, size=14), label, variant="soft", color_scheme="gray"),
        href=route,
        underline="none",
    )


def not_found_page() -> rx.Component:
    """Says which address was not found and leads back to the chat or to any other page."""
    return page_frame(
        "Page not found",
        sidebar_frame(sidebar_note(NOTE)),
        page_body(
            rx.vstack(
                rx.icon("map-pin-off", size=36, color=rx.color("gray", 9)),
                rx.heading("There is no page here", size="6", as_="h3"),
                rx.text(
                    "AgentDesk has no page at “",
                    rx.code(rx.State.router.page.raw_path, data_testid="missing-path"),
                    "”. It may have moved, or the address has a typo.",
                    color_scheme="gray",
                    align="center",
                ),
                rx.link(
                    rx.button(rx.icon("message-circle", size=16), "Back to Chat", size="3"),
                    href="/",
                    underline="none",
                    data_testid="back-to-chat",
                ),
                rx.hstack(
                    *(_page_link(*page) for page in PAGES[1:]),
                    spacing="2",
                    wrap="wrap",
                    justify="center",
                ),
                align="center",
                spacing="4",
                padding_y="4rem",
                width="100%",
            ),
            max_width="40rem",
        ),
        testid="not-found-page",
    )
