"""UploadLimit: the upload caps checked while the body arrives, not after it was stored.

FastAPI (and Reflex, for the dashboard's ``/_upload``) read a whole multipart body into
temporary files before any route runs, so a cap checked by the route comes after the disk has
taken everything. Here the declared length is checked before a byte is read, and the bytes are
counted as they pass, per file and in all: the request ends with 413 as soon as a count goes
over its cap, and nothing past the cap is ever read.
"""

from __future__ import annotations

from collections.abc import Callable

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.knowledge.upload_names import safe_name
from backend.knowledge.uploads import too_large_message
from backend.security import send_json

# The API's upload route, and the one the dashboard's drop zone sends to (Reflex's).
API_UPLOAD = "/api/knowledge/upload"
DASHBOARD_UPLOAD = "/_upload"
UPLOAD_PATHS = frozenset({API_UPLOAD, DASHBOARD_UPLOAD})
# Room for the parts' headers and boundaries on top of the files' own bytes.
ENVELOPE_BYTES = 64 * 1024
_HEADER_BYTES = 4096


class UploadRefused(HTTPException):
    """An upload over a cap; raised while its body is being read."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail, {"Connection": "close"})


class PartCounter:
    """Counts each multipart part's bytes as they pass; UploadRefused when one is too large.

    Malformed multipart is not this class's business: it stops counting parts and leaves the
    error to the form parser that reads the body for real (the total is still counted).
    """

    def __init__(self, boundary: bytes, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.filename = ""
        self._field = b""
        self._value = b""
        self.broken = False
        callbacks: dict[str, Callable[..., None]] = {
            "on_part_begin": self._begin,
            "on_part_data": self._data,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
        }
        self._parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]

    def feed(self, chunk: bytes) -> None:
        if self.broken or not chunk:
            return
        try:
            self._parser.write(chunk)
        except UploadRefused:
            raise
        except Exception:
            self.broken = True

    def _begin(self) -> None:
        self.size, self.filename, self._field, self._value = 0, "", b"", b""

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.size += end - start
        if self.size > self.limit:
            raise UploadRefused(too_large_message(safe_name(self.filename), self.limit))

    # Only the start of a part's headers is kept: the file name is all that is wanted of them.
    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field = (self._field + data[start:end])[:_HEADER_BYTES]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value = (self._value + data[start:end])[:_HEADER_BYTES]

    def _header_end(self) -> None:
        if self._field.lower() == b"content-disposition":
            options = parse_options_header(self._value)[1]
            self.filename = options.get(b"filename", b"").decode("utf-8", "replace")
        self._field, self._value = b"", b""


def _boundary(headers: dict[bytes, bytes]) -> bytes | None:
    kind, options = parse_options_header(headers.get(b"content-type", b""))
    return options.get(b"boundary") if kind == b"multipart/form-data" else None


class UploadLimit:
    """413 for an upload whose declared length, one of whose files, or whose whole body is
    over its cap, before more than the cap is read."""

    def __init__(self, app: ASGIApp, per_file_bytes: int, total_bytes: int) -> None:
        self.app = app
        self.per_file = per_file_bytes
        self.total = total_bytes

    def _total_message(self) -> str:
        return (
            f"This upload is larger than {self.total / 1e6:g} MB in all "
            "(AGENTDESK_UPLOAD_TOTAL_MB); nothing from it was saved. Send fewer files at a "
            "time, or copy large files into a watched folder."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in UPLOAD_PATHS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        cap = self.total + ENVELOPE_BYTES
        declared = headers.get(b"content-length", b"")
        # The dashboard learns the size from the browser's first progress report and says
        # why (frontend/state/knowledge.py); a browser refused before it sent a byte reports
        # nothing, so its upload is cut off at the cap instead.
        early = scope["path"] == API_UPLOAD
        if early and declared.isdigit() and int(declared) > cap:
            await _refuse(send, self._total_message())
            return
        boundary = _boundary(headers)
        parts = PartCounter(boundary, self.per_file) if boundary else None
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen += len(chunk)
                if seen > cap:
                    raise UploadRefused(self._total_message())
                if parts is not None:
                    parts.feed(chunk)
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except UploadRefused as refused:
            # Answered here when the app under it let the refusal through unanswered.
            if started:
                raise
            await _refuse(send, str(refused.detail))


async def _refuse(send: Send, detail: str) -> None:
    await send_json(send, 413, {"detail": detail}, [(b"connection", b"close")])
