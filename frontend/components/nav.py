"""The brand and the links between AgentDesk's pages, shared by every page's sidebar."""

from __future__ import annotations

import reflex as rx

from frontend.components.quit import quit_button
from frontend.state.layout import NARROW, LayoutState

# (label, icon, route): one entry per page, in the order they appear.
PAGES = [
    ("Chat", "message-circle", "/"),
    ("Knowledge", "library", "/knowledge"),
    ("Agents", "bot", "/agents"),
    ("Tasks", "calendar-clock", "/tasks"),
    ("Workspace", "folder-open", "/workspace"),
    ("Models", "cpu", "/models"),
    ("System", "activity", "/system"),
    ("Settings", "settings", "/settings"),
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
        on_click=LayoutState.close_menu,
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


# In a narrow window the sidebar lies over the page, off screen until the menu opens it.
_NARROW_SIDEBAR = {
    NARROW: {
        "position": "fixed",
        "top": "0",
        "left": "0",
        "z_index": "30",
        "max_width": "85vw",
        "box_shadow": "var(--shadow-5)",
        "&[data-open='false']": {"transform": "translateX(-100%)", "visibility": "hidden"},
    }
}


def _backdrop() -> rx.Component:
    """The page behind the open sidebar in a narrow window, dimmed; a click closes the menu."""
    return rx.cond(
        LayoutState.menu_open,
        rx.box(
            on_click=LayoutState.close_menu,
            position="fixed",
            inset="0",
            z_index="29",
            background_color="var(--color-overlay)",
            display="none",
            style={NARROW: {"display": "block"}},
            data_testid="sidebar-backdrop",
        ),
    )


def sidebar_frame(*children: rx.Component, testid: str = "sidebar") -> rx.Component:
    """The left column every page shares: brand, page links, then the page's own content."""
    return rx.fragment(
        _backdrop(),
        rx.vstack(
            brand(),
            main_nav(),
            rx.separator(size="4"),
            *children,
            as_="aside",
            data_testid=testid,
            custom_attrs={"data-open": rx.cond(LayoutState.menu_open, "true", "false")},
            # Each page opens with the menu closed, even after a reload with it open.
            on_mount=LayoutState.close_menu,
            spacing="3",
            padding="1rem",
            width=SIDEBAR_WIDTH,
            min_width=SIDEBAR_WIDTH,
            height="100vh",
            background_color=rx.color("gray", 2),
            border_right=f"1px solid {rx.color('gray', 5)}",
            style=_NARROW_SIDEBAR,
        ),
    )


def menu_button() -> rx.Component:
    """Opens the sidebar in a narrow window; not shown while the sidebar has room of its own."""
    return rx.icon_button(
        rx.icon("menu", size=18),
        on_click=LayoutState.toggle_menu,
        variant="ghost",
        color_scheme="gray",
        aria_label="Menu",
        aria_expanded=rx.cond(LayoutState.menu_open, "true", "false"),
        display="none",
        style={NARROW: {"display": "inline-flex"}},
        data_testid="menu-button",
    )


def sidebar_note(text: str) -> rx.Component:
    """A page's few words under the links, saying what the page is for."""
    return rx.text(text, size="2", color_scheme="gray", padding_x="0.5rem")
