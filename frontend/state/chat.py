"""Conversations, the agent mode and the streamed chat exchange with its step timeline."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import reflex as rx

from frontend import api_agents, api_client, api_settings
from frontend.state.chat_models import (
    DEFAULT_DOCUMENTS,
    DEFAULT_MODE,
    DOCUMENT_CHOICES,
    MODE_CHOICES,
    ChatMessage,
    ConversationItem,
    ModeChoice,
    answers_with_runs,
    mode_choices,
    mode_hint,
    to_chat_message,
    to_conversation_item,
    with_citations,
)
from frontend.state.knowledge_models import ChatSource, sources_of
from frontend.state.run_estimate import show_estimate
from frontend.state.run_replay import replay_runs
from frontend.state.run_timeline import RunTimeline, apply_event

__all__ = [
    "ChatMessage",
    "ChatState",
    "ConversationItem",
    "fetch_conversation_items",
    "to_chat_message",
    "to_conversation_item",
]

# Push streamed text to the browser at most this often; tokens arriving faster are batched.
_FLUSH_SECONDS = 0.04
# Opening a long conversation loads the steps of its newest answers only.
TIMELINES_LOADED = 30


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
    mode: str = DEFAULT_MODE
    modes: list[ModeChoice] = MODE_CHOICES
    # "Use my documents": auto (only relevant passages), on (always) or off (never).
    use_knowledge: str = DEFAULT_DOCUMENTS
    partial_answer: str = ""
    # Passages the answer in progress draws on; they move to its bubble when it is done.
    partial_sources: list[ChatSource] = []
    # The steps of the run in progress; they move to its bubble when it is done.
    partial_timeline: RunTimeline = RunTimeline()
    streaming: bool = False
    stopping: bool = False
    error: str = ""
    # Until the person picks a mode or a documents choice, the page starts on Settings' defaults.
    _picked: set[str] = set()
    # Bumped whenever the open conversation changes, so a stream for an older one stops writing.
    _generation: int = 0

    @rx.var
    def has_messages(self) -> bool:
        """Whether the transcript (or the answer in progress) has anything to show."""
        return bool(self.messages) or self.streaming

    @rx.var
    def mode_hint(self) -> str:
        """What the chosen mode does, in one line."""
        return mode_hint(self.mode)

    @rx.var
    def documents_hint(self) -> str:
        """What the "use my documents" switch does now, in one line."""
        return DOCUMENT_CHOICES.get(self.use_knowledge, "")

    @rx.event
    async def load_page(self) -> None:
        """Fill the sidebar and the mode selector when the page opens."""
        await self._refresh_conversations()
        try:
            self.modes = mode_choices(await api_agents.available_modes())
        except api_client.ApiError as error:
            self.error = self.error or error.message
        try:
            mode, documents = await api_settings.chat_defaults()
            self.mode = self.mode if "mode" in self._picked else mode
            self.use_knowledge = self.use_knowledge if "docs" in self._picked else documents
        except api_client.ApiError as error:
            self.error = self.error or error.message
        if self.mode not in {choice.value for choice in self.modes}:
            self.mode = DEFAULT_MODE

    @rx.event
    def set_mode(self, mode: str) -> None:
        """Choose the agent mode for the next questions."""
        if mode in {choice.value for choice in self.modes}:
            self.mode = mode
            self._picked = self._picked | {"mode"}

    @rx.event
    def set_use_knowledge(self, value: str | list[str]) -> None:
        """Choose whether the next questions use the user's documents."""
        if isinstance(value, str) and value in DOCUMENT_CHOICES:
            self.use_knowledge = value
            self._picked = self._picked | {"docs"}

    @rx.event
    def new_chat(self) -> None:
        """Start an empty conversation."""
        self._reset_transcript("")

    @rx.event
    async def open_conversation(self, conversation_id: str) -> Any:
        """Show a stored conversation, then fill in the steps behind its answers."""
        self._reset_transcript(conversation_id)
        try:
            conversation = await api_client.get_conversation(conversation_id)
        except api_client.ApiError as error:
            self.error = error.message
            return None
        self.messages = [to_chat_message(m) for m in conversation.get("messages", [])]
        return ChatState.load_timelines

    @rx.event(background=True)
    async def load_timelines(self) -> None:
        """Replay the runs behind the open conversation's answers into their timelines."""
        async with self:
            generation = self._generation
            run_ids = answers_with_runs(self.messages, TIMELINES_LOADED)
        replayed = await replay_runs(run_ids)
        async with self:
            if self._generation != generation:
                return
            for index, message in enumerate(self.messages):
                if message.role != "assistant" or message.run_id not in replayed:
                    continue
                timeline, cited = replayed[message.run_id]
                self.messages[index] = with_citations(
                    dataclasses.replace(
                        message, timeline=timeline, sources=message.sources or cited
                    )
                )

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
        self.partial_timeline = RunTimeline()
        self.streaming, self.stopping = True, False
        return ChatState.stream_answer(prompt, self.mode, self.use_knowledge)

    @rx.event(background=True)
    async def stop(self) -> None:
        """Ask the server to stop the answer in progress; the stream then ends as stopped."""
        async with self:
            if not self.streaming or self.stopping:
                return
            self.stopping = True
            run_id = self.partial_timeline.run_id
        # Without a run id yet, the stream asks as soon as the run has one.
        if run_id:
            await self._request_stop(run_id)

    async def _request_stop(self, run_id: str) -> None:
        try:
            await api_agents.stop_run(run_id)
        except api_client.ApiError as error:
            async with self:
                self.error, self.stopping = error.message, False

    @rx.event(background=True)
    async def stream_answer(
        self, prompt: str, mode: str = DEFAULT_MODE, use_knowledge: str = DEFAULT_DOCUMENTS
    ) -> None:
        """Read the run's event stream: the answer token by token, the steps as they happen."""
        async with self:
            generation, conversation_id = self._generation, self.conversation_id
        pending, last_flush, answer, failure = "", 0.0, "", ""
        sources: list[ChatSource] = []
        timeline = RunTimeline()
        try:
            async for event in api_client.stream_query(
                prompt, conversation_id, use_knowledge, mode=mode
            ):
                timeline = apply_event(timeline, event)
                if "estimate" in event.data:
                    await show_estimate(self, generation, timeline.run_id, event.data["estimate"])
                if event.type == "started":
                    is_new = not conversation_id
                    conversation_id = str(event.data.get("conversation_id") or conversation_id)
                    await self._show_started(generation, conversation_id, timeline, is_new)
                elif event.type == "token":
                    pending += str(event.data.get("text", ""))
                elif event.type in ("completed", "stopped", "no_answer"):
                    answer = str(event.data.get("answer") or "")
                    sources = sources_of(event.data) or sources
                    conversation_id = str(event.data.get("conversation_id") or conversation_id)
                elif event.type == "error":
                    failure = str(event.data.get("message") or "The agent stopped with an error.")
                    break
                else:
                    sources = sources_of(event.data) or sources
                    if not await self._show_steps(generation, timeline, sources):
                        return
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
            # Text streamed before the check refused it is no answer, so it is not kept.
            partial = "" if timeline.status == "no_answer" else self.partial_answer + pending
            self._finish_stream(conversation_id, answer or partial, sources, timeline)
            self.error = failure or list_error
            if conversations is not None:
                self.conversations = conversations

    async def _show_started(
        self, generation: int, conversation_id: str, timeline: RunTimeline, is_new: bool
    ) -> None:
        """Show the route; list a new conversation as soon as the server has created it."""
        conversations = (await fetch_conversation_items())[0] if is_new else None
        async with self:
            if self._generation != generation:
                return
            self.conversation_id = conversation_id
            self.partial_timeline = timeline
            if conversations is not None:
                self.conversations = conversations
            stop_now = self.stopping
        if stop_now and timeline.run_id:
            await self._request_stop(timeline.run_id)

    async def _show_steps(
        self, generation: int, timeline: RunTimeline, sources: list[ChatSource]
    ) -> bool:
        """Show the steps so far; False when the conversation was left meanwhile."""
        async with self:
            if self._generation != generation:
                return False
            self.partial_timeline = timeline
            self.partial_sources = sources
        return True

    def _finish_stream(
        self,
        conversation_id: str,
        answer: str,
        sources: list[ChatSource],
        timeline: RunTimeline,
    ) -> None:
        self.conversation_id = conversation_id
        # A stopped or unanswered run keeps its bubble without text: it shows what was done
        # and why.
        if answer or timeline.status in ("stopped", "no_answer"):
            answered = ChatMessage(
                id=f"answer-{time.time_ns()}",
                role="assistant",
                content=answer,
                sources=sources,
                run_id=timeline.run_id,
                timeline=timeline,
            )
            self.messages.append(with_citations(answered))
        self.partial_answer = ""
        self.partial_sources = []
        self.partial_timeline = RunTimeline()
        self.streaming = self.stopping = False

    def _reset_transcript(self, conversation_id: str) -> None:
        self._generation += 1
        self.conversation_id = conversation_id
        self.messages = []
        self.partial_answer = ""
        self.partial_sources = []
        self.partial_timeline = RunTimeline()
        self.streaming = self.stopping = False
        self.error = ""

    async def _refresh_conversations(self) -> None:
        conversations, error = await fetch_conversation_items()
        if conversations is not None:
            self.conversations = conversations
        if error:
            self.error = error
