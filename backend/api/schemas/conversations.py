"""``/api/conversations``: chats and their messages."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from backend.api.schemas.base import ApiModel


class ConversationSummary(ApiModel):
    """A sidebar entry: title, times (ISO 8601) and how many messages it holds."""

    id: str
    title: str
    created_at: str
    updated_at: str
    message_count: int


class ConversationList(ApiModel):
    conversations: list[ConversationSummary]


class Message(ApiModel):
    """One message; an assistant's answer names the run that produced it."""

    id: str
    role: str
    content: str
    created_at: str
    run_id: str | None
    # What an answer cites: one entry per document with its passage numbers, pages and
    # snippets (agents.knowledge.sources_json); empty for questions and uncited answers.
    sources: list[dict[str, Any]] = Field(default_factory=list)


class ConversationDetail(ConversationSummary):
    messages: list[Message]


class ConversationHit(ApiModel):
    """A conversation that holds a searched word: the snippet is the first message with it
    (``message_id`` and ``role`` name that message) or, when only the title has it, the title."""

    id: str
    title: str
    updated_at: str
    snippet: str
    message_id: str | None
    role: str | None


class ConversationSearch(ApiModel):
    results: list[ConversationHit]
