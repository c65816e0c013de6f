"""Saving uploaded files into the inbox under safe, unique names."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import BinaryIO

_UNSAFE = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
_RESERVED |= {f"lpt{i}" for i in range(1, 10)}


class UploadTooLarge(ValueError):
    """The upload is over the size limit."""


def safe_name(raw: str) -> str:
    """A plain file name from whatever the browser sent: no folders, no traversal, no
    control characters, not hidden, not a Windows device name."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not stem:
        stem, suffix, dot = suffix, "", ""
    if not stem or stem.lower() in _RESERVED:
        stem = f"upload_{stem}" if stem else "upload"
    return f"{stem[:150]}{dot}{suffix[:20]}"


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (1)``, ``name (2)``… when taken."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    counter = 1
    while candidate.exists():
        candidate = folder / f"{stem} ({counter}){suffix}"
        counter += 1
    return candidate


def save_upload(source: BinaryIO, folder: Path, raw_name: str, limit_bytes: int) -> Path:
    """Copy ``source`` into ``folder`` under a safe name; the file appears whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / ".uploads"
    staging.mkdir(exist_ok=True)
    target = unique_path(folder, safe_name(raw_name))
    temporary = staging / f"{target.name}.{os.getpid()}.part"
    written = 0
    try:
        with temporary.open("wb") as out:
            while block := source.read(1 << 20):
                written += len(block)
                if written > limit_bytes:
                    raise UploadTooLarge(
                        f"'{raw_name}' is larger than the upload limit of "
                        f"{limit_bytes / 1e6:g} MB (AGENTDESK_UPLOAD_MAX_MB)"
                    )
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        target = unique_path(folder, target.name)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
