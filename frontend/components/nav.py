"""The brand and the links between AgentDesk's pages, shared by every page's sidebar."""

from __future__ import annotations

import reflex as rx

from frontend.components.quit import quit_button

# (label, icon, route): one entry per page, in the order they appear.
PAGES = [
    ("Chat", "message-circle", "/"),
    ("Knowledge", "library", "/knowledge"),
    ("Agents", "bot", "/agents"),
    ("Tasks", "calendar-clock", "/tasks"),
    ("System", "activity", "/system"),
]
SIDEBAR_WIDTH = "280px"


def brand() -> rx.Component:
    """The app's name and mark, and the Quit button."""
    return rx.hstack(
        rx.icon("bot", size=22, color=rx.color("accent", 10)),
        rx.heading("AgentDesk", size="5", weight="bold", as_="h1"),
        rx.spacer(),
        quit_button(),
        align="center",
        spacing="2",
        padding_x="0.5rem",
        width="100%",
    )


def nav_link(label: str, icon: str, route: str) -> rx.Component:
    """One page link; the current page is highlighted and marked for screen readers."""
    path = rx.State.router.url.path
    # The static build serves pages with a trailing slash ("/knowledge/").
    active = (path == route) | (path == route.rstrip("/") + "/")
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=16),
            rx.text(label, size="2", weight="medium"),
            align="center",
            spacing="2",
        ),
        href=route,
        underline="none",
        display="block",
        width="100%",
        padding_x="0.75rem",
        padding_y="0.45rem",
        border_radius="8px",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
        background_color=rx.cond(active, rx.color("accent", 3), "transparent"),
        _hover={"background_color": rx.color("gray", 4), "color": rx.color("gray", 12)},
        aria_current=rx.cond(active, "page", "false"),
        data_testid=f"nav-{label.lower()}",
    )


def main_nav() -> rx.Component:
    """Links to every page."""
    return rx.vstack(
        *(nav_link(label, icon, route) for label, icon, route in PAGES),
        as_="nav",
        aria_label="Pages",
        spacing="1",
        width="100%",
        data_testid="main-nav",
    )


def sidebar_frame(*children: rx.Component, testid: str = "sidebar") -> rx.Component:
    """The left column every page shares: brand, page links, then the page's own content."""
    return rx.vstack(
        brand(),
        main_nav(),
        rx.separator(size="4"),
        *children,
        as_="aside",
        data_testid=testid,
        spacing="3",
        padding="1rem",
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        height="100vh",
        background_color=rx.color("gray", 2),
        border_right=f"1px solid {rx.color('gray', 5)}",
    )


def sidebar_note(text: str) -> rx.Component:
    """A page's few words under the links, saying what the page is for."""
    return rx.text(text, size="2", color_scheme="gray", padding_x="0.5rem")
