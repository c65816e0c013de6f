"""File parsers: turn a supported file into plain text with sections, chosen by file suffix.

Adding a format is one parser function (bytes and a text limit → sections) and one line in
``FORMATS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backend.knowledge.parsers.archive import text_parts_only
from backend.knowledge.parsers.document import (
    ParsedDocument,
    ParseFailure,
    RawSection,
    Section,
    Unsupported,
    assemble,
)
from backend.knowledge.parsers.pdf import parse_pdf
from backend.knowledge.parsers.text import parse_markdown, parse_plain_text
from backend.knowledge.parsers.webpage import parse_html
from backend.knowledge.parsers.word import parse_docx

__all__ = [
    "FORMATS",
    "Format",
    "ParseFailure",
    "ParsedDocument",
    "Section",
    "Unsupported",
    "file_type_of",
    "parse_file",
]

# A parser gets the file's bytes and the most text it may unpack them to (see parse_file).
Parser = Callable[[bytes, int], list[RawSection]]


def _at_most_its_size(parse: Callable[[bytes], list[RawSection]]) -> Parser:
    """A parser whose text cannot be longer than the file itself (plain text, HTML, and a DOCX
    once ``archive`` has unpacked it within the limit): the limit is already kept."""
    return lambda data, _limit: parse(data)


_text = _at_most_its_size(parse_plain_text)
_markdown = _at_most_its_size(parse_markdown)


@dataclass(frozen=True)
class Format:
    """A supported kind of file: the type shown to people and the function that reads it.

    ``archive``: the file is a zip archive (DOCX, and XLSX, PPTX, ODT or EPUB if they are ever
    added); what it unpacks to is checked before ``parse`` sees it (see ``archive``).
    """

    file_type: str
    parse: Parser
    archive: bool = False


# Not .env (secrets), .svg (drawings) or .ipynb (mostly embedded output data).
CODE_SUFFIXES = (
    ".py", ".pyi", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".vue", ".svelte", ".java", ".kt",
    ".kts", ".scala", ".groovy", ".gradle", ".c", ".h", ".cpp", ".cc", ".cxx", ".hpp", ".hh",
    ".hxx", ".cs", ".fs", ".go", ".rs", ".rb", ".php", ".pl", ".pm", ".swift", ".m", ".mm", ".r",
    ".jl", ".lua", ".dart", ".hs", ".ex", ".exs", ".erl", ".clj", ".elm", ".sh", ".bash", ".zsh",
    ".fish", ".ps1", ".bat", ".cmd", ".sql", ".graphql", ".proto", ".tf", ".cmake", ".yaml",
    ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties", ".css", ".scss", ".sass", ".less",
    ".xml", ".xsd", ".xsl",
)  # fmt: skip

FORMATS: dict[str, Format] = {
    ".txt": Format("txt", _text),
    ".text": Format("txt", _text),
    ".md": Format("md", _markdown),
    ".markdown": Format("md", _markdown),
    ".rst": Format("rst", _text),
    ".csv": Format("csv", _text),
    ".tsv": Format("csv", _text),
    ".json": Format("json", _text),
    ".jsonl": Format("json", _text),
    ".html": Format("html", _at_most_its_size(parse_html)),
    ".htm": Format("html", _at_most_its_size(parse_html)),
    ".xhtml": Format("html", _at_most_its_size(parse_html)),
    ".pdf": Format("pdf", parse_pdf),
    ".docx": Format("docx", _at_most_its_size(parse_docx), archive=True),
    **{suffix: Format("code", _text) for suffix in CODE_SUFFIXES},
}


def file_type_of(path: Path) -> str | None:
    """The file type for ``path`` by its suffix ("txt", "pdf", "code", ...), None if unsupported."""
    found = FORMATS.get(path.suffix.lower())
    return found.file_type if found else None


# What a document may unpack to when the caller does not say (the default of
# AGENTDESK_MAX_UNPACKED_MB): a DOCX's XML parts (which take about 14 times their size in
# memory to parse), a PDF's text (a 23 KB PDF can draw 86 MB of it).
MAX_UNPACKED_BYTES = 20_000_000


def parse_file(path: Path, max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> ParsedDocument:
    """Read and parse ``path``; an archive whose text parts unpack to more than
    ``max_unpacked_bytes`` fails before it is parsed, a PDF as soon as its text passes it.

    Raises Unsupported for a type without a parser and ParseFailure (with a reason a person
    understands) for content that cannot be read; OSError only if the file itself cannot be
    opened.
    """
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise Unsupported(f"unsupported type: {path.suffix or path.name}")
    data = path.read_bytes()
    if not data:
        raise ParseFailure("empty file")
    if found.archive:
        data = text_parts_only(data, found.file_type.upper(), max_unpacked_bytes)
    return assemble(found.file_type, found.parse(data, max_unpacked_bytes))
