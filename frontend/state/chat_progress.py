"""Showing an answer's progress while its stream is read: the route, the steps, a stop.

The chat's stream reader runs in the background and may outlive the conversation it was
started in; each of these first checks that the person is still in that conversation (the
chat's ``_generation``), so a late event never writes into another one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontend import api_agents, api_client
from frontend.state.chat_models import fetch_conversation_items
from frontend.state.knowledge_models import ChatSource
from frontend.state.run_timeline import RunTimeline

if TYPE_CHECKING:
    from frontend.state.chat import ChatState


async def request_stop(chat: ChatState, run_id: str) -> None:
    """Ask the server to stop the run; if it cannot be asked, say why and allow another try."""
    try:
        await api_agents.stop_run(run_id)
    except api_client.ApiError as error:
        async with chat:
            chat.error, chat.stopping = error.message, False


async def show_started(
    chat: ChatState, generation: int, conversation_id: str, timeline: RunTimeline, is_new: bool
) -> None:
    """Show the route; list a new conversation as soon as the server has created it."""
    conversations = (await fetch_conversation_items())[0] if is_new else None
    async with chat:
        if chat._generation != generation:
            return
        chat.conversation_id = conversation_id
        chat.partial_timeline = timeline
        if conversations is not None:
            chat.conversations = conversations
        stop_now = chat.stopping
    if stop_now and timeline.run_id:
        await request_stop(chat, timeline.run_id)


async def show_steps(
    chat: ChatState, generation: int, timeline: RunTimeline, sources: list[ChatSource]
) -> bool:
    """Show the steps so far; False when the conversation was left meanwhile."""
    async with chat:
        if chat._generation != generation:
            return False
        chat.partial_timeline = timeline
        chat.partial_sources = sources
    return True
