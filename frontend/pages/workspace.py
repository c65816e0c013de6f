"""The Workspace page at ``/workspace``: the files the agents wrote, to read, download, delete."""

from __future__ import annotations

import reflex as rx

from frontend.components.nav import sidebar_frame, sidebar_note
from frontend.components.page_frame import error_callout, page_body, page_frame
from frontend.components.workspace import delete_dialog, files_card, preview_card
from frontend.state.workspace import WorkspaceState

ROUTE = "/workspace"
TITLE = "Workspace · AgentDesk"
# What the page is for, under the links in the sidebar.
NOTE = (
    "The agents' own folder: whatever they save (notes, tables, reports) lands here. "
    "Click a file to read it; download what you want to keep."
)


def workspace_page() -> rx.Component:
    """Sidebar; the file table beside the chosen file's preview."""
    return page_frame(
        "Workspace",
        sidebar_frame(sidebar_note(NOTE)),
        page_body(
            error_callout(WorkspaceState.error, "workspace-error"),
            rx.flex(
                rx.box(files_card(), flex="3", min_width="0", width="100%"),
                rx.box(preview_card(), flex="2", min_width="0", width="100%"),
                direction=rx.breakpoints(initial="column", lg="row"),
                spacing="4",
                align="start",
                width="100%",
            ),
            max_width="84rem",
        ),
        delete_dialog(),
        watcher=WorkspaceState,
        testid="workspace-page",
    )
