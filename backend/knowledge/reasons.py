"""Why a file is not indexed, in words a person understands: one short line, never a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

BAD_NAME = "the file name is not valid UTF-8: rename the file to index it"
_MAX_LENGTH = 160


def broken_link(path: Path) -> str:
    """For a symbolic link that cannot be followed: a loop, or a missing target."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "broken link: it leads back to itself (a symlink loop)"
    return "broken link: its target does not exist"


def unreadable(error: OSError) -> str:
    """For a file the system would not let us read (permissions, a disk error...)."""
    return f"cannot be read: {error.strerror or one_line(error)}"


def one_line(error: BaseException) -> str:
    """An exception as one short line: its first line of text, or its type's name."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else type(error).__name__
    return text if len(text) <= _MAX_LENGTH else text[: _MAX_LENGTH - 1] + "…"
