"""Documents are checked for what they unpack to: a DOCX (a zip archive) before it is parsed,
a PDF page by page as its text comes out."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

import pytest
from docx import Document

from backend.knowledge.parsers import ParseFailure, parse_file
from backend.knowledge.parsers.archive import MAX_PARTS
from tests.backend.knowledge.corpus import write_docx, write_docx_bomb, write_pdf_bomb

LIMIT = "AGENTDESK_MAX_UNPACKED_MB"


def failure(path: Path, limit: int = 20_000_000) -> str:
    with pytest.raises(ParseFailure) as caught:
        parse_file(path, limit)
    return caught.value.reason


def test_a_docx_bomb_fails_with_what_it_unpacks_to(tmp_path: Path) -> None:
    bomb = write_docx_bomb(tmp_path / "bomb.docx", xml_mb=60)
    assert bomb.stat().st_size < 300_000  # the file size limit sees a quarter of a MB
    reason = failure(bomb)
    assert reason.startswith("the DOCX unpacks to 60.") and LIMIT in reason
    assert "over the 20 MB limit" in reason


def test_the_limit_is_the_callers(tmp_path: Path) -> None:
    small = write_docx_bomb(tmp_path / "small.docx", xml_mb=2, seed="smallish")
    assert "over the 1 MB limit" in failure(small, 1_000_000)
    assert parse_file(small, 3_000_000).text.startswith("smallish begins")


def _lie_about_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """The archive with ``name``'s uncompressed size written as ``size`` in both headers."""
    patched = bytearray(data)
    local = patched.find(b"PK\x03\x04")
    while local >= 0:
        name_length = struct.unpack_from("<H", patched, local + 26)[0]
        if patched[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", patched, local + 22, size)
        local = patched.find(b"PK\x03\x04", local + 4)
    central = patched.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if patched[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", patched, central + 24, size)
        central = patched.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def test_headers_that_understate_the_size_do_not_get_more_through(tmp_path: Path) -> None:
    bomb = write_docx_bomb(tmp_path / "bomb.docx", xml_mb=60)
    liar = tmp_path / "liar.docx"
    liar.write_bytes(_lie_about_sizes(bomb.read_bytes(), b"word/document.xml", 5_000))
    reason = failure(liar)
    assert reason in ("corrupt DOCX", "no extractable text") or LIMIT in reason


def test_pictures_are_not_unpacked_and_do_not_count(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "photos.docx", paragraphs=("Harvest photos follow.",))
    photo = random.Random(3).randbytes(3_000_000)
    data = io.BytesIO()
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for part in source.infolist():
            out.writestr(part, source.read(part.filename))
        out.writestr("word/media/image1.png", photo)
    path.write_bytes(data.getvalue())
    parsed = parse_file(path, 1_000_000)
    assert "Harvest photos follow." in parsed.text


def test_an_archive_of_too_many_parts_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "parts.docx"
    with zipfile.ZipFile(path, "w") as out:
        for number in range(MAX_PARTS + 1):
            out.writestr(f"p/{number}", b"")
    assert "more than 10,000 parts" in failure(path)


def test_an_ordinary_docx_still_reads_whole(tmp_path: Path) -> None:
    document = Document()
    for number in range(200):
        document.add_paragraph(f"Paragraph {number} of the orchard report.")
    document.save(str(tmp_path / "report.docx"))
    parsed = parse_file(tmp_path / "report.docx")
    assert parsed.text.count("of the orchard report.") == 200


def test_a_pdf_that_draws_more_text_than_the_limit_stops_there(tmp_path: Path) -> None:
    bomb = write_pdf_bomb(tmp_path / "bomb.pdf", content_mb=0.2, pages=8)
    assert bomb.stat().st_size < 10_000
    reason = failure(bomb, 500_000)
    assert (
        reason.startswith("the PDF unpacks to more than 0.5 MB of text by page 3")
        and LIMIT in reason
    )
    assert len(parse_file(bomb, 20_000_000).sections) == 8
