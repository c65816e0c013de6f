"""A file's record outside plain indexing: why it could not be indexed, forgetting it, and
following it to a new name.

Records are found by ``path_key``, never by a raw path, so one file has one record however
its path was spelled.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from backend.knowledge import bulk, store
from backend.knowledge.files import Fingerprint, path_key
from backend.knowledge.parsers import file_type_of
from backend.knowledge.vectors import VectorIndex
from backend.storage.db import Database
from backend.storage.models import Document, utcnow

log = logging.getLogger(__name__)


def record_problem(
    db: Database,
    vectors: VectorIndex,
    path: Path,
    state: Literal["skipped", "failed"],
    reason: str,
    current: Fingerprint | None = None,
    sha256: str = "",
) -> None:
    """Keep a file that could not be indexed in the list, with why; drop its old chunks."""
    key = path_key(path)
    with db.session() as session:
        known = store.document_by_path(session, key)
        big = bulk.big_ones([known] if known is not None else [])
    dropped = bulk.drop_chunks(db, big)
    with db.session() as session:
        document = store.document_for(session, key)
        old_ids = dropped + store.chunk_ids(session, document.id)
        document.state, document.error, document.chunk_count = state, reason, 0
        document.file_type = file_type_of(path) or path.suffix.lower().lstrip(".")[:16]
        document.sha256 = sha256
        if current is not None:
            document.size, document.mtime = current.size, current.mtime
        document.updated_at = utcnow()
        if old_ids:
            store.replace_chunks(session, document, [])
            store.bump_generation(session)
    vectors.remove(old_ids)


def forget(db: Database, vectors: VectorIndex, key: str) -> tuple[int, int]:
    """Forget the file at ``key`` (and every file below it, for a folder); returns how many
    documents and chunks went."""
    with db.session() as session:
        big = bulk.big_ones(documents_at(session, key))
    removed_ids = bulk.drop_chunks(db, big)
    with db.session() as session:
        documents = documents_at(session, key)
        for doc in documents:
            removed_ids += store.chunk_ids(session, doc.id)
            session.delete(doc)
        if removed_ids:
            store.bump_generation(session)
    vectors.remove(removed_ids)
    return len(documents), len(removed_ids)


def documents_at(session: Session, key: str) -> list[Document]:
    """The document at ``key`` and, for a folder, every document below it."""
    documents = store.documents_under(session, key)
    document = store.document_by_path(session, key)
    return [*documents, document] if document is not None else documents


def is_placeholder(session: Session, document: Document) -> bool:
    """True for a file only listed as pending when it arrived: never read, nothing indexed."""
    return (
        document.state == "pending"
        and not document.sha256
        and not store.chunk_ids(session, document.id)
    )


def adopt_orphan(
    session: Session,
    sha256: str,
    key: str,
    current: Fingerprint,
    placeholder: Document | None = None,
) -> tuple[str, int] | None:
    """Give a new file the record of an indexed one with the same content whose file is gone
    (a rename seen as a delete and a create); returns the old path and its chunk count.

    The new file's ``placeholder`` (its pending row from when it arrived) makes way for it.
    """
    orphan = store.orphan_with_hash(session, sha256)
    if orphan is None:
        return None
    if placeholder is not None:
        session.delete(placeholder)
        session.flush()
    old = orphan.path
    _rename(session, orphan, key)
    orphan.size, orphan.mtime = current.size, current.mtime
    log.info("renamed in the index: %s -> %s", old, key)
    return old, orphan.chunk_count


def follow_rename(db: Database, source: str, destination: str) -> bool:
    """Move the record at ``source`` to ``destination``, keeping its chunks and vectors;
    False when there is none to move or ``destination`` already has its own."""
    with db.session() as session:
        document = store.document_by_path(session, source)
        there = store.document_by_path(session, destination)
        if document is None or (there is not None and not is_placeholder(session, there)):
            return False
        if there is not None:
            session.delete(there)  # only listed as pending: the moved record replaces it
            session.flush()
        _rename(session, document, destination)
        return True


def _rename(session: Session, document: Document, key: str) -> None:
    folder = store.folder_for(session, key)
    document.path = key
    document.folder_id = folder.id if folder else None
    document.updated_at = utcnow()
