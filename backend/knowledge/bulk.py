"""A big document's chunks written and deleted a batch per transaction.

SQLite lets one connection write at a time, and the full-text index is built by triggers as
chunk rows go in or out. In one transaction a 20 MB file's 28,000 chunks held the write lock
for over half a minute, so every other write in the app (chat transcripts, run events, task
history, metrics) failed with "database is locked" once its busy timeout ran out. In short
steps other writers wait a moment at most.

While its chunks change, the document is out of search (state ``pending``) and its recorded
modification time is cleared, so a crash half-way leaves it to be ingested again on restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from backend.knowledge import store
from backend.storage.db import Database
from backend.storage.models import Document, utcnow

# Rows per transaction: a fraction of a second of write lock each.
STEP_ROWS = 500


def is_big(chunk_count: int) -> bool:
    """Whether a document has enough chunks to be written in steps."""
    return chunk_count > STEP_ROWS


def replace_in_steps(
    db: Database,
    document_id: int,
    rows: Iterable[dict[str, Any]],
    finish: Callable[[Document], None],
    old_ids: list[int],
) -> list[int] | None:
    """Swap the document's chunks for ``rows`` in steps, then ``finish`` the document in the
    last, short transaction; the new chunk ids in order, or None if it was deleted meanwhile.

    The ids of the chunks that went are added to ``old_ids`` as soon as they are known, so
    the caller can take them out of the vector index whatever happens next.
    """
    old_ids += take_out_of_search(db, document_id)
    delete_chunks(db, document_id)
    if not insert_chunks(db, document_id, rows):
        return None
    with db.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            return None
        finish(document)
        new_ids = store.chunk_ids(session, document_id)
        store.bump_generation(session)
    return new_ids


def big_ones(documents: Iterable[Document]) -> list[int]:
    """The ids of the documents among ``documents`` whose chunks go in steps."""
    return [document.id for document in documents if is_big(document.chunk_count)]


def drop_chunks(db: Database, document_ids: list[int]) -> list[int]:
    """Take each document out of search and delete its chunks in steps; the ids that went."""
    old_ids: list[int] = []
    for document_id in document_ids:
        old_ids += take_out_of_search(db, document_id)
        delete_chunks(db, document_id)
    return old_ids


def take_out_of_search(db: Database, document_id: int) -> list[int]:
    """Mark the document pending (hidden from search) and return its current chunk ids."""
    with db.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            return []
        document.state, document.mtime, document.updated_at = "pending", 0.0, utcnow()
        old_ids = store.chunk_ids(session, document_id)
        if old_ids:
            # The vector index on disk no longer matches: a restart rebuilds it.
            store.bump_generation(session)
    return old_ids


def delete_chunks(db: Database, document_id: int) -> None:
    """Delete all the document's chunks, ``STEP_ROWS`` per transaction."""
    while True:
        with db.session() as session:
            if store.delete_some_chunks(session, document_id, STEP_ROWS) < STEP_ROWS:
                return


def insert_chunks(db: Database, document_id: int, rows: Iterable[dict[str, Any]]) -> bool:
    """Add the rows ``STEP_ROWS`` per transaction; False if the document was deleted meanwhile
    (the user can delete it from the Knowledge page while it is being indexed)."""
    for batch in _batches(rows, STEP_ROWS):
        with db.session() as session:
            if session.get(Document, document_id) is None:
                return False
            store.insert_chunks(session, document_id, batch)
    return True


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
