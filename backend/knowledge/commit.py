"""Writing a prepared file's chunks to the database, then its vectors to the vector index.

SQLite is the source of truth, so the database commits first. A file of up to
``bulk.STEP_ROWS`` chunks is committed in one transaction; a bigger one in steps (see
``bulk``), out of search until its last step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from backend.knowledge import bulk, store
from backend.knowledge.chunking import ChunkPiece
from backend.knowledge.files import Fingerprint, path_key
from backend.knowledge.vectors import VectorIndex
from backend.storage.db import Database
from backend.storage.models import Document, utcnow

# Vectors added to the index per call.
VECTOR_BATCH = 4096


@dataclass
class Prepared:
    """A file read, parsed and chunked, waiting for its vectors."""

    path: Path
    fingerprint: Fingerprint
    sha256: str
    file_type: str
    pieces: list[ChunkPiece]
    contexts: list[str]  # each piece's context (see ``context``)
    hashes: list[str]  # each piece's hash of what is embedded for it
    vectors: dict[str, bytes] = field(default_factory=dict)
    embedded: int = 0


def commit(db: Database, vectors: VectorIndex, item: Prepared) -> list[int] | None:
    """Store ``item`` as its document's chunks and index their vectors; returns the new chunk
    ids, or None when the document was deleted while it was being written."""
    if bulk.is_big(len(item.pieces)):
        return _commit_in_steps(db, vectors, item)
    with db.session() as session:
        document = store.document_for(session, path_key(item.path))
        old_ids = store.chunk_ids(session, document.id)
        _mark_indexed(document, item)
        session.flush()
        new_ids = store.replace_chunks(session, document, _rows(item))
        store.bump_generation(session)
    vectors.remove(old_ids)
    _add_vectors(vectors, new_ids, item)
    return new_ids


def _commit_in_steps(db: Database, vectors: VectorIndex, item: Prepared) -> list[int] | None:
    # Short transactions, so other writers in the app never wait long for the database.
    with db.session() as session:
        document_id = store.document_for(session, path_key(item.path)).id
    old_ids: list[int] = []
    try:
        new_ids = bulk.replace_in_steps(
            db, document_id, _rows(item), lambda doc: _mark_indexed(doc, item), old_ids
        )
    finally:
        vectors.remove(old_ids)
    if new_ids is not None:
        _add_vectors(vectors, new_ids, item)
    return new_ids


def _add_vectors(vectors: VectorIndex, ids: list[int], item: Prepared) -> None:
    # A slice at a time: the index keeps its own copy, and a whole big file's matrix built
    # (and copied again by ``add``) on top of it cost twice the index's size (730 MB at 200 MB).
    for start in range(0, len(ids), VECTOR_BATCH):
        digests = item.hashes[start : start + VECTOR_BATCH]
        blob = b"".join(item.vectors[digest] for digest in digests)
        matrix = np.frombuffer(blob, dtype=np.float32).reshape(len(digests), -1)
        vectors.add(ids[start : start + VECTOR_BATCH], matrix)


def _rows(item: Prepared) -> Iterator[dict[str, Any]]:
    """The chunk rows to store for a prepared file, made one at a time."""
    for piece, context, digest in zip(item.pieces, item.contexts, item.hashes, strict=True):
        yield {
            "seq": piece.seq,
            "text": piece.text,
            "context": context,
            "text_sha256": digest,
            "page": piece.page,
            "start": piece.start,
            "end": piece.end,
            "embedding": item.vectors[digest],
        }


def _mark_indexed(document: Document, item: Prepared) -> None:
    document.file_type, document.sha256 = item.file_type, item.sha256
    document.size, document.mtime = item.fingerprint.size, item.fingerprint.mtime
    document.state, document.error = "indexed", None
    document.chunk_count, document.indexed_at = len(item.pieces), utcnow()
    document.updated_at = utcnow()
