"""Database work for the knowledge base: documents, chunks, vectors and the index generation."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from backend.storage.models import Chunk, Document, Setting, WatchedFolder, utcnow

GENERATION_KEY = "vector_index_generation"
# SQLite limits the number of bound parameters; stay well below it.
_IN_BATCH = 500
_INSERT_BATCH = 1000


def generation(session: Session) -> int:
    """The current vector index generation (bumped by every change to the chunks)."""
    row = session.get(Setting, GENERATION_KEY)
    return int(row.value) if row else 0


def bump_generation(session: Session) -> int:
    """Advance the generation; call in the same transaction as the chunk change."""
    row = session.get(Setting, GENERATION_KEY)
    if row is None:
        row = Setting(key=GENERATION_KEY, value="0")
        session.add(row)
    row.value = str(int(row.value) + 1)
    return int(row.value)


def document_by_path(session: Session, path: str) -> Document | None:
    return session.scalar(select(Document).where(Document.path == path))


def add_document(session: Session, path: str, **values: Any) -> None:
    """Add a document at ``path`` (in its watched folder, if any) unless one is there.

    The upload (listing its file as pending) and the ingest worker (recording it) run on
    different threads; whichever inserts second gives way instead of failing.
    """
    folder = folder_for(session, path)
    session.execute(
        sqlite_insert(Document)
        .values(path=path, folder_id=folder.id if folder else None, **values)
        .on_conflict_do_nothing(index_elements=[Document.path])
    )


def document_for(session: Session, path: str) -> Document:
    """The document at ``path``, added when there is none (see ``add_document``)."""
    document = document_by_path(session, path)
    if document is not None:
        return document
    add_document(session, path)
    document = document_by_path(session, path)
    assert document is not None
    return document


def orphan_with_hash(session: Session, sha256: str) -> Document | None:
    """An indexed document with this content whose file is gone: the source of a rename."""
    for document in session.scalars(
        select(Document).where(Document.sha256 == sha256, Document.state == "indexed")
    ):
        if not Path(document.path).exists():
            return document
    return None


def vectors_for_hashes(session: Session, hashes: Iterable[str]) -> dict[str, bytes]:
    """Stored embeddings of any chunks with these text hashes (so nothing is embedded twice)."""
    found: dict[str, bytes] = {}
    wanted = list(dict.fromkeys(hashes))
    for i in range(0, len(wanted), _IN_BATCH):
        batch = wanted[i : i + _IN_BATCH]
        rows = session.execute(
            select(Chunk.text_sha256, Chunk.embedding).where(Chunk.text_sha256.in_(batch))
        )
        for text_hash, embedding in rows:
            found.setdefault(text_hash, embedding)
    return found


def chunk_ids(session: Session, document_id: int) -> list[int]:
    """The document's chunk ids in ``seq`` order."""
    query = select(Chunk.id).where(Chunk.document_id == document_id).order_by(Chunk.seq)
    return list(session.scalars(query))


def insert_chunks(session: Session, document_id: int, rows: Iterable[dict[str, Any]]) -> None:
    """Add chunk ``rows`` to a document as plain multi-row inserts, a batch at a time: tens of
    thousands of chunks then need neither an ORM object each nor a round trip per row."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append({"document_id": document_id, **row})
        if len(batch) >= _INSERT_BATCH:
            session.execute(insert(Chunk), batch)
            batch = []
    if batch:
        session.execute(insert(Chunk), batch)


def replace_chunks(
    session: Session, document: Document, rows: Iterable[dict[str, Any]]
) -> list[int]:
    """Swap a document's chunks for ``rows`` (each with a unique ``seq``); returns the new
    chunk ids in ``seq`` order."""
    session.execute(delete(Chunk).where(Chunk.document_id == document.id))
    insert_chunks(session, document.id, rows)
    return chunk_ids(session, document.id)


def delete_some_chunks(session: Session, document_id: int, limit: int) -> int:
    """Delete up to ``limit`` of a document's chunks; returns how many went."""
    some = select(Chunk.id).where(Chunk.document_id == document_id).limit(limit)
    result = session.execute(
        delete(Chunk).where(Chunk.id.in_(some.scalar_subquery())),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def all_vectors(session: Session) -> tuple[list[int], np.ndarray]:
    """Every stored chunk id and vector, for rebuilding the vector index without re-embedding."""
    ids: list[int] = []
    blobs: list[bytes] = []
    for chunk_id, embedding in session.execute(select(Chunk.id, Chunk.embedding)):
        ids.append(chunk_id)
        blobs.append(embedding)
    if not blobs:
        return ids, np.zeros((0, 0), dtype=np.float32)
    return ids, np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), -1)


def folders(session: Session) -> list[WatchedFolder]:
    return list(session.scalars(select(WatchedFolder).order_by(WatchedFolder.id)))


def folder_for(session: Session, path: str) -> WatchedFolder | None:
    """The watched folder that contains ``path`` (the deepest one)."""
    best: WatchedFolder | None = None
    for folder in folders(session):
        prefix = folder.path.rstrip("/\\")
        inside = path == prefix or path.startswith((prefix + "/", prefix + "\\"))
        if inside and (best is None or len(folder.path) > len(best.path)):
            best = folder
    return best


def documents_under(session: Session, directory: str) -> list[Document]:
    prefix = directory.rstrip("/\\")
    return list(
        session.scalars(
            select(Document).where(
                (Document.path.startswith(prefix + "/")) | (Document.path.startswith(prefix + "\\"))
            )
        )
    )


def counts(session: Session) -> dict[str, int]:
    """Documents per state, and the number of chunks."""
    totals = {"indexed": 0, "skipped": 0, "failed": 0, "pending": 0}
    for state, n in session.execute(select(Document.state, func.count()).group_by(Document.state)):
        totals[state] = int(n)
    totals["chunks"] = int(session.scalar(select(func.count()).select_from(Chunk)) or 0)
    return totals


def touch(session: Session, document: Document, size: int, mtime: float) -> None:
    session.execute(
        update(Document)
        .where(Document.id == document.id)
        .values(size=size, mtime=mtime, updated_at=utcnow())
    )
