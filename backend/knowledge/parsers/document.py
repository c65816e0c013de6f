"""What a parser produces: a document's plain text split into sections, and its failures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

SECTION_SEPARATOR = "\n\n"


class Unsupported(Exception):
    """The file's type has no parser; the file is skipped, not failed."""


class ParseFailure(Exception):
    """The file has a supported type but its content cannot be read; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Section:
    """A stretch of the document's text, e.g. one PDF page; ``start`` is its offset in it."""

    text: str
    page: int | None
    start: int


@dataclass(frozen=True)
class Heading:
    """A heading line of the document: where its line starts in the text, and its words."""

    start: int
    level: int
    text: str


@dataclass(frozen=True)
class ParsedDocument:
    """A file's plain text; ``sections`` cover it in order, joined by blank lines.

    ``title`` is the title the file states (PDF or DOCX properties, an HTML <title>), if any;
    ``headings`` are the headings the format marks (Markdown, DOCX styles, HTML h1-h6), in
    order. Both only help search find a passage (see ``knowledge.context``).
    """

    file_type: str
    text: str
    sections: list[Section]
    title: str = ""
    headings: tuple[Heading, ...] = ()


class RawHeading(NamedTuple):
    """A heading as a parser sees it: its level, its words, and its whole line in the text."""

    level: int
    text: str
    line: str


class RawSection(NamedTuple):
    """A parser's output before assembly: text and the 1-based page it came from, if any;
    the title the file states and the headings in this text, in order, if the format has any.
    """

    text: str
    page: int | None = None
    title: str = ""
    headings: tuple[RawHeading, ...] = ()


def clean_text(text: str) -> str:
    """Unify line endings and drop NUL characters, which SQLite FTS would cut text at."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def assemble(file_type: str, raw_sections: Iterable[RawSection]) -> ParsedDocument:
    """Join non-blank sections into one document with exact section offsets.

    Raises ParseFailure("no extractable text") when every section is blank.
    """
    sections: list[Section] = []
    headings: list[Heading] = []
    title = ""
    offset = 0
    for raw in raw_sections:
        title = title or _one_line(raw.title)
        text = clean_text(raw.text).strip()
        if not text:
            continue
        if sections:
            offset += len(SECTION_SEPARATOR)
        sections.append(Section(text=text, page=raw.page, start=offset))
        headings.extend(_placed(text, offset, raw.headings))
        offset += len(text)
    if not sections:
        raise ParseFailure("no extractable text")
    full_text = SECTION_SEPARATOR.join(section.text for section in sections)
    return ParsedDocument(file_type, full_text, sections, title, tuple(headings))


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def _placed(text: str, offset: int, raw: tuple[RawHeading, ...]) -> list[Heading]:
    """The headings found in ``text``, in order, each at the start of its line; a heading
    whose line cannot be found (the parser and the text disagree) is left out."""
    found: list[Heading] = []
    position = 0
    for heading in raw:
        line = clean_text(heading.line).strip()
        words = _one_line(heading.text)
        if not line or not words:
            continue
        at = text.find(line, position)
        while at >= 0 and not _whole_line(text, at, at + len(line)):
            at = text.find(line, at + 1)
        if at < 0:
            continue
        found.append(Heading(offset + at, heading.level, words))
        position = at + len(line)
    return found


def _whole_line(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")
