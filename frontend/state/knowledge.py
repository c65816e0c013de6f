"""The Knowledge page: watched folders, uploads, ingest progress and the documents table."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any, ClassVar, TypeVar

import reflex as rx

from backend.api.schemas.knowledge import DocumentList
from frontend import api_client, api_knowledge
from frontend.state.knowledge_detail import DocumentDetailState
from frontend.state.knowledge_models import (
    DocumentRow,
    FolderRow,
    to_document_row,
    to_folder_row,
)
from frontend.state.knowledge_progress import IngestProgress, progress_of, status_signature
from frontend.state.knowledge_search import SearchState
from frontend.state.page_watcher import PageWatcher

DOCUMENT_FILTERS = ["all", "indexed", "pending", "failed", "skipped"]
_PAGE_SIZE = 100
FOLDER_INPUT_ID = "folder-path-input"
_BINARY = "application/octet-stream"
# Upload progress reports this soon after an upload was handled belong to that upload.
LATE_PROGRESS_SECONDS = 2.0
# A multipart body carries each file's headers on top of its bytes (as the API allows).
_ENVELOPE_BYTES = 64 * 1024
_LIMITS = api_knowledge.upload_limits()
T = TypeVar("T")


class KnowledgeState(PageWatcher, rx.State):
    """Everything on the Knowledge page except search and the document detail."""

    # Ingest moves quickly; the progress bar should follow it about once a second.
    _poll_seconds: ClassVar[float] = 1.0

    folders: list[FolderRow] = []
    folder_error: str = ""
    documents: list[DocumentRow] = []
    document_total: int = 0
    document_filter: str = "all"
    progress: IngestProgress = IngestProgress()
    uploading: bool = False
    upload_percent: int = 0
    upload_message: str = ""
    _upload_handled_at: float = 0.0
    upload_error: str = ""
    # The drop zone refuses a larger file before sending it (react-dropzone's maxSize).
    upload_max_bytes: int = _LIMITS.file_bytes
    _upload_refused_at: float = 0.0
    error: str = ""
    _baseline: int | None = None
    _signature: str = ""
    _status_failed: bool = False

    @rx.event
    async def load_page(self) -> Any:
        """Read folders, documents and status; open the document named in ``?document=``."""
        self.error = self.folder_error = self.upload_error = self.upload_message = ""
        await self._refresh_folders()
        await self._refresh_status()
        await self._refresh_documents()
        wanted = self.router.url.query_parameters.get("document", "")
        if wanted.isdigit():
            return DocumentDetailState.open_document(int(wanted))
        # A dialog left open on an earlier visit should not greet the next one.
        return DocumentDetailState.set_open(False)

    @rx.event
    async def add_folder(self, form_data: dict[str, Any]) -> Any:
        """Watch the folder typed into the form; the server's refusal shows under the field."""
        path = str(form_data.get("path", "")).strip()
        if not path:
            self.folder_error = "Type the full path of a folder first."
            return None
        try:
            await api_knowledge.add_folder(path)
        except api_client.ApiError as error:
            # The typed path stays in the field so it can be corrected.
            self.folder_error = error.message
            return None
        self.folder_error = ""
        await self._refresh_folders()
        await self._refresh_status()
        return rx.set_value(FOLDER_INPUT_ID, "")

    @rx.event
    async def remove_folder(self, folder_id: int) -> None:
        """Stop watching a folder; its documents leave the index, its files stay."""
        try:
            await api_knowledge.remove_folder(folder_id)
        except api_client.ApiError as error:
            self.error = error.message
            return
        await self._refresh_folders()
        await self._refresh_documents()

    @rx.event
    async def set_document_filter(self, value: str | list[str]) -> None:
        """Show only documents in one state (or all)."""
        self.document_filter = (
            value if isinstance(value, str) and value in DOCUMENT_FILTERS else "all"
        )
        await self._refresh_documents()

    @rx.event
    def upload_progress(self, progress: dict[str, Any]) -> None:
        """Browser-side progress while the files travel to the UI server."""
        fraction = float(progress.get("progress") or 0)
        now = time.monotonic()
        # Reports travel apart from the upload and can arrive after it was handled (the final
        # one, or a late one for a larger file): they must not reopen it or clear its message.
        late = now - max(self._upload_handled_at, self._upload_refused_at) < LATE_PROGRESS_SECONDS
        if int(progress.get("total") or 0) > _LIMITS.total_bytes + _ENVELOPE_BYTES:
            # The server refuses it unread; the page would otherwise wait for it for ever.
            self.uploading, self.upload_percent, self.upload_message = False, 0, ""
            self.upload_error = (
                f"These files come to more than {_LIMITS.total_mb:g} MB, the most one upload "
                "may carry (AGENTDESK_UPLOAD_TOTAL_MB); nothing was saved. Drop fewer at a time."
            )
            self._upload_refused_at = now
            return
        if fraction < 1 and not late:
            self.uploading, self.upload_error, self.upload_message = True, "", ""
            self.upload_percent = round(fraction * 100)

    @rx.event
    def upload_rejected(self, rejected: list[str]) -> None:
        """Files the drop zone refused (over AGENTDESK_UPLOAD_MAX_MB): none of them was sent."""
        names = ", ".join(f"'{name}'" for name in rejected)
        self.upload_error = (
            f"{names} {'is' if len(rejected) == 1 else 'are'} larger than the upload limit of "
            f"{_LIMITS.file_mb:g} MB (AGENTDESK_UPLOAD_MAX_MB) and not uploaded; copy large "
            "files into a watched folder instead."
        )
        self.upload_message = ""
        self._upload_refused_at = time.monotonic()

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> AsyncIterator[None]:
        """Forward the dropped or picked files to the API, which queues them for indexing."""
        self.uploading, self.upload_message = True, ""
        if time.monotonic() - self._upload_refused_at > LATE_PROGRESS_SECONDS:
            # Unless it says which files of this same drop were refused.
            self.upload_error = ""
        self.upload_percent = 100
        yield
        parts = [
            (upload.name or "upload", upload.file, upload.content_type or _BINARY)
            for upload in files
        ]
        try:
            if parts:
                saved = await api_knowledge.upload_documents(parts)
                names = ", ".join(str(item.get("name", "")) for item in saved)
                plural = "" if len(saved) == 1 else "s"
                self.upload_message = f"Uploaded {len(saved)} file{plural}: {names}"
        except api_client.ApiError as error:
            self.upload_error = error.message
        finally:
            self.uploading, self.upload_percent = False, 0
            self._upload_handled_at = time.monotonic()
        await self._refresh_status()
        await self._refresh_documents()

    @rx.event
    async def delete_document(self, document_id: int) -> Any:
        """Remove a document from the index (a watched file moves to the trash)."""
        try:
            await api_knowledge.delete_document(document_id)
        except api_client.ApiError as error:
            self.error = error.message
            return None
        await self._refresh_documents()
        await self._refresh_folders()
        return [
            DocumentDetailState.forget(document_id),
            SearchState.forget_document(document_id),
        ]

    @rx.event
    def dismiss_error(self) -> None:
        """Hide the error banner."""
        self.error = ""

    def _poll_read(self) -> Awaitable[StatusPoll]:
        return _poll_status(self._signature, self.document_filter)

    def _poll_apply(self, polled: StatusPoll) -> None:
        self._apply_status(polled.status, polled.status_error)
        if polled.documents_read and polled.document_filter == self.document_filter:
            self._apply_documents(polled.listing, polled.list_error)
        if polled.folders is not None:
            self.folders = [to_folder_row(item) for item in polled.folders]

    def _apply_status(self, status: dict[str, Any] | None, error: str) -> None:
        """Show a status body, or why it could not be read."""
        if status is None:
            self.error, self._status_failed = error, True
            return
        if self._status_failed:
            # The server is back: the "cannot reach" banner no longer applies.
            self.error, self._status_failed = "", False
        self.progress, self._baseline = progress_of(status, self._baseline)
        self._signature = status_signature(status)

    def _apply_documents(self, listing: dict[str, Any] | None, error: str) -> None:
        if listing is None:
            self.error = error
            return
        page = DocumentList.model_validate(listing)
        self.documents = [to_document_row(document) for document in page.documents]
        self.document_total = page.total

    async def _refresh_folders(self) -> None:
        folders, error = await _fetch(api_knowledge.list_folders())
        if folders is None:
            self.error = error
            return
        self.folders = [to_folder_row(item) for item in folders]

    async def _refresh_documents(self) -> None:
        listing, error = await _fetch(_list_documents(self.document_filter))
        self._apply_documents(listing, error)

    async def _refresh_status(self) -> None:
        status, error = await _fetch(api_knowledge.knowledge_status())
        self._apply_status(status, error)


@dataclasses.dataclass
class StatusPoll:
    """One status poll; the documents and folders are read too when the status changed."""

    status: dict[str, Any] | None
    status_error: str
    document_filter: str
    documents_read: bool = False
    listing: dict[str, Any] | None = None
    list_error: str = ""
    folders: list[dict[str, Any]] | None = None


async def _poll_status(signature: str, document_filter: str) -> StatusPoll:
    """The ingest status and, when it differs from ``signature``, the documents and folders."""
    status, error = await _fetch(api_knowledge.knowledge_status())
    polled = StatusPoll(status, error, document_filter)
    if status is not None and status_signature(status) != signature:
        polled.listing, polled.list_error = await _fetch(_list_documents(document_filter))
        polled.documents_read = True
        polled.folders, _ = await _fetch(api_knowledge.list_folders())
    return polled


async def _list_documents(document_filter: str) -> dict[str, Any]:
    state = "" if document_filter == "all" else document_filter
    return await api_knowledge.list_documents(state=state, limit=_PAGE_SIZE)


async def _fetch(call: Awaitable[T]) -> tuple[T | None, str]:
    """Await an API call; ``(result, "")`` or ``(None, reason)``."""
    try:
        return await call, ""
    except api_client.ApiError as error:
        return None, error.message
