"""``/api/workspace``: the files the agents wrote, for the user to see, download and delete.

Every path is relative to the workspace; ``..``, absolute paths and links leading out of it
are refused (``backend.workspace_files``), so these routes reach nothing else on the disk.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi import Query as Param
from fastapi.responses import FileResponse

from backend.api.deps import Authorized, ServicesDep
from backend.api.schemas import workspace as schema
from backend.services import Services
from backend.storage import tool_calls
from backend.workspace_files import WorkspaceFiles, WorkspacePathError, writer_key

router = APIRouter(prefix="/api/workspace", tags=["workspace"], dependencies=[Authorized])

PathParam = Param(description="Relative to the workspace, like 'notes/todo.txt'")
DOWNLOAD = {
    200: {
        "description": "The file's bytes, as an attachment",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _files(services: Services) -> WorkspaceFiles:
    return WorkspaceFiles(services.settings.workspace_dir, services.settings.trash_dir)


def _refused(error: WorkspacePathError) -> HTTPException:
    return HTTPException(error.status, str(error))


def _writers(services: Services) -> dict[str, tuple[str, str]]:
    """Each written path's latest run (id, prompt); the newest write wins."""
    root = services.settings.workspace_dir
    found: dict[str, tuple[str, str]] = {}
    with services.db.session() as session:
        for raw, run_id, prompt in tool_calls.recent_writes(session):
            key = writer_key(root, raw)
            if key is not None and key not in found:
                found[key] = (run_id, prompt)
    return found


@router.get("", response_model=schema.WorkspaceListing)
def list_workspace(services: ServicesDep) -> dict[str, Any]:
    """Every file and folder in the workspace, with size, time and the run that wrote it."""
    files = _files(services)
    listing = files.listing(_writers(services))
    return {"root": str(files.root), **asdict(listing)}


@router.get("/preview", response_model=schema.WorkspacePreview)
def preview_file(services: ServicesDep, path: str = PathParam) -> dict[str, Any]:
    """The start of a text file, or a notice saying why it is not shown."""
    try:
        return asdict(_files(services).preview(path))
    except WorkspacePathError as error:
        raise _refused(error) from None


@router.get("/download", response_class=FileResponse, responses=DOWNLOAD)  # type: ignore[arg-type]
def download_file(services: ServicesDep, path: str = PathParam) -> FileResponse:
    """The file itself, as a download (never shown inline by the browser)."""
    try:
        found = _files(services).file(path)
    except WorkspacePathError as error:
        raise _refused(error) from None
    return FileResponse(
        found,
        media_type="application/octet-stream",
        filename=found.name,
        content_disposition_type="attachment",
    )


@router.delete("", response_model=schema.WorkspaceDeleted)
def delete_entry(services: ServicesDep, path: str = PathParam) -> dict[str, Any]:
    """Move a file or folder to the trash folder in the data folder."""
    try:
        moved = _files(services).delete(path)
    except WorkspacePathError as error:
        raise _refused(error) from None
    return {"path": path, "trashed_to": str(moved) if moved is not None else None}
