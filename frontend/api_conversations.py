"""The UI's HTTP calls for the chat's conversation list: list, open and delete.

Same rules as :mod:`frontend.api_client` (whose connection helpers it uses): every failure
becomes an :class:`~frontend.api_client.ApiError` whose message is meant for people. Asking a
question is ``api_client.stream_query``; renaming, pinning and searching are in ``api_agents``.
"""

from __future__ import annotations

from typing import Any

import httpx

from frontend import api_client


async def list_conversations() -> list[dict[str, Any]]:
    """Conversation summaries, newest first."""
    body = await api_client._get_json("/api/conversations")
    return list(body.get("conversations", []))


async def get_conversation(conversation_id: str) -> dict[str, Any]:
    """One conversation with its messages."""
    result: dict[str, Any] = await api_client._get_json(f"/api/conversations/{conversation_id}")
    return result


async def delete_conversation(conversation_id: str) -> None:
    """Delete a conversation; deleting one that is already gone is not an error."""
    try:
        async with api_client._client() as client:
            response = await client.delete(f"/api/conversations/{conversation_id}")
    except httpx.HTTPError as error:
        raise api_client._unreachable(error) from error
    if response.status_code >= 400 and response.status_code != 404:
        detail = api_client.error_detail(response.content, response.status_code)
        raise api_client.ApiError(detail, response.status_code)
