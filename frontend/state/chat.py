"""Conversations and the streamed chat exchange."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import reflex as rx

from frontend import api_client
from frontend.state.knowledge_models import ChatSource, sources_of

# Push streamed text to the browser at most this often; tokens arriving faster are batched.
_FLUSH_SECONDS = 0.04


@dataclasses.dataclass
class ChatMessage:
    """One bubble in the transcript."""

    id: str
    role: str
    content: str
    sources: list[ChatSource] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ConversationItem:
    """One entry in the sidebar."""

    id: str
    title: str
    updated_at: str
    message_count: int


def to_conversation_item(raw: dict[str, Any]) -> ConversationItem:
    """Build a sidebar entry from an API conversation summary."""
    return ConversationItem(
        id=str(raw.get("id", "")),
        title=str(raw.get("title") or "Untitled conversation"),
        updated_at=str(raw.get("updated_at", "")),
        message_count=int(raw.get("message_count") or 0),
    )


def to_chat_message(raw: dict[str, Any]) -> ChatMessage:
    """Build a transcript bubble from an API message."""
    return ChatMessage(
        id=str(raw.get("id", "")),
        role=str(raw.get("role", "assistant")),
        content=str(raw["content"]),
        sources=sources_of(raw) or [],
    )


async def fetch_conversation_items() -> tuple[list[ConversationItem] | None, str]:
    """The sidebar entries, or ``None`` and the reason they could not be read."""
    try:
        raw = await api_client.list_conversations()
    except api_client.ApiError as error:
        return None, error.message
    return [to_conversation_item(item) for item in raw], ""


class ChatState(rx.State):
    """The conversation list, the open conversation and the answer being streamed."""

    conversations: list[ConversationItem] = []
    conversation_id: str = ""
    messages: list[ChatMessage] = []
    partial_answer: str = ""
    # Passages the answer in progress draws on; they move to its bubble when it is done.
    partial_sources: list[ChatSource] = []
    streaming: bool = False
    error: str = ""
    # Bumped whenever the open conversation changes, so a stream for an older one stops writing.
    _generation: int = 0

    @rx.var
    def has_messages(self) -> bool:
        """Whether the transcript (or the answer in progress) has anything to show."""
        return bool(self.messages) or self.streaming

    @rx.event
    async def load_page(self) -> None:
        """Fill the sidebar when the page opens."""
        await self._refresh_conversations()

    @rx.event
    def new_chat(self) -> None:
        """Start an empty conversation."""
        self._reset_transcript("")

    @rx.event
    async def open_conversation(self, conversation_id: str) -> None:
        """Show a stored conversation."""
        self._reset_transcript(conversation_id)
        try:
            conversation = await api_client.get_conversation(conversation_id)
        except api_client.ApiError as error:
            self.error = error.message
            return
        self.messages = [to_chat_message(m) for m in conversation.get("messages", [])]

    @rx.event
    async def delete_conversation(self, conversation_id: str) -> None:
        """Delete a conversation and leave it if it was open."""
        try:
            await api_client.delete_conversation(conversation_id)
        except api_client.ApiError as error:
            self.error = error.message
            return
        if conversation_id == self.conversation_id:
            self._reset_transcript("")
        await self._refresh_conversations()

    @rx.event
    def dismiss_error(self) -> None:
        """Hide the error banner."""
        self.error = ""

    @rx.event
    def send(self, form_data: dict[str, Any]) -> Any:
        """Show the user's message at once and start streaming the answer."""
        prompt = str(form_data.get("prompt", "")).strip()
        if not prompt or self.streaming:
            return None
        self.error = ""
        self.messages.append(
            ChatMessage(id=f"pending-{time.time_ns()}", role="user", content=prompt)
        )
        self.partial_answer = ""
        self.partial_sources = []
        self.streaming = True
        return ChatState.stream_answer(prompt)

    @rx.event(background=True)
    async def stream_answer(self, prompt: str) -> None:
        """Read the run's event stream and show the answer token by token."""
        async with self:
            generation, conversation_id = self._generation, self.conversation_id
        pending, last_flush, answer, failure = "", 0.0, "", ""
        sources: list[ChatSource] = []
        try:
            async for event in api_client.stream_query(prompt, conversation_id):
                if event.type == "started":
                    is_new = not conversation_id
                    conversation_id = str(event.data.get("conversation_id") or conversation_id)
                    if is_new:
                        await self._show_new_conversation(generation, conversation_id)
                elif event.type == "token":
                    pending += str(event.data.get("text", ""))
                elif event.type == "step" and event.data.get("kind") == "retrieval":
                    sources = sources_of(event.data) or []
                    await self._show_sources(generation, sources)
                elif event.type == "completed":
                    answer = str(event.data.get("answer") or "")
                    sources = sources_of(event.data) or sources
                    conversation_id = str(event.data.get("conversation_id") or conversation_id)
                elif event.type == "error":
                    failure = str(event.data.get("message") or "The agent stopped with an error.")
                    break
                if pending and time.monotonic() - last_flush >= _FLUSH_SECONDS:
                    async with self:
                        if self._generation != generation:
                            return
                        self.conversation_id = conversation_id
                        self.partial_answer += pending
                    pending, last_flush = "", time.monotonic()
        except api_client.ApiError as error:
            failure = error.message
            conversation_id = error.conversation_id or conversation_id
        except Exception as error:
            # Whatever went wrong, the input must not stay locked behind a dead stream.
            failure = f"The answer could not be read ({type(error).__name__})."
        conversations, list_error = await fetch_conversation_items()
        async with self:
            if self._generation != generation:
                return
            self._finish_stream(conversation_id, answer or self.partial_answer + pending, sources)
            self.error = failure or list_error
            if conversations is not None:
                self.conversations = conversations

    async def _show_new_conversation(self, generation: int, conversation_id: str) -> None:
        """List a conversation in the sidebar as soon as the server has created it."""
        conversations, _ = await fetch_conversation_items()
        async with self:
            if self._generation == generation:
                self.conversation_id = conversation_id
                if conversations is not None:
                    self.conversations = conversations

    async def _show_sources(self, generation: int, sources: list[ChatSource]) -> None:
        async with self:
            if self._generation == generation:
                self.partial_sources = sources

    def _finish_stream(self, conversation_id: str, answer: str, sources: list[ChatSource]) -> None:
        self.conversation_id = conversation_id
        if answer:
            self.messages.append(
                ChatMessage(
                    id=f"answer-{time.time_ns()}",
                    role="assistant",
                    content=answer,
                    sources=sources,
                )
            )
        self.partial_answer = ""
        self.partial_sources = []
        self.streaming = False

    def _reset_transcript(self, conversation_id: str) -> None:
        self._generation += 1
        self.conversation_id = conversation_id
        self.messages = []
        self.partial_answer = ""
        self.partial_sources = []
        self.streaming = False
        self.error = ""

    async def _refresh_conversations(self) -> None:
        conversations, error = await fetch_conversation_items()
        if conversations is not None:
            self.conversations = conversations
        if error:
            self.error = error
