"""``/api/models``: the Models page: list, download (with progress and cancel), add a GGUF by
path, remove, and switch the active model without restarting AgentDesk."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from backend.api.deps import Authorized, ServicesDep
from backend.api.schemas import models as schema
from backend.llm.downloads import DownloadProgress
from backend.llm.library import ModelLibrary
from backend.llm.library_entries import LibraryEntry, ModelProblem

router = APIRouter(prefix="/api/models", tags=["models"], dependencies=[Authorized])


class Confirm(BaseModel):
    confirm: bool = Field(default=False, description="Go ahead although it may not fit in RAM")


class AddModel(BaseModel):
    path: str = Field(max_length=4096, description="Full path of a .gguf file on this computer")
    name: str = Field(default="", max_length=200, description="Empty: the file's name")


def entry_body(entry: LibraryEntry) -> dict[str, Any]:
    """An entry as the API sends it."""
    return {
        "id": entry.id,
        "name": entry.name,
        "kind": entry.kind,
        "repo": entry.repo,
        "filename": entry.filename,
        "path": entry.path,
        "size_bytes": entry.size_bytes,
        "memory_bytes": entry.memory_bytes,
        "license": entry.license,
        "description": entry.description,
        "installed": entry.installed,
        "active": entry.active,
        "partial_bytes": entry.partial_bytes,
        "fits": entry.fit.fits,
        "fit_note": entry.fit.note,
        "removable": entry.removable,
    }


def download_body(progress: DownloadProgress | None) -> dict[str, Any] | None:
    """The download as the API sends it (None before the first)."""
    if progress is None:
        return None
    return {
        "model_id": progress.model_id,
        "name": progress.name,
        "state": progress.state,
        "bytes_done": progress.bytes_done,
        "bytes_total": progress.bytes_total,
        "percent": progress.percent,
        "speed": round(progress.speed, 1),
        "eta_seconds": None if progress.eta_seconds is None else round(progress.eta_seconds, 1),
        "error": progress.error,
    }


def _note(library: ModelLibrary) -> str:
    settings = library.settings
    if settings.model_path is not None:
        return (
            f"AGENTDESK_MODEL_PATH is set, so AgentDesk runs {settings.model_path}; remove the "
            "setting to choose a model here."
        )
    if settings.llm_provider.value != "embedded":
        return (
            f"AgentDesk uses another model server now (AGENTDESK_LLM_PROVIDER="
            f"{settings.llm_provider.value}); the model chosen here runs when it serves its own."
        )
    return ""


def _problem(problem: ModelProblem) -> HTTPException:
    return HTTPException(problem.status, problem.message)


@router.get("", response_model=schema.ModelCatalog)
async def list_models(services: ServicesDep) -> dict[str, Any]:
    """Every model with its state, whether it fits in memory, and the download in progress."""
    library = services.library
    entries = library.entries()
    total, available = library.memory_now()
    health = services.models.health()
    return {
        "models": [entry_body(entry) for entry in entries],
        "active": next((entry.id for entry in entries if entry.active), ""),
        "download": download_body(library.downloads.status()),
        "memory_total_bytes": total,
        "memory_available_bytes": available,
        "models_dir": str(library.dir),
        "hub_url": library.settings.model_hub_url,
        "provider": health["provider"],
        "model_state": health["state"],
        "model_detail": health["detail"],
        "note": _note(library),
    }


@router.get("/download", response_model=schema.DownloadState)
async def download_status(services: ServicesDep) -> dict[str, Any]:
    """The running download's bytes, percent, speed and time left (null before the first)."""
    return {"download": download_body(services.library.downloads.status())}


@router.post("/download/cancel", response_model=schema.DownloadState)
async def cancel_download(services: ServicesDep) -> dict[str, Any]:
    """Stop the running download; it ends ``cancelled`` and its bytes are deleted."""
    return {"download": download_body(services.library.downloads.cancel())}


@router.post("/{model_id}/download", response_model=schema.ModelDownloadStatus)
async def start_download(
    model_id: str, services: ServicesDep, body: Confirm | None = None
) -> dict[str, Any]:
    """Start downloading a catalog model in the background; poll ``/download`` for progress."""
    try:
        progress = services.library.start_download(model_id, (body or Confirm()).confirm)
    except ModelProblem as problem:
        raise _problem(problem) from None
    return download_body(progress) or {}


@router.post("", response_model=schema.ModelEntry)
async def add_model(body: AddModel, services: ServicesDep) -> dict[str, Any]:
    """List a GGUF file from this computer; it stays where it is."""
    try:
        return entry_body(services.library.add(body.path, body.name))
    except ModelProblem as problem:
        raise _problem(problem) from None


@router.post("/{model_id}/activate", response_model=schema.ModelActivated)
async def activate(
    model_id: str, services: ServicesDep, body: Confirm | None = None
) -> dict[str, Any]:
    """Run this model from now on (the model server restarts with it) and after restarts."""
    try:
        message = await services.library.activate(model_id, (body or Confirm()).confirm)
    except ModelProblem as problem:
        raise _problem(problem) from None
    return {"active": model_id, "message": message}


@router.delete("/{model_id}", response_model=schema.ModelRemoved)
async def remove(model_id: str, services: ServicesDep) -> dict[str, Any]:
    """Delete a downloaded model, or forget an added file (the file itself is kept)."""
    try:
        message = services.library.remove(model_id)
    except ModelProblem as problem:
        raise _problem(problem) from None
    return {"removed": model_id, "message": message}
