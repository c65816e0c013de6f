"""Documents that are zip archives (DOCX): checked for what they unpack to before a parser
opens them.

A DOCX of 88 KB can hold 60 MB of XML, which the XML parser turns into more than a gigabyte
in memory. The file size limit sees 88 KB; this sees the 60 MB. Only the parts that carry text
(XML) are unpacked at all, counting the bytes as they come out, so a part whose header claims
less than it holds is caught as well; pictures and other media are left packed.
"""

from __future__ import annotations

import io
import struct
import zipfile

from backend.knowledge.parsers.document import ParseFailure

# A real document has tens of parts, a large one a few thousand (one per picture).
MAX_PARTS = 10_000
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_TEXT_SUFFIXES = (".xml", ".rels")
_BLOCK = 1 << 16


class ArchiveTooLarge(ParseFailure):
    """The archive unpacks to more than the limit."""


def _too_large(kind: str, amount: str, limit_bytes: int) -> ArchiveTooLarge:
    return ArchiveTooLarge(
        f"the {kind} unpacks to {amount} of text markup, over the {limit_bytes / 1e6:g} MB "
        "limit for what a document may unpack to (AGENTDESK_MAX_UNPACKED_MB)"
    )


def _count_parts(data: bytes, kind: str) -> None:
    """Refuse an archive that lists more than MAX_PARTS parts, before zipfile reads its
    directory (an object per part: millions of tiny parts would fill the memory too)."""
    at = data.rfind(_END_RECORD, max(0, len(data) - 65_557))
    if at < 0 or at + _END_RECORD_SIZE > len(data):
        raise ParseFailure(f"corrupt {kind} (not a zip archive)")
    entries = struct.unpack_from("<H", data, at + 10)[0]
    directory_size = struct.unpack_from("<I", data, at + 12)[0]
    if entries > MAX_PARTS or directory_size > MAX_PARTS * 1024:
        raise ParseFailure(f"the {kind} has more than {MAX_PARTS:,} parts; it is not read")


def text_parts_only(data: bytes, kind: str, limit_bytes: int) -> bytes:
    """The archive again with its text parts unpacked and every other part emptied, or
    ArchiveTooLarge when the text parts come to more than ``limit_bytes``."""
    _count_parts(data, kind)
    # A damaged archive fails in zipfile with many exception types, NotImplementedError too.
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        parts = source.infolist()
    except Exception as error:
        raise ParseFailure(f"corrupt {kind}") from error
    texts = [p for p in parts if p.filename.lower().endswith(_TEXT_SUFFIXES)]
    text_ids = {id(p) for p in texts}
    declared = sum(part.file_size for part in texts)
    if declared > limit_bytes:
        raise _too_large(kind, f"{declared / 1e6:.1f} MB", limit_bytes)
    out = io.BytesIO()
    left = limit_bytes
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as slim:
            for part in parts:
                if part.is_dir():
                    continue
                if id(part) not in text_ids:
                    slim.writestr(part.filename, b"")
                    continue
                body = _read_bounded(source, part, left)
                if body is None:
                    raise _too_large(kind, "more than its header says", limit_bytes)
                left -= len(body)
                slim.writestr(part.filename, body)
    except ParseFailure:
        raise
    except Exception as error:
        raise ParseFailure(f"corrupt {kind}") from error
    return out.getvalue()


def _read_bounded(source: zipfile.ZipFile, part: zipfile.ZipInfo, left: int) -> bytes | None:
    """The part's bytes, or None as soon as they pass ``left``."""
    chunks: list[bytes] = []
    size = 0
    with source.open(part) as stream:
        while block := stream.read(_BLOCK):
            size += len(block)
            if size > left:
                return None
            chunks.append(block)
    return b"".join(chunks)
