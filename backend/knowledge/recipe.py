"""How the index was made (embedding model, vector length, chunk sizes, file size limit),
kept in the database.

The index is only right for the settings it was built with. When they change between two
starts, the documents are redone on the next scan instead of mixing old and new:

- another embedding model (or vector length): every stored vector is useless, so all chunks
  go and each indexed document is read and embedded again;
- other chunk sizes, or another way of splitting (``chunker``, bumped when ``chunking`` or
  ``context`` change what a chunk is): each indexed document is split again once, keeping
  its old chunks in search until its new ones are in; a chunk whose embedded text (context
  and text) is unchanged keeps its stored vector;
- another file size limit: files skipped as too large are looked at again.

A crash half-way through is safe: the new recipe is written last, so the next start does
the rest.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Literal

from sqlalchemy import func, select, update

from backend.knowledge import bulk, store
from backend.storage.db import Database
from backend.storage.models import Chunk, Document, Setting, utcnow

log = logging.getLogger(__name__)

RECIPE_KEY = "index_recipe"
INDEXED = "indexed"
# How the reason of a file skipped for its size begins (see ``Ingestor._prepare``).
TOO_LARGE = "too large"

Change = Literal["same", "first", "re-embed", "re-chunk", "re-check"]


@dataclass(frozen=True)
class Recipe:
    """The settings an index depends on."""

    embedding_model: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    max_file_mb: float
    # How text is split and labelled (``chunking.CHUNKER_VERSION``); recipes from before it
    # was kept are version 1.
    chunker: int = 1

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Recipe | None:
        """The recipe in ``text``; None when it is not one (then it is treated as unknown)."""
        try:
            data = json.loads(text)
            return cls(
                embedding_model=str(data["embedding_model"]),
                dimension=int(data["dimension"]),
                chunk_size=int(data["chunk_size"]),
                chunk_overlap=int(data["chunk_overlap"]),
                max_file_mb=float(data["max_file_mb"]),
                chunker=int(data.get("chunker", 1)),
            )
        except (ValueError, KeyError, TypeError):
            return None


def stored(db: Database) -> Recipe | None:
    """The recipe the index was last built with, or None if none was recorded."""
    with db.session() as session:
        row = session.get(Setting, RECIPE_KEY)
        return Recipe.from_json(row.value) if row else None


def _stored_dimension(db: Database) -> int | None:
    """The length of the stored vectors (float32), or None when there are none."""
    with db.session() as session:
        size = session.scalar(select(func.length(Chunk.embedding)).limit(1))
    return int(size) // 4 if size else None


def compare(old: Recipe | None, new: Recipe, stored_dimension: int | None) -> Change:
    """What has to be redone to go from ``old`` to ``new``.

    With no recipe on record (an index from before recipes were kept), the stored vectors'
    length is the only evidence: another length means another model.
    """
    if old is None:
        if stored_dimension is not None and stored_dimension != new.dimension:
            return "re-embed"
        return "first"
    if (old.embedding_model, old.dimension) != (new.embedding_model, new.dimension):
        return "re-embed"
    if (old.chunk_size, old.chunk_overlap, old.chunker) != (
        new.chunk_size,
        new.chunk_overlap,
        new.chunker,
    ):
        return "re-chunk"
    if old.max_file_mb != new.max_file_mb:
        return "re-check"
    return "same"


def apply(db: Database, new: Recipe) -> Change:
    """Bring the database in line with ``new``; the scan at start-up then redoes the files.

    Returns what was done. Documents to redo lose their recorded modification time, which is
    what makes the scan pick them up again.
    """
    change = compare(stored(db), new, _stored_dimension(db))
    if change == "re-embed":
        count = _forget_vectors(db)
        log.warning(
            "the embedding model changed (now %s, %d dimensions): %d document(s) will be "
            "embedded again",
            new.embedding_model,
            new.dimension,
            count,
        )
    elif change == "re-chunk":
        count = _mark_for_splitting(db)
        log.warning(
            "chunking changed (now size %d, overlap %d, version %d): %d document(s) will be "
            "split again",
            new.chunk_size,
            new.chunk_overlap,
            new.chunker,
            count,
        )
    elif change == "re-check":
        count = _mark_too_large(db)
        log.info("file size limit now %g MB: %d file(s) to look at again", new.max_file_mb, count)
    if change != "same":
        _record(db, new)
    return change


def _forget_vectors(db: Database) -> int:
    """Take every indexed document out of search and delete all chunks, in short steps."""
    with db.session() as session:
        result = session.execute(
            update(Document)
            .where(Document.state == INDEXED)
            .values(state="pending", mtime=0.0, sha256="", chunk_count=0, updated_at=utcnow())
        )
        store.bump_generation(session)
    with db.session() as session:
        document_ids = list(session.scalars(select(Chunk.document_id).distinct()))
    for document_id in document_ids:
        bulk.delete_chunks(db, document_id)
    return _rows(result)


def _mark_for_splitting(db: Database) -> int:
    """Make every indexed document look changed; it stays searchable until it is redone."""
    with db.session() as session:
        result = session.execute(
            update(Document).where(Document.state == INDEXED).values(mtime=0.0, sha256="")
        )
    return _rows(result)


def _mark_too_large(db: Database) -> int:
    """Make files skipped for their size look changed, so the scan weighs them again."""
    with db.session() as session:
        result = session.execute(
            update(Document)
            .where(Document.state == "skipped", Document.error.startswith(TOO_LARGE))
            .values(mtime=0.0)
        )
    return _rows(result)


def _rows(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _record(db: Database, recipe: Recipe) -> None:
    with db.session() as session:
        row = session.get(Setting, RECIPE_KEY)
        if row is None:
            session.add(Setting(key=RECIPE_KEY, value=recipe.to_json()))
        else:
            row.value = recipe.to_json()
