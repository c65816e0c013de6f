"""Parsers: every corpus file gives the expected type, text or failure reason."""

from __future__ import annotations

import codecs
import contextlib
import io
import random
from pathlib import Path

import pytest
from docx import Document

from backend.knowledge.parsers import (
    FORMATS,
    ParsedDocument,
    ParseFailure,
    Unsupported,
    file_type_of,
    parse_file,
)
from backend.knowledge.parsers.document import SECTION_SEPARATOR
from tests.backend.knowledge.corpus import (
    Sample,
    write_bytes,
    write_corpus,
    write_docx,
    write_text_pdf,
)

FILE_TYPES = {"txt", "md", "rst", "csv", "json", "html", "pdf", "docx", "code"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Sample]:
    samples = write_corpus(tmp_path_factory.mktemp("corpus"))
    return {sample.path.name: sample for sample in samples}


def parse_bytes(tmp_path: Path, name: str, data: bytes) -> ParsedDocument:
    return parse_file(write_bytes(tmp_path / name, data))


def failure_of(path: Path) -> str:
    with pytest.raises(ParseFailure) as caught:
        parse_file(path)
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


def check_sections(doc: ParsedDocument) -> None:
    """Sections are non-blank, in order, and tile the text with blank-line separators."""
    assert doc.text == SECTION_SEPARATOR.join(section.text for section in doc.sections)
    for section in doc.sections:
        assert section.text.strip()
        assert doc.text[section.start : section.start + len(section.text)] == section.text


def test_every_corpus_file_has_its_expected_outcome(corpus: dict[str, Sample]) -> None:
    problems = []
    for name, sample in corpus.items():
        assert file_type_of(sample.path) == sample.file_type, name
        try:
            doc = parse_file(sample.path)
        except Unsupported:
            outcome, detail = "skipped", ""
        except ParseFailure as failure:
            outcome, detail = "failed", failure.reason
        else:
            outcome, detail = "indexed", ""
            check_sections(doc)
            problems += [f"{name}: missing {t!r}" for t in sample.contains if t not in doc.text]
            problems += [f"{name}: has {t!r}" for t in sample.absent if t in doc.text]
            if sample.pages:
                assert tuple(section.page for section in doc.sections) == sample.pages, name
            assert doc.file_type == sample.file_type
        if outcome != sample.outcome or not detail.startswith(sample.failure or ""):
            problems.append(f"{name}: {outcome} {detail!r}, expected {sample.outcome}")
    assert problems == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "txt"),
        ("A.MD", "md"),
        ("notes.markdown", "md"),
        ("x.rst", "rst"),
        ("t.csv", "csv"),
        ("d.json", "json"),
        ("p.HTM", "html"),
        ("p.html", "html"),
        ("r.Pdf", "pdf"),
        ("w.docx", "docx"),
        ("m.py", "code"),
        ("m.ts", "code"),
        ("Main.java", "code"),
        ("lib.rs", "code"),
        ("q.sql", "code"),
        ("c.yml", "code"),
        ("s.css", "code"),
        ("image.png", None),
        ("old.doc", None),
        ("Makefile", None),
        ("archive.tar.gz", None),
        ("prod.env", None),
    ],
)
def test_file_type_follows_the_suffix(name: str, expected: str | None) -> None:
    assert file_type_of(Path("some/dir") / name) == expected


def test_registry_uses_only_known_file_types() -> None:
    assert {fmt.file_type for fmt in FORMATS.values()} == FILE_TYPES
    assert all(suffix == suffix.lower() and suffix.startswith(".") for suffix in FORMATS)


def test_unsupported_suffix_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(Unsupported, match=r"unsupported type: \.png"):
        parse_file(tmp_path / "missing.png")


def test_pdf_has_one_section_per_page_numbered_from_one(corpus: dict[str, Sample]) -> None:
    doc = parse_file(corpus["report.pdf"].path)
    assert [section.page for section in doc.sections] == [1, 2]
    assert "apples" in doc.sections[0].text and "bananas" not in doc.sections[0].text
    assert "bananas" in doc.sections[1].text and "café" in doc.sections[1].text


def test_pdf_pages_without_text_keep_the_numbering(corpus: dict[str, Sample]) -> None:
    doc = parse_file(corpus["mixed.pdf"].path)
    assert [(section.page, section.text) for section in doc.sections] == [
        (1, "Melon text."),
        (3, "Lemon text."),
    ]


def test_pdf_failures_say_why(tmp_path: Path, corpus: dict[str, Sample]) -> None:
    assert failure_of(corpus["locked.pdf"].path) == "encrypted PDF"
    assert failure_of(corpus["scanned.pdf"].path) == "no extractable text (scanned PDF?)"
    assert failure_of(corpus["garbage.pdf"].path) == "corrupt PDF: not a PDF file"
    real = write_text_pdf(tmp_path / "whole.pdf", ["first page", "second page"]).read_bytes()
    truncated = write_bytes(tmp_path / "truncated.pdf", real[: len(real) // 2])
    reason = failure_of(truncated)
    assert reason.startswith("corrupt PDF: ") and len(reason) < 100


def test_docx_keeps_paragraphs_and_tables_in_reading_order(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=3, cols=3)
    rows = [("A", "B", "C"), ("1", "2", "3"), ("x", "y", "z")]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Merged"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Tall"
    table.cell(2, 0).add_table(rows=1, cols=2).rows[0].cells[1].text = "Nested"
    document.add_paragraph("After the table.")
    buffer = io.BytesIO()
    document.save(buffer)

    doc = parse_bytes(tmp_path, "tables.docx", buffer.getvalue())

    assert doc.text.split("\n") == [
        "Before the table.",
        "Merged | C",
        "1 | 2 | Tall",
        "x Nested | y",
        "After the table.",
    ]


def test_docx_heading_paragraphs_and_table_cells(corpus: dict[str, Sample]) -> None:
    doc = parse_file(corpus["letter.docx"].path)
    assert doc.text == (
        "Orchard Letter\nDear grower,\nThe harvest report follows.\nVariety | Yield\nGala | 40 t"
    )
    assert [section.page for section in doc.sections] == [None]


def test_html_keeps_headings_and_text_without_markup(tmp_path: Path) -> None:
    page = (
        "<html><head><title>T</title><style>p { color: red }</style></head><body>"
        "<h2>Section   Two</h2><p>One<br>Two &lt;tag&gt; &#233;t&eacute;</p>"
        "<script type='module'>alert('x < y')</script>"
        "<pre>def f():\n    return 1\n</pre><p>inline <b>bold</b> <i>words</i></p>"
        "<table><tr><td>cell a</td><td>cell b</td></tr></table></body></html>"
    )
    doc = parse_bytes(tmp_path, "p.html", page.encode())
    assert doc.text.split("\n") == [
        "T",
        "Section Two",
        "One",
        "Two <tag> été",
        "def f():",
        "    return 1",
        "inline bold words",
        "cell a",
        "cell b",
    ]


@pytest.mark.parametrize(
    "markup",
    ["<!", "<![CDATA[", "<div", "</p></p><p", "<!-- open", "<?php echo 1 ?> text", "<a href='x"],
)
def test_malformed_html_never_raises_anything_else(tmp_path: Path, markup: str) -> None:
    try:
        parse_bytes(tmp_path, "bad.html", f"<p>start</p>{markup}".encode())
    except ParseFailure as failure:
        assert failure.reason in {"malformed HTML", "no extractable text"}


FRENCH = "Un café naïve à Noël."
RUSSIAN = "Привет мир, это тестовый текст на русском языке."
JAPANESE = "日本語のテキストです。これは長めの文章で、文字コードを判定します。"
SMART = "“Smart” quotes – 5€ café"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (FRENCH.encode("utf-16"), FRENCH),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), FRENCH),
        (FRENCH.encode("utf-32"), FRENCH),
        (codecs.BOM_UTF8 + FRENCH.encode(), FRENCH),
        ((FRENCH + " Sans marque d'ordre.").encode("utf-16-le"), FRENCH + " Sans marque d'ordre."),
        (FRENCH.encode("latin-1"), FRENCH),
        ("Grüße".encode("latin-1"), "Grüße"),
        (SMART.encode("cp1252"), SMART),
        (RUSSIAN.encode("cp1251"), RUSSIAN),
        (JAPANESE.encode("shift_jis"), JAPANESE),
    ],
)
def test_text_encodings_are_detected(tmp_path: Path, data: bytes, expected: str) -> None:
    assert parse_bytes(tmp_path, "t.txt", data).text == expected


def test_invalid_utf8_bytes_are_replaced_not_fatal(tmp_path: Path) -> None:
    data = "Voilà: café, naïve, crème.".encode() + b" \x80 end \xc3"
    doc = parse_bytes(tmp_path, "t.md", data)
    assert doc.text == "Voilà: café, naïve, crème. \ufffd end \ufffd"


def test_stray_nul_bytes_are_dropped_but_binary_fails(tmp_path: Path) -> None:
    doc = parse_bytes(tmp_path, "t.txt", b"a log line\x00 with one NUL\n" * 20)
    assert "\x00" not in doc.text and "with one NUL" in doc.text
    assert failure_of(write_bytes(tmp_path / "b.json", bytes(300))) == "binary content, not text"


def test_empty_and_blank_files(tmp_path: Path) -> None:
    for name in ("e.txt", "e.pdf", "e.docx", "e.html", "e.py"):
        assert failure_of(write_bytes(tmp_path / name, b"")) == "empty file"
    for name in ("w.txt", "w.md", "w.html", "w.py"):
        blank = write_bytes(tmp_path / name, " \r\n\t\n\u3000".encode())
        assert failure_of(blank) == "no extractable text"
    assert failure_of(write_docx(tmp_path / "w.docx", ["  "], [[" ", ""]], title=" ")) == (
        "no extractable text"
    )


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html", ".txt", ".json", ".py"])
def test_damaged_files_only_raise_parse_failure(tmp_path: Path, suffix: str) -> None:
    rng = random.Random(suffix)
    if suffix == ".pdf":
        original = write_text_pdf(tmp_path / "o.pdf", ["alpha beta", "gamma"]).read_bytes()
    elif suffix == ".docx":
        original = write_docx(tmp_path / "o.docx").read_bytes()
    else:
        original = '<p>héllo wörld</p> {"k": 1}\n'.encode() * 40
    for attempt in range(25):
        data = bytearray(original)
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if attempt % 5 == 0:
            data = data[: rng.randrange(1, len(data))]
        with contextlib.suppress(ParseFailure):
            parse_bytes(tmp_path, f"damaged{suffix}", bytes(data))
