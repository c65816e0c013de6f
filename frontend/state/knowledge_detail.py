"""The document detail dialog: one document's facts and its chunks."""

from __future__ import annotations

import reflex as rx

from backend.api.schemas.knowledge import DocumentDetail
from frontend import api_client, api_knowledge
from frontend.state.knowledge_models import (
    ChunkRow,
    DocumentRow,
    placeholder_row,
    to_chunk_row,
    to_document_row,
)

_EMPTY = placeholder_row()


class DocumentDetailState(rx.State):
    """Which document the dialog shows, if any."""

    is_open: bool = False
    loading: bool = False
    document: DocumentRow = _EMPTY
    chunks: list[ChunkRow] = []
    error: str = ""

    @rx.event
    async def open_document(self, document_id: int) -> None:
        """Open the dialog and load the document with its chunks."""
        self.is_open, self.loading, self.error = True, True, ""
        self.document = placeholder_row(document_id, "Loading…")
        self.chunks = []
        try:
            raw = await api_knowledge.get_document(document_id)
        except api_client.ApiError as error:
            self.error = error.message
            self.loading = False
            return
        detail = DocumentDetail.model_validate(raw)
        self.document = to_document_row(detail)
        self.chunks = [to_chunk_row(chunk) for chunk in detail.chunks]
        self.loading = False

    @rx.event
    def set_open(self, value: bool) -> None:
        """Follow the dialog's own open/close (Escape, overlay click, close button)."""
        self.is_open = value

    @rx.event
    def forget(self, document_id: int) -> None:
        """Close the dialog when the document it shows was deleted."""
        if self.document.id == document_id:
            self.is_open = False
            self.chunks = []
