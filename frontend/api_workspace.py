"""The UI's HTTP calls about the agents' workspace: list, preview, download, delete.

Same rules as :mod:`frontend.api_client` (whose connection helpers it uses): every failure
becomes an :class:`~frontend.api_client.ApiError` whose message is meant for people.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.api.schemas.workspace import WorkspaceListing, WorkspacePreview
from frontend import api_client


@dataclass
class FileDownload:
    """A workspace file's name and bytes, for the browser to save."""

    filename: str
    content: bytes


async def list_workspace() -> WorkspaceListing:
    """Every file and folder in the workspace, with the run that wrote each file."""
    return WorkspaceListing.model_validate(await api_client._get_json("/api/workspace"))


async def preview(path: str) -> WorkspacePreview:
    """The start of a text file, or the notice saying why it is not shown."""
    body = await api_client._get_json("/api/workspace/preview", {"path": path})
    return WorkspacePreview.model_validate(body)


async def download(path: str) -> FileDownload:
    """The file's bytes; its name is the last part of ``path``."""
    response = await api_client._send("GET", "/api/workspace/download", params={"path": path})
    return FileDownload(path.rsplit("/", 1)[-1], response.content)


async def delete(path: str) -> None:
    """Move a file or folder to the trash; one that is already gone is not an error."""
    await api_client._send("DELETE", "/api/workspace", params={"path": path}, missing_ok=True)
