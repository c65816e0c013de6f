"""What a chunk is matched by besides its own words: its document's title and its heading.

A passage rarely repeats what it is about ("It was played at Levi's Stadium" says nothing
of the Super Bowl); its document's title and the heading above it do. So the text that is
embedded and indexed for keywords is the chunk's ``context`` line followed by the chunk,
while the chunk's own text, the passage shown to the user and cited, stays as it is in the
document. The context is stored beside the chunk (``Chunk.context``), never inside it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from backend.knowledge.chunking import ChunkPiece
from backend.knowledge.files import text_hash
from backend.knowledge.parsers import ParsedDocument

# What goes into a chunk's context. "both" is what the app uses (see the figures in
# docs/developer-guide.md); the others exist so bench/retrieval.py can compare them.
ContextKind = Literal["none", "title", "heading", "both"]
CONTEXT_KINDS: tuple[ContextKind, ...] = ("none", "title", "heading", "both")
DEFAULT_CONTEXT: ContextKind = "both"
SEPARATOR = " — "
_NAME_GAPS = re.compile(r"[\s_]+")
# Long enough for any real title; a garbage title field must not crowd out the chunk.
MAX_PART = 120


def document_title(doc: ParsedDocument, path: Path) -> str:
    """The title the file states, else its first heading, else its name without extension
    (underscores read as spaces)."""
    if doc.title.strip():
        return _short(doc.title)
    if doc.headings:
        return _short(doc.headings[0].text)
    return _short(_NAME_GAPS.sub(" ", path.stem))


def context_of(title: str, piece: ChunkPiece, kind: ContextKind = DEFAULT_CONTEXT) -> str:
    """The line a chunk is matched by: its title and heading as ``kind`` asks, each once."""
    parts: list[str] = []
    if kind in ("title", "both") and title:
        parts.append(title)
    heading = _short(piece.heading)
    if kind in ("heading", "both") and heading and heading != title:
        parts.append(heading)
    return SEPARATOR.join(parts)


def matching_text(context: str, text: str) -> str:
    """What is embedded for a chunk (and hashed to reuse its vector): context, then text."""
    return f"{context}\n\n{text}" if context else text


def labelled(
    doc: ParsedDocument, path: Path, pieces: list[ChunkPiece], kind: ContextKind
) -> tuple[list[str], list[str]]:
    """Each piece's context, and the hash of what is embedded for it (``matching_text``)."""
    title = document_title(doc, path)
    contexts = [context_of(title, piece, kind) for piece in pieces]
    hashes = [
        text_hash(matching_text(context, piece.text))
        for piece, context in zip(pieces, contexts, strict=True)
    ]
    return contexts, hashes


def _short(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= MAX_PART else words[: MAX_PART - 1] + "…"
