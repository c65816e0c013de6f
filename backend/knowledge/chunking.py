"""Split a parsed document into overlapping chunks with exact offsets into its text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from backend.knowledge.parsers import ParsedDocument

_CONTENT = re.compile(r"\S")


@dataclass(frozen=True)
class ChunkPiece:
    """One chunk: ``text == document.text[start:end]``; ``page`` is its PDF page, if any."""

    seq: int
    text: str
    page: int | None
    start: int
    end: int


def split_document(doc: ParsedDocument, size: int, overlap: int) -> list[ChunkPiece]:
    """Chunks of at most ``size`` characters sharing up to ``overlap`` with the previous one.

    Each section is split on its own, so a chunk never spans two PDF pages. Chunks that add
    no text to the ones before them (blank, or only a repeat of the overlap) are dropped and
    ``seq`` counts the rest from 0. Raises ValueError unless ``0 <= overlap < size``.
    """
    if not 0 <= overlap < size:
        raise ValueError(f"chunk overlap must be at least 0 and below the size, got {overlap}")
    # Imported here so that starting the app does not pay for langchain-core.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap)
    pieces: list[ChunkPiece] = []
    for section in doc.sections:
        chunks = [chunk for chunk in splitter.split_text(section.text) if chunk.strip()]
        covered = 0
        for chunk, offset in zip(chunks, _offsets(section.text, chunks, overlap), strict=True):
            if offset + len(chunk) <= covered:
                continue
            covered = offset + len(chunk)
            start = section.start + offset
            pieces.append(ChunkPiece(len(pieces), chunk, section.page, start, start + len(chunk)))
    return pieces


@dataclass(frozen=True)
class _Reach:
    """Where the chunks placed so far got to: the last one's start and end, and the end of
    the text they cover without a gap."""

    start: int
    end: int
    covered: int


def _offsets(text: str, chunks: list[str], overlap: int, max_steps: int | None = None) -> list[int]:
    """Where each chunk of ``text`` starts.

    The splitter's ``add_start_index`` searches forward from an estimate, which can name
    another copy of a repeated passage. What is certain is how the splitter works: chunks
    come in order, each starts no earlier than the previous one nor more than ``overlap``
    before its end, and only whitespace is ever left out. So this searches for offsets that
    keep all of that true, backing up when a chunk has nowhere to go (which only repeated
    text causes). Text so repetitive that the search would take long gets first-fit offsets,
    still exact but possibly naming another copy.
    """
    steps = 20 * len(chunks) + 20_000 if max_steps is None else max_steps
    reaches = [_Reach(0, 0, 0)]  # reaches[k]: how far chunks 0..k-1 got
    options: list[Iterator[int]] = []  # options[k]: places not yet tried for chunk k
    offsets: list[int] = []
    dead_ends: set[tuple[int, _Reach]] = set()
    while len(offsets) < len(chunks) or _next_content(text, reaches[-1].covered) < len(text):
        steps -= 1
        if steps < 0:
            return _first_fit(text, chunks, overlap)
        index, reach = len(offsets), reaches[-1]
        if len(options) == index:
            fresh = index < len(chunks) and (index, reach) not in dead_ends
            options.append(_places(text, chunks[index], reach, overlap) if fresh else iter(()))
        place = next(options[-1], None)
        if place is None:
            dead_ends.add((index, reach))
            options.pop()
            if not offsets:
                return _first_fit(text, chunks, overlap)
            offsets.pop()
            reaches.pop()
            continue
        offsets.append(place)
        reaches.append(_advance(reach, place, chunks[index]))
    return offsets


def _first_fit(text: str, chunks: list[str], overlap: int) -> list[int]:
    """Offsets without backing up: the likeliest place, else the next copy, else any copy."""
    reach = _Reach(0, 0, 0)
    offsets = []
    for chunk in chunks:
        place = next(_places(text, chunk, reach, overlap), -1)
        if place < 0:
            place = text.find(chunk, reach.start)
        if place < 0:
            place = text.find(chunk)
        if place < 0:
            raise ValueError("a chunk is not part of the text it was split from")
        offsets.append(place)
        reach = _advance(reach, place, chunk)
    return offsets


def _advance(reach: _Reach, place: int, chunk: str) -> _Reach:
    end = place + len(chunk)
    return _Reach(place, end, max(reach.covered, end))


def _places(text: str, chunk: str, reach: _Reach, overlap: int) -> Iterator[int]:
    """Offsets where ``chunk`` can follow the chunks before it, likeliest first.

    Those that extend the covered text come first (each chunk the splitter makes adds some
    text unless only whitespace followed the overlap), each group earliest first.
    """
    earliest = max(reach.start, reach.end - overlap)
    extending = max(earliest, reach.covered - len(chunk) + 1)
    latest = _next_content(text, reach.covered)
    yield from _occurrences(text, chunk, extending, latest)
    yield from _occurrences(text, chunk, earliest, min(latest, extending - 1))


def _occurrences(text: str, chunk: str, first: int, last: int) -> Iterator[int]:
    """Offsets from ``first`` to ``last`` where ``chunk`` occurs in ``text``."""
    place = text.find(chunk, first, last + len(chunk))
    while place >= 0:
        yield place
        place = text.find(chunk, place + 1, last + len(chunk))


def _next_content(text: str, position: int) -> int:
    """Where the next non-whitespace character at or after ``position`` is."""
    found = _CONTENT.search(text, position)
    return found.start() if found else len(text)
