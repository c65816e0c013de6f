"""The knowledge-base tools: search passages, and read one document whole."""

from __future__ import annotations

from pathlib import Path

from agents.knowledge import Searcher
from agents.tools.registry import ToolError
from backend.knowledge.library import DocumentInfo, Library

MAX_HITS = 10
MAX_CANDIDATES = 10
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


def _find(library: Library, document_id: int | None, name: str | None) -> DocumentInfo:
    """The indexed document named by id or by file name. Given both, the name wins when they
    disagree and the name is one document's whole file name: a model copies a name it was
    shown but may guess an id (``{"document_id": 1, "name": "quenby-textiles.md"}``)."""
    wanted = (name or "").strip().lower()
    matches = library.indexed_named(wanted) if wanted else []
    if document_id is not None:
        named = [d for d in matches if d.name.lower() == wanted]
        if len(named) == 1 and named[0].id != document_id:
            return named[0]
        document = library.indexed_document(document_id)
        if document is None:
            if len(matches) == 1:
                return matches[0]
            raise ToolError(
                f"there is no document {document_id} in the knowledge base; "
                "search_knowledge shows document ids"
            )
        return document
    if not matches:
        raise ToolError(
            f"no document named '{name}' in the knowledge base; "
            "search_knowledge shows file names and document ids"
        )
    if len(matches) > 1:
        listed = "; ".join(f"{d.name} (document {d.id})" for d in matches[:MAX_CANDIDATES])
        more = f" and {len(matches) - MAX_CANDIDATES} more" if len(matches) > MAX_CANDIDATES else ""
        raise ToolError(f"'{name}' matches several documents: {listed}{more}; use document_id")
    return matches[0]


def read_document(library: Library, document_id: int | None = None, name: str | None = None) -> str:
    """The full text of one indexed document, by ``document_id`` or by file ``name``."""
    if document_id is None and not (name or "").strip():
        raise ToolError("read_document: give document_id or name")
    found = _find(library, document_id, name)
    read = library.document_text(found.id)
    if read is None:
        raise ToolError(f"document {found.id} has just left the knowledge base")
    pages = read.pages
    span = ""
    if pages:
        span = f", page {pages[0]}" if len(pages) == 1 else f", pages {pages[0]}-{pages[-1]}"
    header = f"{found.name} (document {found.id}{span})"
    return f"{header}\n\n{read.text}" if read.text else f"{header} has no text."
