"""Split a parsed document into chunks that follow its paragraphs, with exact offsets.

A chunk cut in the middle of a paragraph leaves the passage a question is about in two
halves that each match it worse than the whole. So a chunk is made of whole paragraphs
(short ones merged up to the chunk size); only a paragraph longer than the size is split,
at sentence ends, failing that between words, and a run of text with no space at all is cut
anywhere. The overlap setting applies inside such a split paragraph, where a sentence cut
from its neighbours loses context; whole paragraphs are not repeated. A heading starts a
new chunk, so the heading a chunk carries (``heading``) is the one its text sits under.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from backend.knowledge.parsers import ParsedDocument

# What the version of this splitting is: an index split another way is split again once
# (see ``recipe``). 1 was langchain's RecursiveCharacterTextSplitter, without headings.
CHUNKER_VERSION = 2

# Where text may be cut, from best to worst; group 1, if any, is the gap between the parts.
_GAPS = (
    re.compile(r"\n[^\S\n]*\n\s*"),  # a blank line: paragraphs
    re.compile(r"\n\s*"),  # a line break: one paragraph a line (DOCX, HTML), or wrapped text
    # A sentence end: . ! ? … or the ideographic full stop, closing quotes or brackets.
    re.compile("[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\\]]*(\\s+)"),
    re.compile(r"\s+"),  # between words
)
_INSIDE_PARAGRAPH = 2  # from this level on, the parts are pieces of one paragraph

Span = tuple[int, int]


@dataclass(frozen=True)
class ChunkPiece:
    """One chunk: ``text == document.text[start:end]``; ``page`` is its PDF page, if any;
    ``heading`` the nearest heading at or above its start ("" if none)."""

    seq: int
    text: str
    page: int | None
    start: int
    end: int
    heading: str = ""


def split_document(doc: ParsedDocument, size: int, overlap: int) -> list[ChunkPiece]:
    """Chunks of at most ``size`` characters that follow the paragraphs (see above).

    Each section is split on its own, so a chunk never spans two PDF pages; no chunk is blank,
    each reaches further than the one before, and ``seq`` counts them from 0. Raises
    ValueError unless ``0 <= overlap < size``.
    """
    if not 0 <= overlap < size:
        raise ValueError(f"chunk overlap must be at least 0 and below the size, got {overlap}")
    starts = [heading.start for heading in doc.headings]
    cutter = _Cutter(doc.text, size, overlap, frozenset(starts))
    pieces: list[ChunkPiece] = []
    for section in doc.sections:
        for start, end in cutter.pack(section.start, section.start + len(section.text), 0):
            above = bisect.bisect_right(starts, start) - 1
            heading = doc.headings[above].text if above >= 0 else ""
            text = doc.text[start:end]
            pieces.append(ChunkPiece(len(pieces), text, section.page, start, end, heading))
    return pieces


@dataclass(frozen=True)
class _Cutter:
    text: str
    size: int
    overlap: int
    headings: frozenset[int]

    def pack(self, start: int, end: int, level: int, lead: Span | None = None) -> list[Span]:
        """Chunks of ``text[start:end]`` made of its parts at ``level``, merged up to the size;
        a part too long for one chunk is split at the next level. ``lead``, a heading just
        before, goes with the first chunk if it fits."""
        if level == len(_GAPS):
            return ([lead] if lead else []) + self._cut(start, end)
        chunks: list[Span] = []
        group: list[Span] = [lead] if lead else []
        for part in self._parts(start, end, level):
            first, last = part
            if last - first > self.size:
                # A heading stays with the text under it rather than make a chunk of its own.
                heading = group.pop() if group and group[-1][0] in self.headings else None
                if group:
                    chunks.append((group[0][0], group[-1][1]))
                group = []
                chunks.extend(self.pack(first, last, level + 1, heading))
                continue
            if group and (first in self.headings or last - group[0][0] > self.size):
                chunks.append((group[0][0], group[-1][1]))
                inside = level >= _INSIDE_PARAGRAPH and first not in self.headings
                group = self._carried(group, last) if inside else []
            group.append(part)
        if group:
            chunks.append((group[0][0], group[-1][1]))
        return chunks

    def _parts(self, start: int, end: int, level: int) -> list[Span]:
        """The non-blank stretches of ``text[start:end]`` between the gaps of ``level``."""
        parts: list[Span] = []
        position = start
        for gap in _GAPS[level].finditer(self.text, start, end):
            group = 1 if gap.re.groups else 0
            parts.append((position, gap.start(group)))
            position = gap.end(group)
        parts.append((position, end))
        return [trimmed for span in parts if (trimmed := self._trim(span))]

    def _trim(self, span: Span) -> Span | None:
        start, end = span
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def _carried(self, group: list[Span], until: int) -> list[Span]:
        """The last parts of a full chunk that the next one repeats: at most ``overlap``
        characters, leaving room for the next chunk up to ``until``."""
        kept: list[Span] = []
        for part in reversed(group):
            if group[-1][1] - part[0] > self.overlap or until - part[0] > self.size:
                break
            kept.insert(0, part)
        return kept

    def _cut(self, start: int, end: int) -> list[Span]:
        """A run without spaces, in pieces of the size, each sharing ``overlap`` with the last."""
        step = self.size - self.overlap
        spans = []
        position = start
        while True:
            spans.append((position, min(position + self.size, end)))
            if position + self.size >= end:
                return spans
            position += step
