"""The knowledge-base tools: search passages, and read one document whole."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from agents.knowledge import Searcher
from agents.tools.registry import ToolError
from backend.storage.db import Database
from backend.storage.models import Chunk, Document

MAX_HITS = 10
MAX_CANDIDATES = 10
# SQLite's integers are 64-bit: a larger id is no document, not an error in the database driver.
MAX_ID = 2**63 - 1
INDEXED = "indexed"
EMPTY = (
    "The knowledge base is empty: no documents have been added yet, so there is nothing to search."
)


def search_knowledge(knowledge: Searcher | None, query: str, k: int = 4) -> str:
    """Numbered passages for ``query``, each with file name, page, document and chunk id."""
    question = query.strip()
    if not question:
        raise ToolError("search_knowledge: the query is empty; say what to look for")
    if k < 1:
        raise ToolError("search_knowledge: k must be at least 1")
    if knowledge is None or not knowledge.has_documents():
        return EMPTY
    hits = knowledge.search(question, min(k, MAX_HITS))
    if not hits:
        return f"No passages in the knowledge base match '{question}'."
    blocks = []
    for n, hit in enumerate(hits, start=1):
        page = f", page {hit.page}" if hit.page else ""
        where = f"document {hit.document_id}, chunk {hit.chunk_id}"
        blocks.append(f"[{n}] {Path(hit.source).name}{page} ({where})\n{hit.text}")
    return "\n\n".join(blocks)


def joined_text(chunks: Sequence[Chunk]) -> str:
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


def _find(db: Database, document_id: int | None, name: str | None) -> int:
    """The id of the indexed document named by id or by file name."""
    with db.session() as session:
        if document_id is not None:
            document = session.get(Document, document_id) if 0 < document_id <= MAX_ID else None
            if document is None or document.state != INDEXED:
                raise ToolError(
                    f"there is no document {document_id} in the knowledge base; "
                    "search_knowledge shows document ids"
                )
            return document.id
        wanted = (name or "").strip().lower()
        rows = session.execute(
            select(Document.id, Document.path).where(Document.state == INDEXED)
        ).all()
    named = sorted(((i, Path(p).name) for i, p in rows), key=lambda pair: pair[1].lower())
    matches = [(i, n) for i, n in named if n.lower() == wanted]
    matches = matches or [(i, n) for i, n in named if wanted in n.lower()]
    if not matches:
        raise ToolError(
            f"no document named '{name}' in the knowledge base; "
            "search_knowledge shows file names and document ids"
        )
    if len(matches) > 1:
        listed = "; ".join(f"{n} (document {i})" for i, n in matches[:MAX_CANDIDATES])
        more = f" and {len(matches) - MAX_CANDIDATES} more" if len(matches) > MAX_CANDIDATES else ""
        raise ToolError(f"'{name}' matches several documents: {listed}{more}; use document_id")
    return matches[0][0]


def read_document(db: Database, document_id: int | None = None, name: str | None = None) -> str:
    """The full text of one indexed document, by ``document_id`` or by file ``name``."""
    if document_id is None and not (name or "").strip():
        raise ToolError("read_document: give document_id or name")
    found = _find(db, document_id, name)
    with db.session() as session:
        document = session.get(Document, found)
        assert document is not None
        chunks = list(
            session.scalars(select(Chunk).where(Chunk.document_id == found).order_by(Chunk.seq))
        )
        path = document.path
    pages = sorted({c.page for c in chunks if c.page is not None})
    span = ""
    if pages:
        span = f", page {pages[0]}" if len(pages) == 1 else f", pages {pages[0]}-{pages[-1]}"
    header = f"{Path(path).name} (document {found}{span})"
    return f"{header}\n\n{joined_text(chunks)}" if chunks else f"{header} has no text."
