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
class ParsedDocument:
    """A file's plain text; ``sections`` cover it in order, joined by blank lines."""

    file_type: str
    text: str
    sections: list[Section]


class RawSection(NamedTuple):
    """A parser's output before assembly: text and the 1-based page it came from, if any."""

    text: str
    page: int | None = None


def clean_text(text: str) -> str:
    """Unify line endings and drop NUL characters, which SQLite FTS would cut text at."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def assemble(file_type: str, raw_sections: Iterable[RawSection]) -> ParsedDocument:
    """Join non-blank sections into one document with exact section offsets.

    Raises ParseFailure("no extractable text") when every section is blank.
    """
    sections: list[Section] = []
    offset = 0
    for raw in raw_sections:
        text = clean_text(raw.text).strip()
        if not text:
            continue
        if sections:
            offset += len(SECTION_SEPARATOR)
        sections.append(Section(text=text, page=raw.page, start=offset))
        offset += len(text)
    if not sections:
        raise ParseFailure("no extractable text")
    full_text = SECTION_SEPARATOR.join(section.text for section in sections)
    return ParsedDocument(file_type=file_type, text=full_text, sections=sections)
