"""Plain-text files (txt, md, rst, csv, json, source code): bytes to text in the right encoding."""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer
from charset_normalizer.utils import is_multi_byte_encoding

from backend.knowledge.parsers.document import ParseFailure, RawHeading, RawSection

# UTF-32 first: its little-endian BOM begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE_CHARS = 8192
# Legacy CJK text forms some valid UTF-8 pairs by chance, but far fewer than invalid ones.
_MIN_GOOD_PER_DAMAGED = 2
_MAX_SUSPICIOUS_RATIO = 0.1
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
# The most common legacy encoding for the Windows users this app targets first.
_WESTERN = "cp1252"
# Below this, charset-normalizer has found no language evidence for its guess.
_MIN_COHERENCE = 0.2


# An ATX heading: up to three spaces, one to six #, a space, the words, optional closing #s.
_MARKDOWN_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)


def parse_plain_text(data: bytes) -> list[RawSection]:
    """The whole file as one section."""
    return [RawSection(decode_text(data))]


def parse_markdown(data: bytes) -> list[RawSection]:
    """The whole file as one section, with its '#' headings (not those in code blocks)."""
    text = decode_text(data)
    fences = [match.start() for match in _FENCE.finditer(text)]
    headings = tuple(
        RawHeading(len(match.group(1)), match.group(2), match.group(0))
        for match in _MARKDOWN_HEADING.finditer(text)
        if match.group(2).strip() and sum(1 for f in fences if f < match.start()) % 2 == 0
    )
    return [RawSection(text, headings=headings)]


def decode_text(data: bytes) -> str:
    """Decode a text file's bytes; invalid bytes become U+FFFD instead of failing.

    Raises ParseFailure("binary content, not text") for data that is not text at all.
    """
    text = data.decode(_encoding_of(data), errors="replace")
    if _looks_binary(text):
        raise ParseFailure("binary content, not text")
    return text


def _encoding_of(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    if b"\x00" in data[:_SAMPLE_CHARS]:
        # NULs mean UTF-16/32 without a BOM or binary data; only a detector can tell.
        best = charset_normalizer.from_bytes(data).best()
        if best is not None and best.encoding.startswith(("utf_16", "utf_32")):
            return best.encoding
        return "utf-8"
    if _mostly_utf8(data):
        return "utf-8"
    return _legacy_encoding(data)


def _mostly_utf8(data: bytes) -> bool:
    """True for valid UTF-8, and for UTF-8 with a few damaged bytes among many good ones."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = data.decode("utf-8", errors="replace")
        invalid = decoded.count("\ufffd")
        non_ascii = len(decoded) - len(decoded.encode("ascii", errors="ignore"))
        valid_non_ascii = non_ascii - invalid
        return valid_non_ascii >= _MIN_GOOD_PER_DAMAGED * invalid
    return True


def _legacy_encoding(data: bytes) -> str:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return _WESTERN if _decodes(data, _WESTERN) else "utf-8"
    confident = best.coherence >= _MIN_COHERENCE or is_multi_byte_encoding(best.encoding)
    # Short texts fit many single-byte code pages equally well; pick the likeliest one.
    western_ties = _WESTERN in best.could_be_from_charset or any(
        match.encoding == _WESTERN
        and match.chaos <= best.chaos
        and match.coherence >= best.coherence
        for match in matches
    )
    if (western_ties or not confident) and _decodes(data, _WESTERN):
        return _WESTERN
    return best.encoding


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE_CHARS]
    if not sample:
        return False
    # Control characters and undecodable bytes are rare in text and everywhere in binary data.
    suspicious = sum(
        1
        for char in sample
        if char == "\ufffd" or (char not in _TEXT_CONTROLS and unicodedata.category(char) == "Cc")
    )
    return suspicious / len(sample) > _MAX_SUSPICIOUS_RATIO
