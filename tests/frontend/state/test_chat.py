"""Turning API payloads into sidebar entries and transcript bubbles."""

from __future__ import annotations

import pytest

from frontend import api_client, api_conversations
from frontend.state import chat_models as chat
from frontend.state.chat_models import ChatMessage, ConversationItem
from tests.frontend.state import payloads


def test_conversation_summary_becomes_a_sidebar_entry() -> None:
    raw = {
        "id": "c1",
        "title": "",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-02T00:00:00Z",
        "message_count": 3,
    }
    assert chat.to_conversation_item(raw) == ConversationItem(
        id="c1", title="Untitled conversation", updated_at="2026-01-02T00:00:00Z", message_count=3
    )


def test_api_message_becomes_a_bubble() -> None:
    raw = {"id": "m1", "role": "user", "content": "hi", "created_at": "x", "run_id": None}
    assert chat.to_chat_message(raw) == ChatMessage(id="m1", role="user", content="hi")


async def test_fetch_conversation_items_reports_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    async def unreachable() -> list[dict[str, object]]:
        raise api_client.ApiError("cannot reach the AgentDesk server")

    monkeypatch.setattr(api_conversations, "list_conversations", unreachable)
    assert await chat.fetch_conversation_items() == (None, "Cannot reach the AgentDesk server")


async def test_fetch_conversation_items_keeps_the_servers_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def listed() -> list[dict[str, object]]:
        return [payloads.conversation(id="new", title="B"), payloads.conversation(id="old")]

    monkeypatch.setattr(api_conversations, "list_conversations", listed)
    items, error = await chat.fetch_conversation_items()
    assert error == ""
    assert [item.id for item in items or []] == ["new", "old"]
