"""Searching the knowledge base from the Knowledge page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from frontend import api_client, api_knowledge
from frontend.state.knowledge_models import SEARCH_MODES, SearchHitRow, to_search_hit

RESULT_COUNT = 10


class SearchState(rx.State):
    """The search box, its mode and the ranked chunks it found."""

    query: str = ""
    mode: str = "hybrid"
    results: list[SearchHitRow] = []
    searching: bool = False
    searched: bool = False
    error: str = ""

    @rx.event
    async def search(self, form_data: dict[str, Any]) -> AsyncIterator[None]:
        """Run the search typed into the form."""
        self.query = str(form_data.get("query", "")).strip()
        async for _ in self._run():
            yield

    @rx.event
    async def set_mode(self, mode: str | list[str]) -> AsyncIterator[None]:
        """Switch between hybrid, dense and keyword (BM25) ranking; re-runs the last search."""
        self.mode = mode if isinstance(mode, str) and mode in SEARCH_MODES else "hybrid"
        async for _ in self._run():
            yield

    @rx.event
    def forget_document(self, document_id: int) -> None:
        """Drop hits from a document that was just deleted."""
        self.results = [hit for hit in self.results if hit.document_id != document_id]

    async def _run(self) -> AsyncIterator[None]:
        if not self.query:
            self.results, self.searched, self.error = [], False, ""
            return
        # The first dense search loads the embedding model: show the spinner before waiting.
        self.searching, self.error = True, ""
        yield
        try:
            raw = await api_knowledge.search_knowledge(self.query, self.mode, RESULT_COUNT)
        except api_client.ApiError as error:
            self.error, self.results = error.message, []
        else:
            self.results = [to_search_hit(hit, self.query) for hit in raw]
        self.searching, self.searched = False, True
