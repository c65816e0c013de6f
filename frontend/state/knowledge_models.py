"""What the Knowledge page and the chat's source chips show, built from API payloads.

Pure functions only: the state classes call them, and the tests check them without a server.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from backend.api.schemas.knowledge import Chunk, Document, Folder, SearchHit
from frontend.state.knowledge_format import (
    TextPart,
    format_score,
    format_time,
    human_size,
    page_label,
    plural,
    snippet_parts,
)

STATE_COLORS = {"indexed": "green", "pending": "amber", "skipped": "gray", "failed": "red"}
SEARCH_MODES = ["hybrid", "dense", "bm25"]
KNOWLEDGE_ROUTE = "/knowledge"


@dataclasses.dataclass
class FolderRow:
    """One watched folder."""

    id: int
    name: str
    path: str
    documents: int
    exists: bool
    inbox: bool


@dataclasses.dataclass
class DocumentRow:
    """One line of the documents table."""

    id: int
    name: str
    path: str
    file_type: str
    size: str
    state: str
    color: str
    error: str
    chunks: int
    chunks_label: str
    indexed_at: str


@dataclasses.dataclass
class ChunkRow:
    """One chunk in the document detail; ``number`` counts from 1 as people do."""

    id: int
    number: int
    page: str
    text: str


@dataclasses.dataclass
class SearchHitRow:
    """One ranked chunk in the search results."""

    chunk_id: int
    document_id: int
    name: str
    source: str
    page: str
    score: str
    parts: list[TextPart]


@dataclasses.dataclass
class PassageSnippet:
    """One numbered passage the answer could cite: its page and (the start of) its text."""

    number: int
    page: str
    text: str


@dataclasses.dataclass
class ChatSource:
    """A document the answer drew on, shown as a chip under it."""

    name: str
    path: str
    page: str
    score: str
    snippet: str
    href: str
    # The numbers the answer cites this document's passages by, e.g. "[1, 3]".
    passages: str = ""
    # Every page those passages come from, e.g. "pp. 2, 5".
    pages: str = ""
    snippets: list[PassageSnippet] = dataclasses.field(default_factory=list)
    # The chip's element id, so a [n] marker in the answer can point at it.
    anchor: str = ""


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def file_name(raw: dict[str, Any]) -> str:
    """The name the API gives, else the last part of its path."""
    name = raw.get("name")
    if name:
        return str(name)
    source = str(raw.get("source") or raw.get("path") or "")
    return PurePath(source.replace("\\", "/")).name or source


def document_href(document_id: Any) -> str:
    """The Knowledge page with a document's detail open."""
    return f"{KNOWLEDGE_ROUTE}?{urlencode({'document': _int(document_id)})}"


def to_folder_row(raw: dict[str, Any] | Folder) -> FolderRow:
    """Build a folder entry from ``GET /api/knowledge/folders``."""
    folder = Folder.model_validate(raw)
    return FolderRow(
        id=folder.id,
        name=PurePath(folder.path.replace("\\", "/")).name or folder.path,
        path=folder.path,
        documents=folder.documents,
        exists=folder.exists,
        inbox=folder.inbox,
    )


def to_document_row(raw: dict[str, Any] | Document) -> DocumentRow:
    """Build a table row from ``GET /api/knowledge/documents``."""
    document = Document.model_validate(raw)
    return DocumentRow(
        id=document.id,
        name=document.name,
        path=document.path,
        file_type=document.file_type or "—",
        size=human_size(document.size),
        state=document.state,
        color=STATE_COLORS.get(document.state, "gray"),
        error=document.error or "",
        chunks=document.chunk_count,
        chunks_label=plural(document.chunk_count, "chunk"),
        indexed_at=format_time(document.indexed_at),
    )


def placeholder_row(document_id: int = 0, name: str = "") -> DocumentRow:
    """The detail dialog's row before (or without) a document loaded."""
    size, chunks = human_size(0), plural(0, "chunk")
    return DocumentRow(document_id, name, "", "—", size, "pending", "amber", "", 0, chunks, "")


def to_chunk_row(raw: dict[str, Any] | Chunk) -> ChunkRow:
    """Build a chunk entry from a document's ``chunks``."""
    chunk = Chunk.model_validate(raw)
    return ChunkRow(id=chunk.id, number=chunk.seq + 1, page=page_label(chunk.page), text=chunk.text)


def to_search_hit(raw: dict[str, Any] | SearchHit, query: str) -> SearchHitRow:
    """Build a search result from ``GET /api/knowledge/search``."""
    hit = SearchHit.model_validate(raw)
    return SearchHitRow(
        chunk_id=hit.chunk_id,
        document_id=hit.document_id,
        name=hit.name,
        source=hit.source,
        page=page_label(hit.page),
        score=format_score(hit.score),
        parts=snippet_parts(hit.text, query),
    )


def to_chat_source(raw: dict[str, Any]) -> ChatSource:
    """Build a source chip from an answer's ``sources`` entry."""
    return ChatSource(
        name=file_name(raw),
        path=str(raw.get("path") or raw.get("source") or ""),
        page=page_label(raw.get("page")),
        score=format_score(raw.get("score")),
        snippet=" ".join(str(raw.get("snippet") or raw.get("text") or "").split()),
        href=document_href(raw.get("document_id")),
        passages=passage_label(raw.get("passages")),
        pages=pages_label(raw.get("pages")),
        snippets=passage_snippets(raw),
    )


def _numbers(raw: Any) -> list[int]:
    if not isinstance(raw, list):
        return []
    return [n for n in raw if isinstance(n, int) and not isinstance(n, bool)]


def pages_label(raw: Any) -> str:
    """``p. 2`` or ``pp. 2, 5`` for the pages a document's passages come from."""
    pages = _numbers(raw)
    if not pages:
        return ""
    return page_label(pages[0]) if len(pages) == 1 else "pp. " + ", ".join(map(str, pages))


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def passage_snippets(raw: dict[str, Any]) -> list[PassageSnippet]:
    """Each cited passage with its page and text. Sources stored before passages kept their
    own text have only the document's snippet, which is its first passage's."""
    kept = [s for s in raw.get("snippets") or [] if isinstance(s, dict)]
    if kept:
        return [
            PassageSnippet(
                _int(s.get("passage")), page_label(s.get("page")), _one_line(s.get("text"))
            )
            for s in kept
        ]
    numbers = _numbers(raw.get("passages"))
    if not numbers:
        return []
    first = PassageSnippet(numbers[0], page_label(raw.get("page")), _one_line(raw.get("snippet")))
    return [first, *(PassageSnippet(n, "", "") for n in numbers[1:])]


def passage_label(raw: Any) -> str:
    """``[1, 3]`` for the passage numbers an answer cites, or "" when there are none."""
    numbers = [str(n) for n in _numbers(raw)]
    return f"[{', '.join(numbers)}]" if numbers else ""


def sources_of(data: dict[str, Any]) -> list[ChatSource] | None:
    """The sources in a run event's data, or ``None`` when the event carries none."""
    raw = data.get("sources")
    if not isinstance(raw, list):
        return None
    return [to_chat_source(item) for item in raw if isinstance(item, dict)]
