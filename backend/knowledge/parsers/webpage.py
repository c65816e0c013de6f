"""HTML pages: the readable text, one line per block (headings, paragraphs, list items, rows)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from backend.knowledge.parsers.document import ParseFailure, RawHeading, RawSection
from backend.knowledge.parsers.text import decode_text

# Content a reader never sees on the page.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol",
        "p", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title",
        "tr", "ul",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")
_HEADINGS = {f"h{level}": level for level in range(1, 7)}


def parse_html(data: bytes) -> list[RawSection]:
    """The page's visible text without markup, scripts or styles, as one section."""
    extractor = _TextExtractor()
    try:
        extractor.feed(decode_text(data))
        extractor.close()
    except (AssertionError, ValueError) as exc:
        # html.parser is lenient, but a few malformed declarations still raise.
        raise ParseFailure("malformed HTML") from exc
    return [RawSection(extractor.text(), title=extractor.title, headings=tuple(extractor.headings))]


class _TextExtractor(HTMLParser):
    """Collects text into blocks; whitespace is collapsed except inside <pre>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._blocks: list[str] = []
        self._inline: list[str] = []
        self._hidden_depth = 0
        self._pre_depth = 0
        self._marking = 0  # the level of the heading being read, -1 for <title>, 0 if neither
        self.title = ""
        self.headings: list[RawHeading] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag == "pre":
            self._flush()
            self._pre_depth += 1
        elif tag == "br" and self._pre_depth:
            self._inline.append("\n")
        elif tag in _BLOCKS:
            self._flush()
            self._marking = -1 if tag == "title" else _HEADINGS.get(tag, 0)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A self-closed hidden element such as <svg/> has no content to skip.
        if tag not in _HIDDEN:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag == "pre":
            self._flush()
            self._pre_depth = max(0, self._pre_depth - 1)
        elif tag in _BLOCKS:
            self._flush()
            self._marking = 0

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self._inline.append(data)

    def text(self) -> str:
        """All blocks collected so far, one per line."""
        self._flush()
        return "\n".join(self._blocks)

    def _flush(self) -> None:
        joined = "".join(self._inline)
        self._inline = []
        if self._pre_depth:
            block = "\n".join(line.rstrip() for line in joined.strip("\n").split("\n"))
        else:
            block = _SPACES.sub(" ", joined).strip()
        if block.strip():
            self._blocks.append(block)
            if self._marking < 0:
                self.title = self.title or block
            elif self._marking > 0:
                self.headings.append(RawHeading(self._marking, block, block))
