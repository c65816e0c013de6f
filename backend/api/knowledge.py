"""``/api/knowledge``: search, documents, uploads, watched folders, ingest status."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from backend.api.deps import Authorized, ServicesDep, SqlInt
from backend.api.schemas import knowledge as schema
from backend.api.schemas.media import event_stream
from backend.knowledge.library import DocumentInfo
from backend.knowledge.retriever import SearchFilters, SearchHit
from backend.knowledge.service import KnowledgeService
from backend.knowledge.uploads import UploadTooLarge, save_uploads
from backend.knowledge.watched_folders import FolderError

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"], dependencies=[Authorized])


def knowledge(services: ServicesDep) -> KnowledgeService:
    if services.knowledge is None:
        raise HTTPException(503, "The knowledge base is not running")
    return services.knowledge


KnowledgeDep = Annotated[KnowledgeService, Depends(knowledge)]


def hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "text": hit.text,
        "source": hit.source,
        "name": Path(hit.source).name,
        "score": round(hit.score, 6),
        # Cosine similarity to the query (None in bm25 mode): what the answer cut-off reads.
        "similarity": None if hit.similarity is None else round(hit.similarity, 4),
        "chunk_id": hit.chunk_id,
        "document_id": hit.document_id,
        "page": hit.page,
        "start": hit.start,
        "end": hit.end,
    }


@router.get("/search", response_model=schema.SearchResults)
async def search(
    kb: KnowledgeDep,
    q: Annotated[str, Query(description="What to look for")] = "",
    k: Annotated[int, Query(ge=1, le=100)] = 5,
    mode: Literal["hybrid", "dense", "bm25"] = "hybrid",
    folder: str | None = None,
    path_glob: str | None = None,
    file_type: Annotated[list[str] | None, Query()] = None,
) -> dict[str, Any]:
    """Ranked passages for ``q``; hybrid fuses meaning (vectors) and words (BM25)."""
    if not q.strip():
        raise HTTPException(422, "The search text is empty: type what to look for.")
    filters = SearchFilters(folder=folder, path_glob=path_glob, file_types=tuple(file_type or ()))
    hits = await kb.search_async(q.strip(), k, mode, filters)
    return {"query": q, "mode": mode, "results": [hit_json(h) for h in hits]}


def document_json(document: DocumentInfo) -> dict[str, Any]:
    return {
        "id": document.id,
        "path": document.path,
        "name": document.name,
        "folder": document.folder,
        "file_type": document.file_type,
        "size": document.size,
        "state": document.state,
        "error": document.error,
        "chunk_count": document.chunk_count,
        "indexed_at": document.indexed_at.isoformat() if document.indexed_at else None,
        "updated_at": document.updated_at.isoformat(),
    }


@router.get("/documents", response_model=schema.DocumentList)
def list_documents(
    kb: KnowledgeDep,
    state: Literal["indexed", "pending", "skipped", "failed"] | None = None,
    q: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[SqlInt, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Documents, most recently changed first, with state and reason."""
    page = kb.library.list_documents(state, q, limit, offset)
    return {"documents": [document_json(d) for d in page.documents], "total": page.total}


@router.get("/documents/{document_id}", response_model=schema.DocumentDetail)
def get_document(document_id: SqlInt, kb: KnowledgeDep) -> dict[str, Any]:
    """One document with its chunks."""
    document = kb.library.document(document_id)
    if document is None:
        raise HTTPException(404, f"Document {document_id} does not exist")
    chunks = kb.library.chunks_of(document_id)
    return {**document_json(document), "chunks": [asdict(c) for c in chunks]}


@router.delete("/documents/{document_id}", status_code=204)
async def delete_document(document_id: SqlInt, kb: KnowledgeDep) -> Response:
    """Remove a document from the index; a watched file is moved to the trash folder."""
    if not await asyncio.to_thread(kb.delete_document, document_id):
        raise HTTPException(404, f"Document {document_id} does not exist")
    return Response(status_code=204)


@router.post("/upload", status_code=201, response_model=schema.UploadResult)
async def upload(kb: KnowledgeDep, files: Annotated[list[UploadFile], File()]) -> dict[str, Any]:
    """Save files into the inbox and queue them for indexing: all of them, or none when one
    is refused (each file is at most AGENTDESK_UPLOAD_MAX_MB)."""
    limit = int(kb.settings.upload_max_mb * 1_000_000)
    parts = [(item.file, item.filename or "") for item in files]
    try:
        paths = await asyncio.to_thread(save_uploads, parts, kb.settings.inbox_dir, limit)
    except UploadTooLarge as error:
        raise HTTPException(413, str(error)) from None
    saved = []
    for path in paths:
        await asyncio.to_thread(kb.mark_pending, path)
        kb.queue.submit(path, "upsert")
        saved.append({"name": path.name, "path": str(path), "size": path.stat().st_size})
    return {"files": saved}


@router.get("/status", response_model=schema.KnowledgeStatus)
def status(kb: KnowledgeDep) -> dict[str, Any]:
    """Queue length, the file in progress, rates, ETA, recent outcomes, errors, index size."""
    return kb.status()


@router.get(
    "/status/events",
    response_model=None,
    responses=event_stream("`status` events, each a KnowledgeStatus"),
)
async def status_events(request: Request, kb: KnowledgeDep) -> StreamingResponse:
    """The status as Server-Sent Events, sent whenever it changes (at most twice a second)."""

    async def stream() -> AsyncIterator[str]:
        last = ""
        while not await request.is_disconnected():
            current = json.dumps(await asyncio.to_thread(kb.status))
            if current != last:
                last = current
                yield f"event: status\ndata: {current}\n\n"
            await asyncio.sleep(0.5)

    return StreamingResponse(stream(), media_type="text/event-stream")


class FolderBody(BaseModel):
    path: str


@router.get("/folders", response_model=schema.FolderList)
def list_folders(kb: KnowledgeDep) -> dict[str, Any]:
    """Watched folders with their document counts."""
    return {"folders": kb.folders()}


@router.post("/folders", status_code=201, response_model=schema.NewFolder)
async def add_folder(body: FolderBody, kb: KnowledgeDep) -> dict[str, Any]:
    """Watch another folder; its files are indexed and followed from now on."""
    try:
        return await asyncio.to_thread(kb.add_folder, body.path)
    except FolderError as error:
        raise HTTPException(400, str(error)) from None


@router.delete("/folders/{folder_id}", status_code=204)
def remove_folder(folder_id: SqlInt, kb: KnowledgeDep) -> Response:
    """Stop watching a folder; its documents leave the index, its files are not touched."""
    try:
        removed = kb.remove_folder(folder_id)
    except FolderError as error:
        raise HTTPException(400, str(error)) from None
    if not removed:
        raise HTTPException(404, f"Folder {folder_id} is not watched")
    return Response(status_code=204)


@router.post("/reindex", status_code=202, response_model=schema.Reindex)
async def reindex(kb: KnowledgeDep) -> dict[str, Any]:
    """Scan every watched folder again and queue what changed."""
    return {"queued": await asyncio.to_thread(kb.reconcile)}
