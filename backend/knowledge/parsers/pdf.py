"""PDF files: one section per page with its text layer, numbered from 1."""

from __future__ import annotations

import io

from backend.knowledge.parsers.document import ParseFailure, RawSection, clean_text

_MAX_DETAIL = 80
_HEADER = b"%PDF-"
_HEADER_WINDOW = 1024


def parse_pdf(data: bytes, max_text_bytes: int) -> list[RawSection]:
    """Each page's text; failures name the cause (encrypted, scanned, corrupt, or more text
    than ``max_text_bytes``: pages can draw one small compressed stream again and again)."""
    # Readers accept a header a little way in; no header at all is a file misnamed as PDF.
    if _HEADER not in data[:_HEADER_WINDOW]:
        raise ParseFailure("corrupt PDF: not a PDF file")
    # Imported here so that starting the app does not pay for pypdf.
    from pypdf import PasswordType, PdfReader

    # pypdf raises many exception types (ValueError, KeyError, its own errors...) on
    # malformed files, and any of them means the same to a person: the file is damaged.
    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:
        raise ParseFailure(f"corrupt PDF: {_detail(exc)}") from exc
    if reader.is_encrypted:
        # Many PDFs only restrict printing or editing: they open with an empty password.
        try:
            unlocked = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:
            unlocked = False
        if not unlocked:
            raise ParseFailure("encrypted PDF")
    pages: list[RawSection] = []
    drawn = 0
    try:
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            drawn += len(text.encode("utf-8", "surrogatepass"))
            if drawn > max_text_bytes:
                raise ParseFailure(
                    f"the PDF unpacks to more than {max_text_bytes / 1e6:g} MB of text by page "
                    f"{number}, the limit for what a document may unpack to "
                    "(AGENTDESK_MAX_UNPACKED_MB)"
                )
            pages.append(RawSection(text, number))
    except ParseFailure:
        raise
    except Exception as exc:
        raise ParseFailure(f"corrupt PDF: {_detail(exc)}") from exc
    if pages and not any(clean_text(page.text).strip() for page in pages):
        raise ParseFailure("no extractable text (scanned PDF?)")
    if pages:
        pages[0] = pages[0]._replace(title=_title(reader))
    return pages


def _title(reader: object) -> str:
    """The title in the PDF's properties, "" if none or unreadable (it is only a search aid)."""
    try:
        title = getattr(getattr(reader, "metadata", None), "title", None)
    except Exception:
        return ""
    return title if isinstance(title, str) else ""


def _detail(exc: Exception) -> str:
    """The first line of the error, short enough for a status list."""
    lines = str(exc).strip().splitlines()
    detail = lines[0] if lines else type(exc).__name__
    return detail if len(detail) <= _MAX_DETAIL else detail[: _MAX_DETAIL - 1] + "…"
