"""Word documents (.docx): paragraphs and table cells in reading order, with the headings
and title their styles mark."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from backend.knowledge.parsers.document import ParseFailure, RawHeading, RawSection

if TYPE_CHECKING:
    from docx.table import Table

_CELL_SEPARATOR = " | "
_TITLE_STYLE = "Title"
_HEADING_STYLE = "Heading "


def parse_docx(data: bytes) -> list[RawSection]:
    """The body's text as one section: a line per paragraph and per table row."""
    # Imported here so that starting the app does not pay for python-docx and lxml.
    import docx

    # A damaged package fails in zipfile, lxml or python-docx with many exception types.
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_lines(document))
        title = document.core_properties.title or ""
        headings = tuple(_headings(document))
    except Exception as exc:
        raise ParseFailure("corrupt DOCX") from exc
    if not title.strip():
        title = next((h.text for h in headings if h.level == 0), "")
    return [RawSection("\n".join(lines), title=title, headings=headings)]


def _headings(document: Any) -> Iterator[RawHeading]:
    """Paragraphs styled as the title (level 0) or as a heading (its level), in order."""
    for paragraph in document.paragraphs:
        name = paragraph.style.name if paragraph.style is not None else ""
        if not paragraph.text.strip():
            continue
        if name == _TITLE_STYLE:
            yield RawHeading(0, paragraph.text, paragraph.text)
        elif name.startswith(_HEADING_STYLE) and name[len(_HEADING_STYLE) :].isdigit():
            level = int(name[len(_HEADING_STYLE) :])
            yield RawHeading(level, paragraph.text, paragraph.text)


def _lines(container: Any) -> Iterator[str]:
    """Lines of a document body or table cell; both offer ``iter_inner_content``."""
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                yield block.text
        else:
            yield from _table_rows(block)


def _table_rows(table: Table) -> Iterator[str]:
    # Merged cells repeat across the grid; each cell's text is kept once.
    seen: set[Any] = set()
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            text = " ".join(_lines(cell)).strip()
            if text:
                cells.append(text)
        if cells:
            yield _CELL_SEPARATOR.join(cells)
