"""``/api/conversations``: list, read, rename, clear, export and delete chats."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, Field

from backend.api.deps import Authorized, ServicesDep
from backend.api.schemas import conversations as schema
from backend.api.schemas.media import download
from backend.storage import conversation_search, conversations
from backend.storage.models import Conversation

router = APIRouter(prefix="/api/conversations", tags=["conversations"], dependencies=[Authorized])


class Rename(BaseModel):
    title: str = Field(min_length=1, max_length=200)


ExportFormat = Annotated[
    Literal["md", "json"], Query(alias="format", description="md (Markdown) or json")
]
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "json": "application/json"}


def slugify(title: str) -> str:
    """A file name from a title: "Hello, Wörld!" → hello-world (ASCII, digits, dashes)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "conversation"


def _found(conversation: Conversation | None, conversation_id: str) -> Conversation:
    if conversation is None:
        raise HTTPException(404, f"Conversation {conversation_id} does not exist")
    return conversation


@router.get("", response_model=schema.ConversationList)
def list_conversations(services: ServicesDep) -> dict[str, Any]:
    """Conversations, most recently active first."""
    with services.db.session() as session:
        return {"conversations": conversations.summaries(session)}


@router.get("/search", response_model=schema.ConversationSearch)
def search_conversations(
    services: ServicesDep,
    q: Annotated[str, Query(max_length=200, description="Words to find")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Conversations whose title or messages hold one of the words, from the word's start
    ("per" finds "personal", not "keeper"), most recently active first."""
    with services.db.session() as session:
        return {"results": conversation_search.search(session, q, limit)}


@router.get("/{conversation_id}", response_model=schema.ConversationDetail)
def get_conversation(conversation_id: str, services: ServicesDep) -> dict[str, Any]:
    """One conversation with its messages."""
    with services.db.session() as session:
        conversation = conversations.get(session, conversation_id)
        if conversation is None:
            raise HTTPException(404, f"Conversation {conversation_id} does not exist")
        return conversations.detail(conversation)


@router.patch("/{conversation_id}", response_model=schema.ConversationSummary)
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


@router.post("/{conversation_id}/clear", response_model=schema.ConversationSummary)
def clear_conversation(conversation_id: str, services: ServicesDep) -> dict[str, Any]:
    """Delete a conversation's messages and keep the (now empty) conversation."""
    with services.db.session() as session:
        conversation = _found(conversations.get(session, conversation_id), conversation_id)
        conversations.clear(session, conversation)
        return conversations.summary(conversation, 0)


@router.get(
    "/{conversation_id}/export",
    response_model=None,
    responses=download("The conversation as a file", schema.ConversationDetail),
)
def export_conversation(
    conversation_id: str, services: ServicesDep, fmt: ExportFormat = "md"
) -> Response:
    """Download a conversation as a Markdown transcript or as JSON (the same data as GET)."""
    with services.db.session() as session:
        conversation = _found(conversations.get(session, conversation_id), conversation_id)
        if fmt == "md":
            content = conversations.markdown(conversation)
        else:
            content = json.dumps(conversations.detail(conversation), ensure_ascii=False, indent=2)
        filename = f"{slugify(conversation.title)}.{fmt}"
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
