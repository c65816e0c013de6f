"""Searching old conversations from the sidebar: words in titles and messages."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from backend.api.schemas.conversations import ConversationHit
from frontend import api_agents, api_client
from frontend.state.knowledge_format import TextPart, snippet_parts


@dataclasses.dataclass
class ConversationMatch:
    """A search result: the conversation's title and a snippet with the found words marked."""

    id: str
    title: str
    parts: list[TextPart]


def to_match(raw: dict[str, Any], query: str) -> ConversationMatch:
    """A result row from the API's hit; words are marked from their start, as the server
    matched them."""
    hit = ConversationHit.model_validate(raw)
    return ConversationMatch(
        id=hit.id,
        title=hit.title or "Untitled conversation",
        parts=snippet_parts(hit.snippet, query),
    )


class ConversationSearchState(rx.State):
    """What was searched and what was found; an empty query shows the plain list again."""

    query: str = ""
    matches: list[ConversationMatch] = []
    searched: bool = False
    error: str = ""

    @rx.event
    async def search(self, query: str) -> None:
        """Find the words as they are typed (the box waits for a pause before asking)."""
        self.query = query
        words = query.strip()
        if not words:
            self.matches, self.searched, self.error = [], False, ""
            return
        try:
            raw = await api_agents.search_conversations(words)
        except api_client.ApiError as error:
            self.error = error.message
            return
        if self.query == query:
            self.matches = [to_match(item, words) for item in raw]
            self.searched, self.error = True, ""

    @rx.event
    def clear(self) -> None:
        """Back to the whole conversation list."""
        self.query, self.matches, self.searched, self.error = "", [], False, ""
