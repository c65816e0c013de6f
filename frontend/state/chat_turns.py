"""Copy, regenerate, and edit-and-resend on the transcript's bubbles."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from frontend import api_client, api_conversations
from frontend.state.chat import ChatState
from frontend.state.chat_models import MODE_CHOICES, ChatMessage

# How long "Copied" shows after a copy.
COPIED_SECONDS = 1.5
EDIT_INPUT_ID = "edit-message-input"


def last_exchange(messages: list[ChatMessage]) -> tuple[int, int] | None:
    """Indexes of the last answer and of the question it answers, or None without one."""
    if not messages or messages[-1].role != "assistant":
        return None
    for index in range(len(messages) - 2, -1, -1):
        if messages[index].role == "user":
            return index, len(messages) - 1
    return None


def dropped_by_edit(messages: list[ChatMessage], index: int) -> int:
    """How many messages resending the question at ``index`` drops beyond its own answer."""
    after = len(messages) - index - 1
    answered = after > 0 and messages[index + 1].role == "assistant"
    return after - 1 if answered else after


def user_ordinal(messages: list[ChatMessage], index: int) -> int:
    """Which question (0 for the first) the message at ``index`` is: every question is stored,
    while a stopped run's empty bubble is not, so questions line up with the server's."""
    return sum(1 for message in messages[:index] if message.role == "user")


class ChatTurnState(rx.State):
    """Which bubble was just copied, which question is being edited, and an edit awaiting a
    yes because it drops later messages."""

    copied_id: str = ""
    editing_id: str = ""
    # Messages the edit awaiting confirmation would drop; 0 when none awaits.
    confirm_drop: int = 0
    _edit_text: str = ""

    @rx.event
    def copy(self, message_id: str, text: str) -> Any:
        """Put the message's text on the clipboard and say so for a moment."""
        self.copied_id = message_id
        return [rx.set_clipboard(text), ChatTurnState.forget_copied(message_id)]

    @rx.event(background=True)
    async def forget_copied(self, message_id: str) -> None:
        """Take the "Copied" feedback away again."""
        await asyncio.sleep(COPIED_SECONDS)
        async with self:
            if self.copied_id == message_id:
                self.copied_id = ""

    @rx.event
    async def regenerate(self) -> Any:
        """Ask the last question again in the mode its answer came from; the new answer
        replaces the old one (whose run stays on record)."""
        chat = await self.get_state(ChatState)
        exchange = last_exchange(chat.messages)
        if exchange is None or chat.streaming:
            return None
        question, answer = (chat.messages[i] for i in exchange)
        stored = await self._stored_id(chat, exchange[0])
        if not stored:
            return None
        modes = {choice.value for choice in MODE_CHOICES}
        mode = answer.timeline.mode if answer.timeline.mode in modes else chat.mode
        return chat._ask(question.content, mode, stored, exchange[0])

    @rx.event
    def start_edit(self, message_id: str) -> Any:
        """Turn the question into an editor holding its text."""
        self.editing_id, self.confirm_drop = message_id, 0
        return rx.set_focus(EDIT_INPUT_ID)

    @rx.event
    def cancel_edit(self) -> None:
        """Leave the question as it was."""
        self.editing_id, self.confirm_drop, self._edit_text = "", 0, ""

    @rx.event
    async def resend(self, form_data: dict[str, Any]) -> Any:
        """Ask the edited question; when later messages would go, ask first."""
        text = str(form_data.get("text", "")).strip()
        chat = await self.get_state(ChatState)
        index = self._editing_index(chat)
        if not text or index is None:
            return None
        self._edit_text = text
        dropped = dropped_by_edit(chat.messages, index)
        if dropped:
            self.confirm_drop = dropped
            return None
        return await self._resend(chat, index)

    @rx.event
    async def confirm_resend(self) -> Any:
        """Drop the later messages and ask the edited question."""
        chat = await self.get_state(ChatState)
        index = self._editing_index(chat)
        return None if index is None else await self._resend(chat, index)

    @rx.event
    def set_confirm_open(self, is_open: bool) -> None:
        """Closing the dialog keeps the editor open and the transcript as it is."""
        if not is_open:
            self.confirm_drop = 0

    async def _resend(self, chat: ChatState, index: int) -> Any:
        text, self._edit_text = self._edit_text, ""
        self.editing_id, self.confirm_drop = "", 0
        stored = await self._stored_id(chat, index)
        return chat._ask(text, chat.mode, stored, index) if stored else None

    def _editing_index(self, chat: ChatState) -> int | None:
        ids = [message.id for message in chat.messages]
        return ids.index(self.editing_id) if self.editing_id in ids else None

    async def _stored_id(self, chat: ChatState, index: int) -> str:
        """The server's id of the question at ``index``: one asked in this page still has the
        id it was shown with."""
        try:
            stored = await api_conversations.get_conversation(chat.conversation_id)
        except api_client.ApiError as error:
            chat.error = error.message
            return ""
        questions = [m for m in stored.get("messages", []) if m.get("role") == "user"]
        ordinal = user_ordinal(chat.messages, index)
        if ordinal >= len(questions):
            chat.error = "That message is no longer stored; reopen the conversation."
            return ""
        return str(questions[ordinal].get("id", ""))
