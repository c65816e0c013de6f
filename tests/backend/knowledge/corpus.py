"""Small real test files, good and bad, each with what parsing it should give.

``write_corpus(directory)`` writes them all; the ``write_*`` helpers make single files for
tests that need their own content.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from docx import Document
from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfWriter

PDF_PAGES = (
    "Page one is about apples. The orchard grows them in rows.",
    "Page two is about bananas. The café sells them ripe.",
)
USER_PASSWORD = "secret"


@dataclass(frozen=True)
class Sample:
    """A corpus file and the expected result of parsing it."""

    path: Path
    file_type: str | None  # None: no parser for this suffix
    failure: str | None = None  # how the ParseFailure reason starts, when parsing should fail
    contains: tuple[str, ...] = ()  # text the parsed document must include
    absent: tuple[str, ...] = ()  # text it must not include
    pages: tuple[int, ...] = ()  # PDF pages that have text, in order

    @property
    def outcome(self) -> Literal["indexed", "failed", "skipped"]:
        """The document state ingest should record for this file."""
        if self.file_type is None:
            return "skipped"
        return "failed" if self.failure else "indexed"


def write_corpus(directory: Path) -> list[Sample]:
    """Every good and bad sample, written into ``directory``."""
    return good_samples(directory) + bad_samples(directory)


def good_samples(directory: Path) -> list[Sample]:
    """Files that parse, one or more per supported type and encoding."""
    directory.mkdir(parents=True, exist_ok=True)

    def write(name: str, text: str) -> Path:
        return write_bytes(directory / name, text.encode("utf-8"))

    html = (
        "<!doctype html><html><head><title>Fruit Guide</title>"
        "<style>.menu { color: red }</style><script>var hidden = 'scriptonly';</script></head>"
        "<body><h1>Welcome Heading</h1><p>Fresh caf&eacute; &amp; pastries.</p>"
        "<ul><li>Cherries</li><li>Dates</li></ul><noscript>enable scripts</noscript></body></html>"
    )
    restricted = directory / "restricted.pdf"
    write_encrypted_pdf(restricted, user_password="")
    return [
        Sample(write("notes.txt", "Plain notes about the kiwi harvest.\n"), "txt", None, ("kiwi",)),
        Sample(write("guide.md", "# Mango Guide\n\nMangoes ripen in summer.\n"), "md", None,
               ("# Mango Guide", "ripen")),
        Sample(write("howto.rst", "Papaya\n======\n\nCut it in half.\n"), "rst", None, ("Papaya",)),
        Sample(write("prices.csv", "fruit,price\nlychee,3.50\n"), "csv", None, ("lychee,3.50",)),
        Sample(write("stock.json", json.dumps({"fruit": "quince", "count": 4})), "json", None,
               ('"quince"',)),
        Sample(write("page.html", html), "html", None,
               ("Fruit Guide", "Welcome Heading", "Fresh café & pastries.", "Cherries"),
               ("<", "scriptonly", "color", "enable scripts")),
        Sample(write("script.py", "def ripen(fruit):\n    return fruit + ' ripe'\n"), "code",
               None, ("def ripen(fruit):\n    return",)),
        Sample(write("deploy.yaml", "service: orchard\nreplicas: 2\n"), "code", None,
               ("orchard",)),
        Sample(write_text_pdf(directory / "report.pdf", PDF_PAGES), "pdf", None,
               ("apples", "bananas", "café"), (), (1, 2)),
        Sample(write_text_pdf(directory / "mixed.pdf", ["Melon text.", "", "Lemon text."]),
               "pdf", None, ("Melon", "Lemon"), (), (1, 3)),
        Sample(restricted, "pdf", None, ("apples",), (), (1, 2)),
        Sample(write_docx(directory / "letter.docx"), "docx", None,
               ("Orchard Letter", "Dear grower", "Variety | Yield", "Gala | 40 t")),
        Sample(write_bytes(directory / "utf16.txt", "Un café naïve.\n".encode("utf-16")), "txt",
               None, ("Un café naïve.",), ("\ufeff",)),
        Sample(write_bytes(directory / "utf8bom.md", "\ufeff# Crème brûlée\n".encode()), "md",
               None, ("# Crème brûlée",), ("\ufeff",)),
        Sample(write_bytes(directory / "latin1.txt",
                           "Le café est naïve à Noël.\n".encode("latin-1")), "txt", None,
               ("café", "naïve", "Noël")),
        Sample(write_bytes(directory / "broken-utf8.txt",
                           b"fig jam \xff caf\xc3\xa9 cr\xc3\xa8me\n"), "txt", None,
               ("fig jam \ufffd café crème",)),
        Sample(write("windows.txt", "line one\r\nline two\r\n"), "txt", None,
               ("line one\nline two",), ("\r",)),
    ]  # fmt: skip


def bad_samples(directory: Path) -> list[Sample]:
    """Files that are skipped or fail, each with the reason a person would see."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(4)
    not_word = io.BytesIO()
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("readme.txt", "this zip is not a Word document")
    locked = directory / "locked.pdf"
    write_encrypted_pdf(locked, user_password=USER_PASSWORD)
    binary = b"\x7fELF\x02\x01\x01" + bytes(2000) + rng.randbytes(2000)
    return [
        Sample(write_bytes(directory / "empty.txt", b""), "txt", "empty file"),
        Sample(write_bytes(directory / "empty.pdf", b""), "pdf", "empty file"),
        Sample(write_bytes(directory / "blank.md", b"  \n\t\n   \n"), "md", "no extractable text"),
        Sample(write_bytes(directory / "blank.html", b"<html><script>x()</script></html>"),
               "html", "no extractable text"),
        Sample(write_bytes(directory / "binary.txt", binary), "txt", "binary content, not text"),
        Sample(write_bytes(directory / "binary.py", rng.randbytes(4096)), "code",
               "binary content, not text"),
        Sample(locked, "pdf", "encrypted PDF"),
        Sample(write_scanned_pdf(directory / "scanned.pdf"), "pdf",
               "no extractable text (scanned PDF?)"),
        Sample(write_bytes(directory / "garbage.pdf", rng.randbytes(4096)), "pdf", "corrupt PDF"),
        Sample(write_bytes(directory / "garbage.docx", rng.randbytes(4096)), "docx",
               "corrupt DOCX"),
        Sample(write_bytes(directory / "not-word.docx", not_word.getvalue()), "docx",
               "corrupt DOCX"),
        Sample(write_docx(directory / "empty-body.docx", paragraphs=(), rows=()), "docx",
               "no extractable text"),
        Sample(write_bytes(directory / "photo.png", _png()), None),
        Sample(write_bytes(directory / "archive.xyz", b"unknown format"), None),
    ]  # fmt: skip


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_text_pdf(path: Path, pages: Sequence[str]) -> Path:
    """A PDF with a real text layer, one page per string; an empty string gives a drawn page."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text=text)
        else:
            pdf.rect(20, 20, 100, 60, style="F")
    return write_bytes(path, bytes(pdf.output()))


def write_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF whose pages are only pictures of text, like a scan without OCR."""
    picture = Image.new("L", (300, 120), color=255)
    ImageDraw.Draw(picture).text((10, 50), "scanned words", fill=0)
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(picture, x=20, y=20, w=150)
    return write_bytes(path, bytes(pdf.output()))


def write_encrypted_pdf(path: Path, user_password: str, pages: Sequence[str] = PDF_PAGES) -> Path:
    """A text PDF encrypted with AES-256; an empty user password opens without asking."""
    plain = io.BytesIO()
    write_text_pdf(path, pages)
    writer = PdfWriter(clone_from=path)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    writer.write(plain)
    return write_bytes(path, plain.getvalue())


def write_docx_bomb(path: Path, xml_mb: float, seed: str = "bomb") -> Path:
    """A small DOCX whose document.xml unpacks to ``xml_mb`` MB: the same paragraph again and
    again, which deflate packs about 700 to 1 (60 MB of XML in under 100 KB)."""
    plain = io.BytesIO()
    document = Document()
    document.add_paragraph(f"{seed} begins")
    document.save(plain)
    paragraph = b"<w:p><w:r><w:t>" + b"a" * 40 + b"</w:t></w:r></w:p>"
    count = int(xml_mb * 1_000_000 / len(paragraph))
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", paragraph * count + b"<w:sectPr", 1)
            bomb.writestr(part.filename, data)
    return path


def write_pdf_bomb(path: Path, content_mb: float, pages: int) -> Path:
    """A small PDF whose pages all draw one compressed content stream of ``content_mb`` MB of
    text: a few KB that extract to ``pages`` times that much text."""
    line = b"BT /F1 12 Tf 72 720 Td (" + b"a" * 200 + b") Tj ET\n"
    stream = zlib.compress(line * int(content_mb * 1_000_000 / len(line)), 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    font = 4 + pages
    page = (
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
        f"/Resources << /Font << /F1 {font} 0 R >> >> >>"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
        + stream
        + b"\nendstream",
        *([page] * pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    table = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{table}\n%%EOF\n".encode()
    return write_bytes(path, bytes(out))


def write_docx(
    path: Path,
    paragraphs: Sequence[str] = ("Dear grower,", "The harvest report follows."),
    rows: Sequence[Sequence[str]] = (("Variety", "Yield"), ("Gala", "40 t")),
    title: str = "Orchard Letter",
) -> Path:
    """A Word document: a heading (if any text is given), paragraphs and one table."""
    document = Document()
    if paragraphs or rows:
        document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), color=(200, 30, 30)).save(out, format="PNG")
    return out.getvalue()
