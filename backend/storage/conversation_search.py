"""Finding a word in old conversations: their titles and the text of their messages."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.api.schemas.search_words import search_terms, word_pattern
from backend.storage.models import Conversation, Message

# Enough text around the match to recognise the conversation by.
SNIPPET_CHARS = 160
# Rows the SQL filter may hand over for the whole-word check, per search.
CANDIDATES = 500


def snippet(text: str, match: re.Match[str]) -> str:
    """A window of ``text`` around ``match``, with … where it was cut."""
    start = max(0, match.start() - SNIPPET_CHARS // 3)
    end = start + SNIPPET_CHARS
    window = text[start:end]
    return ("…" if start else "") + window + ("…" if end < len(text) else "")


def _like(column: Any, terms: list[str]) -> Any:
    return or_(*(column.ilike(f"%{term}%") for term in terms))


def search(session: Session, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Conversations whose title or messages hold a searched word, most recently active
    first: each with the first matching message (or the title) as its snippet.

    SQL narrows the rows by substring; the whole-word rule is applied here, as SQLite's LIKE
    has no word boundaries.
    """
    terms = search_terms(query)
    pattern = word_pattern(terms)
    if pattern is None:
        return []
    rows = session.execute(
        select(Conversation, Message)
        .outerjoin(Message, Message.conversation_id == Conversation.id)
        .where(or_(_like(Conversation.title, terms), _like(Message.content, terms)))
        .order_by(Conversation.updated_at.desc(), Message.seq)
        .limit(CANDIDATES)
    ).all()
    found: dict[str, dict[str, Any]] = {}
    for conversation, message in rows:
        if conversation.id in found and found[conversation.id]["message_id"]:
            continue
        text = " ".join(message.content.split()) if message is not None else ""
        match = pattern.search(text) if text else None
        if match is not None and message is not None:
            found[conversation.id] = _hit(conversation, snippet(text, match), message)
        elif conversation.id not in found and pattern.search(conversation.title):
            found[conversation.id] = _hit(conversation, conversation.title, None)
    return list(found.values())[:limit]


def _hit(conversation: Conversation, text: str, message: Message | None) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "title": conversation.title,
        "updated_at": conversation.updated_at.isoformat(),
        "snippet": text,
        "message_id": message.id if message is not None else None,
        "role": message.role if message is not None else None,
    }
