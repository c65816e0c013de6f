"""Files attached from the chat box: uploaded to the knowledge inbox like a Knowledge page
upload, shown as chips with their indexing state, and used by the next question."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import reflex as rx

from frontend import api_client
from frontend.state.chat import ChatState

ATTACH_ID = "chat-attach"
# A second picker, offered under a prompt refused as too long.
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
    async def attach(self, uploads: list[rx.UploadFile]) -> Any:
        """Send the picked files to the inbox; the next questions use documents ("on")."""
        self.uploading, self.error = True, ""
        yield
        parts = [(u.name or "upload", u.file, u.content_type or _BINARY) for u in uploads]
        try:
            saved = await api_client.upload_documents(parts) if parts else []
        except api_client.ApiError as error:
            self.error = error.message
            saved = []
        finally:
            self.uploading = False
        if not saved:
            return
        self.files = self.files + [
            AttachedFile(str(item.get("name", "")), str(item.get("path", ""))) for item in saved
        ]
        chat = await self.get_state(ChatState)
        chat.use_knowledge = "on"
        yield ChatAttachState.watch_indexing

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
                    listing = await api_client.list_documents(query=file.name, limit=20)
                    documents += list(listing.get("documents", []))
            except api_client.ApiError:
                continue
            async with self:
                self.files = with_states(self.files, documents)

    @rx.event
    def remove(self, path: str) -> None:
        """Take a chip away; the document stays in the knowledge base."""
        self.files = [file for file in self.files if file.path != path]
