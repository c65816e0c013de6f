"""Conversations and messages: the chat history a person keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, object_session

from backend.storage import cited_sources
from backend.storage.models import Conversation, Message, utcnow

TITLE_CHARS = 60


def title_from(prompt: str) -> str:
    """A short title from the first prompt of a conversation."""
    line = " ".join(prompt.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


def create(session: Session, title: str) -> Conversation:
    conversation = Conversation(title=title)
    session.add(conversation)
    session.flush()
    return conversation


def get(session: Session, conversation_id: str) -> Conversation | None:
    return session.get(Conversation, conversation_id)


def add_message(
    session: Session,
    conversation: Conversation,
    role: str,
    content: str,
    run_id: str | None,
    sources: list[dict[str, Any]] | None = None,
) -> Message:
    """Append a message and touch the conversation; an answer keeps the sources it cites."""
    last = session.scalar(
        select(func.max(Message.seq)).where(Message.conversation_id == conversation.id)
    )
    message = Message(
        conversation_id=conversation.id,
        seq=(last or 0) + 1,
        role=role,
        content=content,
        run_id=run_id,
        sources=sources,
    )
    session.add(message)
    conversation.updated_at = utcnow()
    session.flush()
    return message


def recent_messages(session: Session, conversation_id: str, limit: int) -> list[Message]:
    """The last ``limit`` messages, oldest first."""
    if limit <= 0:
        return []
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.seq.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def summaries(session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """Conversations, most recently active first, with their message counts."""
    counts = (
        select(Message.conversation_id, func.count().label("n"))
        .group_by(Message.conversation_id)
        .subquery()
    )
    rows = session.execute(
        select(Conversation, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.conversation_id == Conversation.id)
        .order_by(Conversation.updated_at.desc())
        .limit(limit)
    ).all()
    return [summary(conversation, int(count)) for conversation, count in rows]


def summary(conversation: Conversation, message_count: int) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "title": conversation.title,
        "created_at": conversation.created_at.isoformat(),
        "updated_at": conversation.updated_at.isoformat(),
        "message_count": message_count,
    }


def detail(conversation: Conversation) -> dict[str, Any]:
    """A conversation with all its messages, each answer with the sources it cites."""
    body = summary(conversation, len(conversation.messages))
    sources = _sources(conversation)
    body["messages"] = [
        {
            "id": m.id,
            "role": m.role,
            "content": m.content,
            "created_at": m.created_at.isoformat(),
            "run_id": m.run_id,
            "sources": sources[m.id],
        }
        for m in conversation.messages
    ]
    return body


def _sources(conversation: Conversation) -> dict[str, list[Any]]:
    session = object_session(conversation)
    if session is None:
        return {m.id: list(m.sources or []) for m in conversation.messages}
    return cited_sources.sources_by_message(session, list(conversation.messages))


def rename(session: Session, conversation: Conversation, title: str) -> None:
    """A new title only: the list is ordered by last activity, and a rename is not activity
    (bumping ``updated_at`` moved the renamed conversation to the top of the sidebar)."""
    conversation.title = title


def remove(session: Session, conversation_id: str) -> bool:
    """Delete a conversation and its messages; False when it did not exist."""
    result = session.execute(delete(Conversation).where(Conversation.id == conversation_id))
    return bool(getattr(result, "rowcount", 0))


def clear(session: Session, conversation: Conversation) -> int:
    """Delete a conversation's messages but keep the conversation; how many were deleted."""
    result = session.execute(delete(Message).where(Message.conversation_id == conversation.id))
    conversation.updated_at = utcnow()
    session.flush()
    # The bulk delete bypasses the relationship, so load it afresh when it is next read.
    session.expire(conversation, ["messages"])
    return int(getattr(result, "rowcount", 0) or 0)


def rewind(
    session: Session, conversation: Conversation, message_id: str, prompt: str | None = None
) -> int | None:
    """Delete ``message_id`` and every later message of the conversation, so the question can
    be asked again from there (regenerate, edit and resend); how many went, or None when the
    message is not in this conversation. The runs behind them stay on record.

    When the first question gives way to ``prompt``, a title made from it follows the new
    one (a title the person chose stays): the old words are gone from the conversation.
    """
    message = session.get(Message, message_id)
    if message is None or message.conversation_id != conversation.id:
        return None
    first = session.scalar(
        select(func.min(Message.seq)).where(Message.conversation_id == conversation.id)
    )
    if prompt and message.seq == first and conversation.title == title_from(message.content):
        conversation.title = title_from(prompt)
    result = session.execute(
        delete(Message).where(
            Message.conversation_id == conversation.id, Message.seq >= message.seq
        )
    )
    session.flush()
    session.expire(conversation, ["messages"])
    return int(getattr(result, "rowcount", 0) or 0)


def _when(moment: datetime) -> str:
    # SQLite hands back naive datetimes; they were stored in UTC.
    stamp = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def markdown(conversation: Conversation) -> str:
    """A readable transcript: title, dates, then each message with who wrote it and when,
    and under each answer the passages its ``[n]`` markers stand for."""
    lines = [
        f"# {conversation.title}",
        "",
        f"- Started: {_when(conversation.created_at)}",
        f"- Last active: {_when(conversation.updated_at)}",
        f"- Messages: {len(conversation.messages)}",
    ]
    sources = _sources(conversation)
    for message in conversation.messages:
        heading = f"## {message.role.capitalize()} · {_when(message.created_at)}"
        if message.role == "assistant" and message.run_id:
            heading += f" · run `{message.run_id}`"
        lines += ["", heading, "", message.content.rstrip()]
        lines += cited_sources.markdown(sources[message.id])
    return "\n".join(lines) + "\n"
