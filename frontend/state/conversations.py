"""Managing conversations from the sidebar: rename inline, clear, delete (confirmed), export."""

from __future__ import annotations

from typing import Any

import reflex as rx

from frontend import api_agents, api_client, api_conversations
from frontend.state.chat import ChatState

EXPORT_FORMATS = {"md": "text/markdown", "json": "application/json"}
RENAME_INPUT_ID = "rename-conversation-input"


class ConversationMenuState(rx.State):
    """Which conversation is being renamed, and the destructive action awaiting a yes."""

    renaming_id: str = ""
    # "delete" or "clear" while the confirmation dialog is open, else "".
    confirm_action: str = ""
    confirm_id: str = ""
    confirm_title: str = ""

    @rx.event
    def start_rename(self, conversation_id: str) -> Any:
        """Turn the conversation's entry into a text field holding its title."""
        self.renaming_id = conversation_id
        return rx.set_focus(RENAME_INPUT_ID)

    @rx.event
    def cancel_rename(self) -> None:
        """Leave the title as it was."""
        self.renaming_id = ""

    @rx.event
    def rename_keys(self, key: str) -> None:
        """Escape in the title field cancels the rename."""
        if key == "Escape":
            self.renaming_id = ""

    @rx.event
    async def save_title(self, form_data: dict[str, Any]) -> None:
        """Store the typed title; an empty one keeps the old title."""
        conversation_id, self.renaming_id = self.renaming_id, ""
        title = str(form_data.get("title", "")).strip()
        if not conversation_id or not title:
            return
        chat = await self.get_state(ChatState)
        try:
            await api_agents.rename_conversation(conversation_id, title)
        except api_client.ApiError as error:
            chat.error = error.message
            return
        await chat._refresh_conversations()

    @rx.event
    def ask_confirm(self, action: str, conversation_id: str, title: str) -> None:
        """Open the dialog asking whether to really delete or clear a conversation."""
        self.confirm_action, self.confirm_id, self.confirm_title = action, conversation_id, title

    @rx.event
    def set_confirm_open(self, is_open: bool) -> None:
        """Closing the dialog (Escape, Cancel, a click outside) cancels the action."""
        if not is_open:
            self.confirm_action = self.confirm_id = self.confirm_title = ""

    @rx.event
    async def confirm(self) -> None:
        """Do what the dialog asked about."""
        action, conversation_id = self.confirm_action, self.confirm_id
        self.confirm_action = self.confirm_id = self.confirm_title = ""
        chat = await self.get_state(ChatState)
        try:
            if action == "delete":
                await api_conversations.delete_conversation(conversation_id)
            elif action == "clear":
                await api_agents.clear_conversation(conversation_id)
            else:
                return
        except api_client.ApiError as error:
            chat.error = error.message
            return
        # Deleted or emptied: either way the open transcript no longer matches the server.
        if conversation_id == chat.conversation_id:
            chat._reset_transcript("" if action == "delete" else conversation_id)
        await chat._refresh_conversations()

    @rx.event
    async def export(self, conversation_id: str, fmt: str) -> Any:
        """Download the conversation as Markdown (``md``) or JSON (``json``)."""
        if fmt not in EXPORT_FORMATS:
            return None
        try:
            download = await api_agents.export_conversation(conversation_id, fmt)
        except api_client.ApiError as error:
            chat = await self.get_state(ChatState)
            chat.error = error.message
            return None
        return rx.download(
            data=download.content, filename=download.filename, mime_type=EXPORT_FORMATS[fmt]
        )
