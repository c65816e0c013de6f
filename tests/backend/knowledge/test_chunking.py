"""Chunking: exact offsets into the document, page-bounded, numbered, nothing lost."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

import pytest

from backend.knowledge.chunking import ChunkPiece, split_document
from backend.knowledge.parsers import ParsedDocument, parse_file
from backend.knowledge.parsers.document import RawSection, assemble
from tests.backend.knowledge.corpus import write_text_pdf

# Words from several scripts, including characters outside the Basic Multilingual Plane and
# combining accents, so offsets are checked in characters, not bytes.
WORDS = (
    "apple", "café", "naïve", "e\u0301te\u0301", "中文", "日本語", "Привет", "😀", "𝔘𝔫𝔦",
    "x" * 37, "-", "a.b", "ﬁ", "\u00a0", "δοκιμή",
)  # fmt: skip
GAPS = (" ", " ", " ", "  ", "\n", "\n\n", "\n\n\n", "\t", " \n ", "\r\n")


def random_text(rng: random.Random, words: int, vocabulary: int = len(WORDS)) -> str:
    """Random words and gaps; a small vocabulary gives the repeated passages that make
    offsets ambiguous."""
    chosen = rng.sample(WORDS, vocabulary)
    return "".join(rng.choice(chosen) + rng.choice(GAPS) for _ in range(words))


def document(*pages: str, paged: bool = True) -> ParsedDocument:
    raw = [RawSection(text, number if paged else None) for number, text in enumerate(pages, 1)]
    return assemble("pdf" if paged else "txt", raw)


def check_pieces(doc: ParsedDocument, pieces: list[ChunkPiece], size: int) -> None:
    """What every chunk list must satisfy, whatever the text."""
    assert [piece.seq for piece in pieces] == list(range(len(pieces)))
    for piece in pieces:
        assert doc.text[piece.start : piece.end] == piece.text
        assert piece.text.strip() and len(piece.text) <= size
        section = next(s for s in doc.sections if s.start <= piece.start < s.start + len(s.text))
        assert piece.end <= section.start + len(section.text), "chunk crosses a section"
        assert piece.page == section.page
    for earlier, later in pairwise(pieces):
        # A chunk may restart where the previous one did, but always reaches further.
        assert earlier.start <= later.start and earlier.end < later.end


def uncovered(doc: ParsedDocument, pieces: list[ChunkPiece]) -> str:
    """Non-whitespace characters of the document that are in no chunk."""
    covered = [False] * len(doc.text)
    for piece in pieces:
        covered[piece.start : piece.end] = [True] * (piece.end - piece.start)
    return "".join(c for c, seen in zip(doc.text, covered, strict=True) if not seen).strip()


def random_document(seed: int, vocabulary: int) -> ParsedDocument:
    rng = random.Random(seed)
    pages = [random_text(rng, rng.randint(0, 150), vocabulary) for _ in range(rng.randint(1, 4))]
    return document(*pages, "last", paged=seed % 2 == 0)


@pytest.mark.parametrize("seed", range(60))
def test_random_texts_keep_exact_offsets_and_lose_nothing(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.choice([20, 50, 120, 400])
    overlap = rng.choice([0, 1, size // 10, size // 3, size - 1])
    doc = random_document(seed, vocabulary=len(WORDS))

    pieces = split_document(doc, size, overlap)

    check_pieces(doc, pieces, size)
    assert uncovered(doc, pieces) == ""


@pytest.mark.parametrize("seed", range(40))
def test_repetitive_texts_keep_exact_offsets_and_lose_nothing(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.choice([50, 120, 400])
    overlap = rng.choice([0, size // 10, size // 3, size - 1])
    doc = random_document(seed, vocabulary=rng.randint(1, 3))

    pieces = split_document(doc, size, overlap)

    check_pieces(doc, pieces, size)
    assert uncovered(doc, pieces) == ""


def test_hopelessly_repetitive_text_still_gets_exact_offsets() -> None:
    # Tiny chunks of one letter repeated: too many equal ways to place them to search.
    rng = random.Random(249)
    text = "".join("x" * 37 + rng.choice(["\n", "\t", " ", "\u00a0 "]) for _ in range(120))
    doc = document(text, paged=False)
    pieces = split_document(doc, 5, 4)
    check_pieces(doc, pieces, 5)
    assert uncovered(doc, pieces) == ""


def test_repeated_paragraphs_get_their_own_offsets() -> None:
    doc = document("The same paragraph again.\n\n" * 40, paged=False)
    pieces = split_document(doc, 60, 30)
    check_pieces(doc, pieces, 60)
    assert uncovered(doc, pieces) == ""
    assert len({piece.start for piece in pieces}) == len(pieces) > 10


def test_chunks_never_cross_pdf_pages(tmp_path: Path) -> None:
    pages = ["alpha " * 60, "beta " * 80, "gamma"]
    doc = parse_file(write_text_pdf(tmp_path / "three.pdf", pages))
    pieces = split_document(doc, 100, 20)
    check_pieces(doc, pieces, 100)
    assert {piece.page for piece in pieces} == {1, 2, 3}
    assert all(("alpha" in p.text) == (p.page == 1) for p in pieces)
    assert pieces[-1].text == "gamma" and pieces[-1].page == 3


def test_a_short_document_is_one_chunk() -> None:
    doc = document("Just a line about café.", paged=False)
    assert split_document(doc, 1000, 150) == [
        ChunkPiece(seq=0, text="Just a line about café.", page=None, start=0, end=23)
    ]


def test_neighbouring_chunks_overlap() -> None:
    doc = document(" ".join(f"word{n}" for n in range(300)), paged=False)
    overlapping = split_document(doc, 100, 30)
    check_pieces(doc, overlapping, 100)
    assert all(b.start < a.end for a, b in pairwise(overlapping))
    separate = split_document(doc, 100, 0)
    assert all(b.start > a.end for a, b in pairwise(separate))


def test_whitespace_runs_make_no_blank_chunks() -> None:
    doc = document("a" + " " * 50 + "\n\n" * 30 + "b" + "\t" * 40 + "c", paged=False)
    pieces = split_document(doc, 10, 2)
    check_pieces(doc, pieces, 10)
    assert [piece.text for piece in pieces] == ["a", "b", "c"]


def test_a_chunk_repeating_only_the_overlap_is_dropped() -> None:
    # The splitter makes "one five", "five", "one": "five" adds nothing to the first chunk.
    doc = document("one five  one", paged=False)
    pieces = split_document(doc, 8, 7)
    assert [(piece.text, piece.start) for piece in pieces] == [("one five", 0), ("one", 10)]


def test_sequence_numbers_continue_across_pages() -> None:
    doc = document("one " * 30, "two " * 30)
    pieces = split_document(doc, 40, 0)
    assert [piece.seq for piece in pieces] == list(range(len(pieces)))
    assert [piece.page for piece in pieces] == sorted(piece.page or 0 for piece in pieces)
    assert {piece.page for piece in pieces} == {1, 2}


@pytest.mark.parametrize(("size", "overlap"), [(100, 100), (100, 150), (100, -1), (0, 0)])
def test_overlap_must_be_smaller_than_size(size: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="chunk overlap"):
        split_document(document("text", paged=False), size, overlap)
