"""``/api/conversations``: list, read, rename and delete chats."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, Field

from backend.api.deps import Authorized, ServicesDep
from backend.storage import conversations

router = APIRouter(prefix="/api/conversations", tags=["conversations"], dependencies=[Authorized])


class Rename(BaseModel):
    title: str = Field(min_length=1, max_length=200)


@router.get("")
def list_conversations(services: ServicesDep) -> dict[str, Any]:
    """Conversations, most recently active first."""
    with services.db.session() as session:
        return {"conversations": conversations.summaries(session)}


@router.get("/{conversation_id}")
def get_conversation(conversation_id: str, services: ServicesDep) -> dict[str, Any]:
    """One conversation with its messages."""
    with services.db.session() as session:
        conversation = conversations.get(session, conversation_id)
        if conversation is None:
            raise HTTPException(404, f"Conversation {conversation_id} does not exist")
        return conversations.detail(conversation)


@router.patch("/{conversation_id}")
def rename_conversation(
    conversation_id: str, body: Rename, services: ServicesDep
) -> dict[str, Any]:
    """Give a conversation a new title."""
    with services.db.session() as session:
        conversation = conversations.get(session, conversation_id)
        if conversation is None:
            raise HTTPException(404, f"Conversation {conversation_id} does not exist")
        conversations.rename(session, conversation, body.title.strip())
        return conversations.summary(conversation, len(conversation.messages))


@router.delete("/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: str, services: ServicesDep) -> Response:
    """Delete a conversation and all its messages."""
    with services.db.session() as session:
        if not conversations.remove(session, conversation_id):
            raise HTTPException(404, f"Conversation {conversation_id} does not exist")
    return Response(status_code=204)
