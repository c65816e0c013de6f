"""Grounding answers in the user's documents: retrieval for a prompt, and sources to cite."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Protocol

from agents import prompts

log = logging.getLogger(__name__)
SNIPPET_CHARS = 300


class Hit(Protocol):
    chunk_id: int
    document_id: int
    text: str
    source: str
    score: float
    page: int | None


class Searcher(Protocol):
    """What the agents need from the knowledge base."""

    def search(self, query: str, k: int = ...) -> list[Any]: ...

    def has_documents(self) -> bool: ...


async def retrieve(searcher: Searcher | None, prompt: str, k: int) -> list[Any]:
    """The top passages for ``prompt``, or none when there is no knowledge base to ask."""
    if searcher is None or not await asyncio.to_thread(searcher.has_documents):
        return []
    return await asyncio.to_thread(searcher.search, prompt, k)


def source_json(hit: Hit) -> dict[str, Any]:
    """A citation as the API and the UI show it."""
    return {
        "path": hit.source,
        "name": Path(hit.source).name,
        "page": hit.page,
        "snippet": hit.text[:SNIPPET_CHARS],
        "score": round(float(hit.score), 6),
        "document_id": hit.document_id,
        "chunk_id": hit.chunk_id,
    }


def grounded_prompt(question: str, hits: list[Any]) -> str:
    """The user's question with numbered passages to answer from."""
    passages = "\n\n".join(
        f"[{n}] ({Path(hit.source).name}{f', page {hit.page}' if hit.page else ''})\n{hit.text}"
        for n, hit in enumerate(hits, start=1)
    )
    return prompts.load("chat_with_sources").format(passages=passages, question=question)
