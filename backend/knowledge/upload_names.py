"""Safe file names for uploads: one that every file system AgentDesk runs on accepts as a plain
file in the inbox, whatever the browser sent."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)
# Windows opens a device, not a file, for these names, whatever follows the first dot and with
# spaces or dots before it ("CON.tar.gz", "nul .txt"); the superscript digits count as digits.
# The desktop app runs on Windows, and inboxes are copied between machines: checked on every OS.
_DIGITS = "0123456789\u00b9\u00b2\u00b3"
WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"}
    | {f"{port}{digit}" for port in ("com", "lpt") for digit in _DIGITS}
)
# Most file systems allow 255 bytes of UTF-8 in a name (NTFS 255 UTF-16 units, which is never
# less); leave room for the " (123)" a name already taken gets.
MAX_NAME_BYTES = 200
MAX_SUFFIX_CHARS = 20
_FALLBACK = "upload"


def is_windows_device(name: str) -> bool:
    """Whether Windows would take ``name`` for a device (CON, NUL, COM1, LPT9…)."""
    base = name.split(".", 1)[0].rstrip(" .")
    return base.casefold() in WINDOWS_DEVICES


def fit_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, at a character boundary."""
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def split_name(name: str) -> tuple[str, str]:
    """``("report", ".pdf")`` for ``report.pdf``; no suffix for ``README`` or ``.profile``."""
    stem, dot, suffix = name.rpartition(".")
    if not stem or not dot:
        return name, ""
    return stem, f".{suffix}"


def shorten(name: str, max_bytes: int) -> str:
    """``name`` within ``max_bytes`` of UTF-8, its extension kept and its stem cut."""
    stem, suffix = split_name(name)
    if len(suffix) > MAX_SUFFIX_CHARS + 1:
        stem, suffix = name, ""
    suffix = fit_bytes(suffix, max_bytes // 2)
    stem = fit_bytes(stem, max_bytes - len(suffix.encode("utf-8"))).rstrip(" .")
    return f"{stem or _FALLBACK}{suffix}".rstrip(" .")


def safe_name(raw: str) -> str:
    """A plain file name from whatever the browser sent: no folders, no traversal, no control
    characters or lone surrogates, not hidden, not a Windows device name, at most
    ``MAX_NAME_BYTES`` bytes of UTF-8 (a long name is shortened, its extension kept)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    name = shorten(name, MAX_NAME_BYTES) if name else _FALLBACK
    if is_windows_device(name):
        name = shorten(f"{_FALLBACK}_{name}", MAX_NAME_BYTES)
    return name
