"""Facts about files on disk: which to ignore, their fingerprint and content hash."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

# Editors, browsers and office suites leave these while a file is being written or opened.
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp", ".swx", ".download", ".partial")


def is_ignored(path: Path, root: Path) -> bool:
    """Temporary, lock and hidden files, and anything inside a hidden folder below ``root``.

    ``root`` is the watched folder: only folders below it count, because the folders above
    are the user's business (the app's own data folder is ``~/.local/share/AgentDesk`` on
    Linux, and a watched folder may live under ``~/.notes``).
    """
    name = path.name
    if name.startswith(("~$", ".")) or name.endswith("~"):
        return True
    if name.lower().endswith(IGNORED_SUFFIXES):
        return True
    try:
        below = path.relative_to(root).parts[:-1]
    except ValueError:
        below = ()
    return any(part.startswith(".") and part not in (".", "..") for part in below)


@dataclass(frozen=True)
class Fingerprint:
    """Size and modification time: cheap to read, enough to tell most unchanged files."""

    size: int
    mtime: float


def fingerprint(path: Path) -> Fingerprint | None:
    """The file's fingerprint, or None when it is gone or not a regular file."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    return Fingerprint(info.st_size, info.st_mtime)


def path_key(path: Path) -> str:
    """The path as stored, compared and shown: absolute (so ``docs/a.md``, ``./docs/a.md``
    and ``/home/me/docs/a.md`` are one document), and for a name that is not valid UTF-8
    (POSIX allows any bytes) with the bad bytes written as ``\\xNN``.

    The database, the JSON API and the log all need valid UTF-8, so a raw name would fail
    each of them. Symbolic links are kept, not followed: a link is listed where the user put
    it (``links`` decides whether its target may be indexed at all).
    """
    text = os.path.abspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def has_valid_name(path: Path) -> bool:
    """False when the path holds bytes that are not UTF-8 (the file cannot be indexed)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_broken_link(path: Path) -> bool:
    """A symbolic link whose target is missing, or which leads back to itself."""
    return os.path.islink(path) and not os.path.exists(path)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """The file's sha256, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def walk_files(root: Path) -> list[Path]:
    """Every file below ``root`` that is not ignored; unreadable folders are passed over.

    Broken links count as files (they are listed as skipped); links to folders are not
    followed, so a link back up the tree cannot loop.
    """
    found: list[Path] = []
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if is_ignored(path, root):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_symlink() and not os.path.exists(path):
                    # A loop makes is_file() raise, not answer False: ask about links first.
                    found.append(path)
                elif entry.is_file():
                    found.append(path)
            except OSError:
                continue
    return found
