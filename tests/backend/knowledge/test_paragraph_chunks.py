"""Chunks follow paragraphs and carry their document's title and heading for matching, while
the text a user is shown stays the passage itself."""

from __future__ import annotations

import random
import re
from itertools import pairwise
from pathlib import Path

import pytest
from docx import Document as WordDocument
from pypdf import PdfWriter

from backend.knowledge.chunking import ChunkPiece, split_document
from backend.knowledge.context import context_of, document_title
from backend.knowledge.parsers import ParsedDocument, parse_file
from backend.knowledge.parsers.document import Heading, RawSection, assemble
from tests.backend.knowledge.corpus import write_text_pdf
from tests.backend.knowledge.test_chunking import check_pieces, uncovered

WORDS = ("river", "stone", "lantern", "meadow", "copper", "harbour", "violin", "orchard")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 12))]
    return " ".join(words).capitalize() + rng.choice([".", "!", "?", '."'])


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def plain(text: str) -> ParsedDocument:
    return assemble("txt", [RawSection(text)])


def markdown(path: Path, text: str) -> ParsedDocument:
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


@pytest.mark.parametrize("seed", range(30))
def test_paragraphs_that_fit_are_never_cut_and_short_ones_are_merged(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.choice([150, 300, 600])
    paragraphs = [paragraph(rng, rng.randint(1, 3)) for _ in range(rng.randint(2, 25))]
    paragraphs = [p for p in paragraphs if len(p) <= size] or ["Short."]
    doc = plain("\n\n".join(paragraphs))
    starts = {m.start() for m in re.finditer(r"(?:^|(?<=\n\n))\S", doc.text)}
    ends = {m.end() for m in re.finditer(r"\S(?=\n\n|$)", doc.text)}

    pieces = split_document(doc, size, size // 5)

    check_pieces(doc, pieces, size)
    assert uncovered(doc, pieces) == ""
    assert all(p.start in starts and p.end in ends for p in pieces)
    # Merged up to the size: the next paragraph would not have fitted in the chunk before it.
    for earlier, later in pairwise(pieces):
        next_end = min(end for end in ends if end > earlier.end)
        assert next_end - earlier.start > size
        assert later.start >= earlier.end, "whole paragraphs are never repeated"


@pytest.mark.parametrize("seed", range(20))
def test_a_long_paragraph_is_split_at_sentence_ends(seed: int) -> None:
    rng = random.Random(seed)
    doc = plain(paragraph(rng, 40))
    size, overlap = rng.choice([(200, 0), (300, 60), (500, 120)])

    pieces = split_document(doc, size, overlap)

    check_pieces(doc, pieces, size)
    assert uncovered(doc, pieces) == ""
    assert len(pieces) > 2
    assert all(re.search(r"[.!?]\"?$", p.text) for p in pieces)
    assert all(re.match(r"[A-Z]", p.text) for p in pieces)
    for a, b in pairwise(pieces):
        # The next chunk repeats the last sentence(s) when they fit in the overlap.
        last = a.start + max(m.end() for m in re.finditer(r"^|[.!?]\"? ", a.text))
        fits = a.end - last <= overlap and b.end - last <= size
        assert (b.start < a.end) == fits
        assert b.start <= last or not fits
        assert a.end - b.start <= overlap


def test_each_chunk_carries_the_nearest_heading_above_it(tmp_path: Path) -> None:
    rng = random.Random(5)
    sections = [("Planting", 1), ("Pruning", 4), ("Harvest", 2)]
    text = "# Orchard guide\n\nA few words first.\n\n" + "\n\n".join(
        f"## {name}\n\n" + "\n\n".join(paragraph(rng, 3) for _ in range(count))
        for name, count in sections
    )
    text += "\n\n```\n# a comment, not a heading\n```\n"
    doc = markdown(tmp_path / "guide.md", text)

    pieces = split_document(doc, 300, 50)

    check_pieces(doc, pieces, 300)
    for piece in pieces:
        above = [m for m in re.finditer(r"^#+ (.+)$", text, re.M) if m.start() <= piece.start]
        assert piece.heading == above[-1].group(1)
        # A heading begins a chunk: no chunk runs on under the next heading.
        assert "\n## " not in piece.text
    assert {p.heading for p in pieces} == {"Orchard guide", "Planting", "Pruning", "Harvest"}
    assert document_title(doc, tmp_path / "guide.md") == "Orchard guide"
    first_under = next(p for p in pieces if p.heading == "Pruning")
    assert context_of("Orchard guide", first_under) == "Orchard guide — Pruning"
    assert first_under.text.startswith("## Pruning")


def test_a_heading_over_a_long_paragraph_stays_with_its_text() -> None:
    rng = random.Random(8)
    doc = assemble("md", [RawSection("Intro.\n\nSetup\n\n" + paragraph(rng, 30))])
    doc = ParsedDocument(doc.file_type, doc.text, doc.sections, "", _headings(doc, "Setup"))
    pieces = split_document(doc, 250, 0)
    check_pieces(doc, pieces, 250)
    assert not any(p.text == "Setup" for p in pieces)
    assert pieces[1].text.startswith("Setup\n\n")


def _headings(doc: ParsedDocument, line: str) -> tuple[Heading, ...]:
    return (Heading(doc.text.index(line), 1, line),)


def test_the_title_is_the_stated_one_else_the_first_heading_else_the_file_name(
    tmp_path: Path,
) -> None:
    assert document_title(plain("No headings here."), Path("/x/project_plan_2024.txt")) == (
        "project plan 2024"
    )
    html = tmp_path / "page.html"
    html.write_text(
        "<html><head><title>Field notes</title></head><body><h1>Birds</h1><p>Herons.</p>"
        "<h2>Waders</h2><p>Stilts and avocets.</p></body></html>",
        encoding="utf-8",
    )
    page = parse_file(html)
    assert document_title(page, html) == "Field notes"
    assert [(h.level, h.text) for h in page.headings] == [(1, "Birds"), (2, "Waders")]
    assert [p.heading for p in split_document(page, 20, 0)][-1] == "Waders"


def test_docx_headings_and_title_come_from_their_styles(tmp_path: Path) -> None:
    word = WordDocument()
    word.add_heading("Annual report", level=0)
    word.add_paragraph("Opening words about the year.")
    word.add_heading("Sales", level=1)
    word.add_paragraph("Sales grew in the north. " * 8)
    word.add_heading("Staff", level=2)
    word.add_paragraph("Two people joined the team.")
    path = tmp_path / "report.docx"
    word.save(str(path))

    doc = parse_file(path)
    pieces = split_document(doc, 120, 0)

    assert document_title(doc, path) == "Annual report"
    assert [(h.level, h.text) for h in doc.headings][1:] == [(1, "Sales"), (2, "Staff")]
    headed = {p.heading for p in pieces if "grew" in p.text} | {
        p.heading for p in pieces if "joined" in p.text
    }
    assert headed == {"Sales", "Staff"}


def test_pdf_chunks_keep_their_pages_and_the_pdf_title(tmp_path: Path) -> None:
    rng = random.Random(3)
    pages = [paragraph(rng, 12), paragraph(rng, 2), paragraph(rng, 12)]
    path = write_text_pdf(tmp_path / "scan.pdf", pages)
    writer = PdfWriter(clone_from=path)
    writer.add_metadata({"/Title": "Survey of the east meadow"})
    writer.write(path)

    doc = parse_file(path)
    pieces = split_document(doc, 200, 40)

    check_pieces(doc, pieces, 200)
    assert {p.page for p in pieces} == {1, 2, 3}
    assert document_title(doc, path) == "Survey of the east meadow"
    for piece in pieces:
        section = next(s for s in doc.sections if s.page == piece.page)
        assert piece.text in section.text


def test_the_context_is_left_out_when_not_asked_for_and_never_repeated() -> None:
    piece = ChunkPiece(0, "Text.", None, 0, 5, heading="Notes")
    assert context_of("Notes", piece) == "Notes"
    assert context_of("Diary", piece, "title") == "Diary"
    assert context_of("Diary", piece, "heading") == "Notes"
    assert context_of("Diary", piece, "none") == ""
