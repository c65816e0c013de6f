"""``/api/conversations``: chats and their messages."""

from __future__ import annotations

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


class ConversationDetail(ConversationSummary):
    messages: list[Message]
