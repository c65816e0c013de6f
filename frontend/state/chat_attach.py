"""Files attached from the chat box: uploaded to the knowledge inbox like a Knowledge page
upload, shown as chips with their indexing state, and used by the next question."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import reflex as rx

from frontend import api_client, api_knowledge
from frontend.state.chat import ChatState
from frontend.state.chat_stream import PROMPT_INPUT_ID

ATTACH_ID = "chat-attach"
# A second picker, offered under a prompt refused as too long (with "Attach this text").
REFUSAL_ATTACH_ID = "chat-attach-refused"
_BINARY = "application/octet-stream"
# How often the chips ask how indexing goes, and for how long at most.
POLL_SECONDS = 1.0
POLL_ROUNDS = 600
DONE_STATES = {"indexed", "failed", "skipped"}


@dataclasses.dataclass
class AttachedFile:
    """A chip above the box: the file's name, where the inbox saved it and its state."""

    name: str
    path: str
    state: str = "pending"


def with_states(files: list[AttachedFile], documents: list[dict[str, Any]]) -> list[AttachedFile]:
    """The chips with each file's state as the document list reports it."""
    states = {
        str(Path(str(d.get("path", ""))).resolve()): str(d.get("state", "")) for d in documents
    }
    return [
        dataclasses.replace(file, state=states.get(str(Path(file.path).resolve())) or file.state)
        for file in files
    ]


class ChatAttachState(rx.State):
    """The attached files and the upload in progress."""

    files: list[AttachedFile] = []
    uploading: bool = False
    error: str = ""

    @rx.event
    async def attach(self, uploads: list[rx.UploadFile]) -> AsyncIterator[Any]:
        """Send the picked files to the inbox; the next questions use documents ("on")."""
        self.uploading, self.error = True, ""
        yield
        parts = [(u.name or "upload", u.file, u.content_type or _BINARY) for u in uploads]
        try:
            saved = await api_knowledge.upload_documents(parts) if parts else []
        except api_client.ApiError as error:
            self.error = error.message
            saved = []
        finally:
            self.uploading = False
        if saved:
            yield await self._added(saved)

    @rx.event
    async def attach_text(self, text: str) -> Any:
        """Save the text in the box (one too long to ask) as a document of its own and empty
        the box for a question about it."""
        if not isinstance(text, str) or not text.strip():
            return None
        name = f"pasted-text-{time.strftime('%Y%m%d-%H%M%S')}.txt"
        self.uploading, self.error = True, ""
        try:
            saved = await api_knowledge.upload_documents(
                [(name, io.BytesIO(text.strip().encode("utf-8")), "text/plain")]
            )
        except api_client.ApiError as error:
            self.error = error.message
            return None
        finally:
            self.uploading = False
        chat = await self.get_state(ChatState)
        chat.refusal, chat.refusal_too_long = "", False
        return [rx.set_value(PROMPT_INPUT_ID, ""), await self._added(saved)]

    async def _added(self, saved: list[dict[str, Any]]) -> Any:
        """Show the saved files as chips, use documents from now on, follow their indexing."""
        self.files = self.files + [
            AttachedFile(str(item.get("name", "")), str(item.get("path", ""))) for item in saved
        ]
        chat = await self.get_state(ChatState)
        chat.use_knowledge = "on"
        return ChatAttachState.watch_indexing

    @rx.event(background=True)
    async def watch_indexing(self) -> None:
        """Follow the attached files until each is indexed (or failed)."""
        for _ in range(POLL_ROUNDS):
            async with self:
                waiting = [f for f in self.files if f.state not in DONE_STATES]
            if not waiting:
                return
            await asyncio.sleep(POLL_SECONDS)
            documents: list[dict[str, Any]] = []
            try:
                for file in waiting:
                    listing = await api_knowledge.list_documents(query=file.name, limit=20)
                    documents += list(listing.get("documents", []))
            except api_client.ApiError:
                continue
            async with self:
                self.files = with_states(self.files, documents)

    def clear(self) -> None:
        """Forget every chip (a new chat); the documents stay in the knowledge base."""
        self.files, self.error = [], ""

    @rx.event
    def remove(self, path: str) -> None:
        """Take a chip away; the document stays in the knowledge base."""
        self.files = [file for file in self.files if file.path != path]
