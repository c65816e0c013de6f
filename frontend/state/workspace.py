"""The Workspace page: the files the agents wrote, one previewed, downloads and deletions."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import reflex as rx

from backend.api.schemas.workspace import WorkspaceListing
from frontend import api_client, api_workspace
from frontend.state.page_watcher import PageWatcher
from frontend.state.workspace_models import (
    FilePreview,
    WorkspaceRow,
    summary,
    to_preview,
    to_row,
)


class WorkspaceState(PageWatcher, rx.State):
    """The workspace's files, re-read every few seconds so a file a run writes appears."""

    rows: list[WorkspaceRow] = []
    root: str = ""
    total: str = ""
    loaded: bool = False
    error: str = ""
    selected: str = ""
    preview: FilePreview = FilePreview()
    previewing: bool = False
    # The path whose deletion waits for the user's yes ("" when no question is open).
    confirm_path: str = ""
    # Whether ``error`` came from reading the list (a good read clears it) or from an action.
    _read_failed: bool = False

    @rx.event
    async def load_page(self) -> None:
        """Read the workspace when the page opens."""
        await self._refresh()

    @rx.event
    async def select(self, path: str) -> Any:
        """Show a file's start in the preview pane (a folder has nothing to preview)."""
        row = next((r for r in self.rows if r.path == path), None)
        if row is None or row.is_folder:
            return
        self.selected, self.previewing = path, True
        yield
        try:
            self.preview = to_preview(await api_workspace.preview(path))
        except api_client.ApiError as error:
            self.preview = FilePreview(path, "", error.message, "")
        self.previewing = False

    @rx.event
    def close_preview(self) -> None:
        """Hide the preview pane."""
        self.selected, self.preview = "", FilePreview()

    @rx.event
    async def download(self, path: str) -> Any:
        """Hand the file to the browser to save."""
        try:
            found = await api_workspace.download(path)
        except api_client.ApiError as error:
            self.error, self._read_failed = error.message, False
            return None
        return rx.download(data=found.content, filename=found.filename)

    @rx.event
    def ask_delete(self, path: str) -> None:
        """Open the "delete this?" question."""
        self.confirm_path = path

    @rx.event
    def set_confirm_open(self, is_open: bool) -> None:
        """Closing the question without an answer keeps the file."""
        if not is_open:
            self.confirm_path = ""

    @rx.event
    async def delete_confirmed(self) -> None:
        """Move the file or folder the question was about to the trash."""
        path, self.confirm_path = self.confirm_path, ""
        if not path:
            return
        try:
            await api_workspace.delete(path)
        except api_client.ApiError as error:
            self.error, self._read_failed = error.message, False
            return
        if self.selected == path or self.selected.startswith(path + "/"):
            self.close_preview()
        await self._refresh()

    @rx.event
    def dismiss_error(self) -> None:
        """Hide the error banner."""
        self.error = ""

    async def _refresh(self) -> None:
        self._poll_apply(await _fetch())

    def _poll_read(self) -> Awaitable[WorkspaceListing | str]:
        return _fetch()

    def _poll_apply(self, polled: WorkspaceListing | str) -> None:
        if isinstance(polled, str):
            self.error, self._read_failed = polled, True
            return
        self.rows = [to_row(entry) for entry in polled.entries]
        self.root, self.total = polled.root, summary(polled)
        if self._read_failed:
            self.error, self._read_failed = "", False
        self.loaded = True
        if self.selected and all(row.path != self.selected for row in self.rows):
            self.close_preview()


async def _fetch() -> WorkspaceListing | str:
    """The listing, or the reason it could not be read."""
    try:
        return await api_workspace.list_workspace()
    except api_client.ApiError as error:
        return error.message
