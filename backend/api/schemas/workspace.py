"""``/api/workspace``: the files the agents wrote, a preview of one, a deletion."""

from __future__ import annotations

from backend.api.schemas.base import ApiModel


class WorkspaceEntry(ApiModel):
    """A file or folder; ``path`` is relative to the workspace, ``depth`` its folder level,
    ``size`` in bytes (a folder's: all it holds), ``modified`` ISO 8601. ``run_id`` and
    ``run_prompt`` name the agent run that last wrote a file, when it is known."""

    path: str
    name: str
    kind: str
    depth: int
    size: int
    modified: str
    run_id: str | None
    run_prompt: str | None


class WorkspaceListing(ApiModel):
    """Every entry, folders first at each level and each folder's content after it;
    ``truncated`` when there were more than the list holds."""

    root: str
    entries: list[WorkspaceEntry]
    files: int
    bytes: int
    truncated: bool


class WorkspacePreview(ApiModel):
    """The start of a file: ``kind`` is text, binary or empty; ``notice`` says what is not
    shown (a binary file, the part past the first KB) and is empty when all of it is."""

    path: str
    size: int
    modified: str
    kind: str
    text: str
    truncated: bool
    notice: str


class WorkspaceDeleted(ApiModel):
    """What was deleted and where it went (None: deleted outright, there is no trash)."""

    path: str
    trashed_to: str | None
