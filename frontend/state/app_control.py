"""Quitting AgentDesk from the page: confirm, ask the server to stop, then say it stopped."""

from __future__ import annotations

import reflex as rx

from frontend import api_client, api_system


class AppControlState(rx.State):
    """The Quit dialog and what the page shows once the app has stopped."""

    confirming: bool = False
    stopped: bool = False
    error: str = ""

    @rx.event
    def ask_to_quit(self) -> None:
        """Open the confirmation dialog."""
        self.confirming, self.error = True, ""

    @rx.event
    def set_confirming(self, value: bool) -> None:
        """The dialog opened or closed (Escape and Cancel close it)."""
        self.confirming = value

    @rx.event
    async def quit(self) -> None:
        """Stop the server; the page then shows that AgentDesk has stopped."""
        try:
            await api_system.quit_app()
        except api_client.ApiError as error:
            self.error = error.message
            return
        self.confirming, self.stopped = False, True
