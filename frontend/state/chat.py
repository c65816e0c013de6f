"""Conversations, the agent mode and the streamed chat exchange with its step timeline.

What the stream reader shows as the run goes (its route, its steps, a stop asked for before
the run had an id) is in ``chat_progress.py``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from frontend import api_agents, api_client, api_conversations, api_settings
from frontend.state.chat_models import (
    DEFAULT_DOCUMENTS,
    DEFAULT_MODE,
    DOCUMENT_CHOICES,
    MODE_CHOICES,
    ChatMessage,
    ConversationItem,
    ModeChoice,
    answer_message,
    answers_with_runs,
    fetch_conversation_items,
    mode_choices,
    mode_hint,
    to_chat_message,
    with_timelines,
)
from frontend.state.chat_progress import request_stop, show_started, show_steps
from frontend.state.chat_stream import PROMPT_INPUT_ID, REGROW_BOX, StreamRead
from frontend.state.knowledge_models import ChatSource
from frontend.state.run_estimate import show_estimate
from frontend.state.run_replay import replay_runs
from frontend.state.run_timeline import RunTimeline

# Push streamed text to the browser at most this often; tokens arriving faster are batched.
_FLUSH_SECONDS = 0.04
# Opening a long conversation loads the steps of its newest answers only.
TIMELINES_LOADED = 30


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
    # Why the server refused the prompt now back in the box (shown under it); too_long offers
    # to attach the text as a document instead.
    refusal: str = ""
    refusal_too_long: bool = False
    # The transcript before the last send, given back when the server refuses the prompt.
    _before_send: list[ChatMessage] = []
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
    async def new_chat(self) -> None:
        """Start an empty conversation: no attached files, and "use my documents" back on
        Settings' default (attaching had turned it on for the old conversation only)."""
        from frontend.state.chat_attach import ChatAttachState  # it imports this module

        self._reset_transcript("")
        attach = await self.get_state(ChatAttachState)
        attach.clear()
        self._picked = self._picked - {"docs"}
        try:
            _mode, self.use_knowledge = await api_settings.chat_defaults()
        except api_client.ApiError:
            self.use_knowledge = DEFAULT_DOCUMENTS

    @rx.event
    async def open_conversation(self, conversation_id: str) -> Any:
        """Show a stored conversation, then fill in the steps behind its answers."""
        self._reset_transcript(conversation_id)
        try:
            conversation = await api_conversations.get_conversation(conversation_id)
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
            self.messages = with_timelines(self.messages, replayed)

    @rx.event
    def dismiss_error(self) -> None:
        """Hide the error banner."""
        self.error = ""

    @rx.event
    def send(self, form_data: dict[str, Any]) -> Any:
        """Show the user's message at once and start streaming the answer."""
        return self._ask(str(form_data.get("prompt", "")), self.mode, "", len(self.messages))

    def _ask(self, prompt: str, mode: str, replace_from: str, keep: int) -> Any:
        """Ask ``prompt`` after the first ``keep`` messages; ``replace_from`` names the stored
        message it replaces, with all after it (regenerate, edit and resend)."""
        prompt = prompt.strip()
        if not prompt or self.streaming:
            return None
        self.error, self.refusal, self.refusal_too_long = "", "", False
        self._before_send = list(self.messages)
        pending = ChatMessage(id=f"pending-{time.time_ns()}", role="user", content=prompt)
        self.messages = [*self.messages[:keep], pending]
        self.partial_answer, self.partial_sources, self.partial_timeline = "", [], RunTimeline()
        self.streaming, self.stopping = True, False
        return ChatState.stream_answer(prompt, mode, self.use_knowledge, replace_from)

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
            await request_stop(self, run_id)

    @rx.event(background=True)
    async def stream_answer(
        self,
        prompt: str,
        mode: str = DEFAULT_MODE,
        use_knowledge: str = DEFAULT_DOCUMENTS,
        replace_from: str = "",
    ) -> AsyncIterator[Any]:
        """Read the run's event stream: the answer token by token, the steps as they happen.

        A prompt the server refuses never enters the transcript: it goes back into the box
        with the reason under it."""
        async with self:
            generation = self._generation
            read = StreamRead(self.conversation_id)
        last_flush = 0.0
        try:
            async for event in api_client.stream_query(
                prompt, read.conversation_id, use_knowledge, mode, replace_from
            ):
                is_new = not read.conversation_id
                shown = read.take(event)
                if "estimate" in event.data:
                    estimate = event.data["estimate"]
                    await show_estimate(self, generation, read.timeline.run_id, estimate)
                if shown == "error":
                    break
                if shown == "started":
                    started = (read.conversation_id, read.timeline, is_new)
                    await show_started(self, generation, *started)
                elif shown and not await show_steps(self, generation, read.timeline, read.sources):
                    return
                if read.pending and time.monotonic() - last_flush >= _FLUSH_SECONDS:
                    async with self:
                        if self._generation != generation:
                            return
                        self.conversation_id = read.conversation_id
                        self.partial_answer += read.pending
                    read.pending, last_flush = "", time.monotonic()
        except api_client.ApiError as error:
            read.refuse(error)
        except Exception as error:
            # Whatever went wrong, the input must not stay locked behind a dead stream.
            read.failure = f"The answer could not be read ({type(error).__name__})."
        if read.refused:
            async with self:
                if self._generation == generation:
                    self._refused(read.failure, read.refused)
            yield [rx.set_value(PROMPT_INPUT_ID, prompt), rx.call_script(REGROW_BOX)]
            return
        conversations, list_error = await fetch_conversation_items()
        async with self:
            if self._generation != generation:
                return
            # Text streamed before the check refused it is no answer, so it is not kept.
            no_answer = read.timeline.status == "no_answer"
            partial = "" if no_answer else self.partial_answer + read.pending
            self._finish_stream(
                read.conversation_id, read.answer or partial, read.sources, read.timeline
            )
            self.error = read.failure or list_error
            if conversations is not None:
                self.conversations = conversations

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
            self.messages.append(answer_message(answer, sources, timeline))
        self.partial_answer, self.partial_sources, self.partial_timeline = "", [], RunTimeline()
        self.streaming = self.stopping = False

    def _refused(self, reason: str, status: int) -> None:
        self.messages = self._before_send
        self.refusal, self.refusal_too_long = reason, status == 413
        self.streaming = self.stopping = False
        self.partial_timeline = RunTimeline()

    def _reset_transcript(self, conversation_id: str) -> None:
        self._generation += 1
        self.conversation_id = conversation_id
        self.messages = []
        self.partial_answer, self.partial_sources, self.partial_timeline = "", [], RunTimeline()
        self.streaming = self.stopping = False
        self.error = self.refusal = ""

    async def _refresh_conversations(self) -> None:
        conversations, error = await fetch_conversation_items()
        if conversations is not None:
            self.conversations = conversations
        if error:
            self.error = error
