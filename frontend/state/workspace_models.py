"""What the Workspace page shows, built from ``/api/workspace`` payloads.

Pure functions only, so the tests check them without a server.
"""

from __future__ import annotations

import dataclasses

from backend.api.schemas.workspace import WorkspaceEntry, WorkspaceListing, WorkspacePreview
from frontend.state.agents_models import excerpt
from frontend.state.knowledge_format import format_time, human_size, plural

# How far each folder level is indented in the table.
INDENT_REM = 1.1


@dataclasses.dataclass
class WorkspaceRow:
    """One file or folder in the table, indented under its folder."""

    path: str = ""
    name: str = ""
    is_folder: bool = False
    indent: str = "0rem"
    size: str = ""
    modified: str = ""
    run_id: str = ""
    written_by: str = ""


@dataclasses.dataclass
class FilePreview:
    """The file shown beside the table: its text, or why it is not shown."""

    path: str = ""
    text: str = ""
    notice: str = ""
    details: str = ""


def to_row(entry: WorkspaceEntry) -> WorkspaceRow:
    """A table row; ``written_by`` is the start of the prompt whose run wrote the file."""
    return WorkspaceRow(
        path=entry.path,
        name=entry.name,
        is_folder=entry.kind == "folder",
        indent=f"{entry.depth * INDENT_REM:.2f}rem",
        size=human_size(entry.size),
        modified=format_time(entry.modified),
        run_id=entry.run_id or "",
        written_by=excerpt(entry.run_prompt, 60) if entry.run_prompt else "",
    )


def summary(listing: WorkspaceListing) -> str:
    """``"3 files, 4.2 KB"``, and a word when the list stops short."""
    text = f"{plural(listing.files, 'file')}, {human_size(listing.bytes)}"
    return text + (" (the first ones only)" if listing.truncated else "")


def to_preview(preview: WorkspacePreview) -> FilePreview:
    """The preview pane's content for one file."""
    details = f"{human_size(preview.size)} · modified {format_time(preview.modified)}"
    return FilePreview(preview.path, preview.text, preview.notice, details)
