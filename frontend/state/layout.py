"""Whether the sidebar is open over the page in a narrow window (below ``NARROW_WIDTH``)."""

from __future__ import annotations

import reflex as rx

# Below this width the sidebar leaves the page and opens from the header's menu button.
NARROW_WIDTH = 768
NARROW = f"@media (max-width: {NARROW_WIDTH - 1}px)"
WIDE = f"@media (min-width: {NARROW_WIDTH}px)"


class LayoutState(rx.State):
    """The narrow window's sidebar menu: closed until asked for, closed again after a choice."""

    menu_open: bool = False

    @rx.event
    def toggle_menu(self) -> None:
        """The header's menu button opens the sidebar, or closes it again."""
        self.menu_open = not self.menu_open

    @rx.event
    def close_menu(self) -> None:
        """A page or conversation was chosen, or the page behind was clicked."""
        self.menu_open = False
