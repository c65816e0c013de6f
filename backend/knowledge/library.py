"""The knowledge base to look things up in: its documents, their passages, the folders.

Tools, routers and metrics read the knowledge tables here (``KnowledgeService.library``)
instead of querying them themselves, so every query on documents, chunks and folders lives
in ``backend/knowledge``. What comes out are plain records, not rows tied to a session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select

from backend.knowledge import store
from backend.storage.db import Database
from backend.storage.models import Chunk, Document, WatchedFolder

INDEXED = "indexed"
# SQLite's integers are 64-bit: a larger id is no document, not an error in the database driver.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class DocumentInfo:
    """A document, its watched folder (None for none) and how its last ingest ended."""

    id: int
    path: str
    folder: str | None
    file_type: str
    size: int
    state: str
    error: str | None
    chunk_count: int
    indexed_at: datetime | None
    updated_at: datetime

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class Passage:
    """A chunk of a document: ``seq`` counts from 0, ``start``/``end`` are character offsets."""

    id: int
    seq: int
    text: str
    page: int | None
    start: int
    end: int


@dataclass(frozen=True)
class DocumentPage:
    """One page of a document listing, and how many documents the whole listing has."""

    documents: list[DocumentInfo]
    total: int


@dataclass(frozen=True)
class DocumentText:
    """A document's whole text (empty when it has none) and the PDF pages it spans."""

    document: DocumentInfo
    text: str
    pages: list[int]


class Placed(Protocol):
    """What joining needs of a passage: its text, where it sits and on which page."""

    @property
    def text(self) -> str: ...

    @property
    def page(self) -> int | None: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def joined_text(chunks: Sequence[Placed]) -> str:
    """A document's text from its chunks in order, each overlap with the previous one removed.

    Chunk offsets are exact (``text == document_text[start:end]``), so the overlap is cut by
    position. Where the chunker left out whitespace between two chunks a line break stands in
    for it, and a ``[page N]`` line marks where a new PDF page starts.
    """
    parts: list[str] = []
    reached = 0
    page: int | None = None
    for chunk in chunks:
        if chunk.page is not None and chunk.page != page:
            page = chunk.page
            parts.append(f"{chr(10) if parts else ''}[page {page}]\n")
        elif parts and chunk.start > reached:
            parts.append("\n")
        skip = max(0, reached - chunk.start)
        parts.append(chunk.text[skip:])
        reached = max(reached, chunk.end)
    return "".join(parts)


_WITH_FOLDER = select(Document, WatchedFolder.path).outerjoin(
    WatchedFolder, WatchedFolder.id == Document.folder_id
)


def _info(document: Document, folder: str | None) -> DocumentInfo:
    return DocumentInfo(
        id=document.id,
        path=document.path,
        folder=folder,
        file_type=document.file_type,
        size=document.size,
        state=document.state,
        error=document.error,
        chunk_count=document.chunk_count,
        indexed_at=document.indexed_at,
        updated_at=document.updated_at,
    )


def _passage(chunk: Chunk) -> Passage:
    return Passage(chunk.id, chunk.seq, chunk.text, chunk.page, chunk.start, chunk.end)


class Library:
    """Read-only questions about the knowledge base, each answered from the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def list_documents(
        self,
        state: str | None = None,
        contains: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> DocumentPage:
        """Documents, most recently changed first, optionally in one state or with ``contains``
        in their path."""
        query = _WITH_FOLDER
        if state:
            query = query.where(Document.state == state)
        if contains:
            query = query.where(Document.path.contains(contains))
        with self.db.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.execute(
                query.order_by(Document.updated_at.desc()).limit(limit).offset(offset)
            ).all()
            return DocumentPage([_info(d, folder) for d, folder in rows], int(total))

    def document(self, document_id: int) -> DocumentInfo | None:
        """The document with this id, in whatever state, or None."""
        if not 0 < document_id <= MAX_ID:
            return None
        with self.db.session() as session:
            row = session.execute(_WITH_FOLDER.where(Document.id == document_id)).first()
            return _info(*row) if row else None

    def chunks_of(self, document_id: int) -> list[Passage]:
        """The document's passages in order (none for an unknown document)."""
        if not 0 < document_id <= MAX_ID:
            return []
        query = select(Chunk).where(Chunk.document_id == document_id).order_by(Chunk.seq)
        with self.db.session() as session:
            return [_passage(c) for c in session.scalars(query)]

    def indexed_document(self, document_id: int) -> DocumentInfo | None:
        """The document with this id if it is indexed (searchable, with text), else None."""
        document = self.document(document_id)
        return document if document is not None and document.state == INDEXED else None

    def indexed_named(self, name: str) -> list[DocumentInfo]:
        """Indexed documents whose file name is ``name`` (any case), else those whose file name
        contains it; sorted by file name."""
        wanted = name.strip().lower()
        with self.db.session() as session:
            rows = session.execute(_WITH_FOLDER.where(Document.state == INDEXED)).all()
            found = sorted((_info(d, f) for d, f in rows), key=lambda d: d.name.lower())
        exact = [d for d in found if d.name.lower() == wanted]
        return exact or [d for d in found if wanted in d.name.lower()]

    def document_text(self, document_id: int) -> DocumentText | None:
        """The document's whole text rebuilt from its passages (see ``joined_text``)."""
        document = self.document(document_id)
        if document is None:
            return None
        chunks = self.chunks_of(document_id)
        pages = sorted({c.page for c in chunks if c.page is not None})
        return DocumentText(document, joined_text(chunks), pages)

    def counts_by_state(self) -> dict[str, int]:
        """How many documents are in each state that has any."""
        query = select(Document.state, func.count()).group_by(Document.state)
        with self.db.session() as session:
            return {state: int(n) for state, n in session.execute(query)}

    def folder_paths(self) -> list[Path]:
        """The watched folders, in the order they were added."""
        with self.db.session() as session:
            return [Path(folder.path) for folder in store.folders(session)]
