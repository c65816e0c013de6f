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
    similarity = getattr(hit, "similarity", None)
    return {
        "path": hit.source,
        "name": Path(hit.source).name,
        "page": hit.page,
        "snippet": hit.text[:SNIPPET_CHARS],
        "score": round(float(hit.score), 6),
        "similarity": None if similarity is None else round(float(similarity), 4),
        "document_id": hit.document_id,
        "chunk_id": hit.chunk_id,
    }


def sources_json(hits: list[Any]) -> list[dict[str, Any]]:
    """One citation per document, in order of first use, with the numbers of its passages
    in the prompt (``[1]``, ``[3]``...): several passages of one file are one chip, not many.

    ``snippets`` keeps each passage's own page and text (cut to ``SNIPPET_CHARS``), so a
    ``[3]`` in the answer can show the passage it stands for, not just its document.
    """
    by_document: dict[Any, dict[str, Any]] = {}
    for number, hit in enumerate(hits, start=1):
        cited = by_document.get(hit.document_id)
        if cited is None:
            cited = by_document[hit.document_id] = {
                **source_json(hit),
                "passages": [],
                "pages": [],
                "snippets": [],
            }
        cited["passages"].append(number)
        cited["snippets"].append(
            {"passage": number, "page": hit.page, "text": hit.text[:SNIPPET_CHARS]}
        )
        if hit.page is not None and hit.page not in cited["pages"]:
            cited["pages"].append(hit.page)
    return list(by_document.values())


def grounded_prompt(question: str, hits: list[Any]) -> str:
    """The user's question with numbered passages to answer from."""
    passages = "\n\n".join(
        f"[{n}] ({Path(hit.source).name}{f', page {hit.page}' if hit.page else ''})\n{hit.text}"
        for n, hit in enumerate(hits, start=1)
    )
    return prompts.load("chat_with_sources").format(passages=passages, question=question)
