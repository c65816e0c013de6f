"""Saving uploaded files into the inbox: each whole or not at all, never over another file.

Every upload is written to a staging file of its own (``.uploads/<random>.part``), then
published under a name nobody holds, with one call that fails instead of replacing a file that
is there (a hard link, or an exclusive create where links are not supported). Twenty uploads of
``notes.txt`` at once therefore give ``notes.txt``, ``notes (1).txt``… each with its own bytes.
"""

from __future__ import annotations

import errno
import itertools
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from backend.knowledge.upload_names import MAX_NAME_BYTES, safe_name, shorten, split_name

STAGING = ".uploads"
_BLOCK = 1 << 20
# Windows' ERROR_FILENAME_EXCED_RANGE, and POSIX's "name too long".
_TOO_LONG = (errno.ENAMETOOLONG, 206)
# Where hard links are not supported (FAT, some network shares) or not allowed.
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.EOPNOTSUPP, 1}


class UploadTooLarge(ValueError):
    """The upload is over the size limit."""


@dataclass(frozen=True)
class Staged:
    """An upload received whole into its own staging file, not yet in the inbox."""

    staging: Path
    name: str
    size: int


def too_large_message(name: str, limit_bytes: int) -> str:
    return (
        f"'{name}' is larger than the upload limit of {limit_bytes / 1e6:g} MB "
        "(AGENTDESK_UPLOAD_MAX_MB); nothing from this upload was saved"
    )


def stage(source: BinaryIO, folder: Path, raw_name: str, limit_bytes: int) -> Staged:
    """Copy ``source`` into a staging file of its own; UploadTooLarge past ``limit_bytes``."""
    staging_dir = folder / STAGING
    staging_dir.mkdir(parents=True, exist_ok=True)
    name = safe_name(raw_name)
    staging = staging_dir / f"{uuid.uuid4().hex}.part"
    written = 0
    try:
        with staging.open("xb") as out:
            while block := source.read(_BLOCK):
                written += len(block)
                if written > limit_bytes:
                    raise UploadTooLarge(too_large_message(name, limit_bytes))
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return Staged(staging, name, written)


def _place(staging: Path, target: Path) -> None:
    """Give ``staging``'s file the name ``target``; FileExistsError if that name is taken."""
    try:
        os.link(staging, target)
        return
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_LINKS and getattr(error, "winerror", None) not in _NO_LINKS:
            raise
    # No hard links here: claim the name first, then move the whole file onto the claim.
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    os.replace(staging, target)


def publish(staged: Staged, folder: Path) -> Path:
    """Put a staged upload into ``folder`` under its name, or ``name (1)``, ``name (2)``… if
    taken; a name too long for the file system is shortened (its extension kept)."""
    name = staged.name
    limit = MAX_NAME_BYTES
    try:
        while True:
            stem, suffix = split_name(name)
            for counter in itertools.count():
                target = folder / (name if counter == 0 else f"{stem} ({counter}){suffix}")
                try:
                    _place(staged.staging, target)
                    return target
                except FileExistsError:
                    continue
                except OSError as error:
                    if error.errno not in _TOO_LONG and getattr(error, "winerror", 0) != 206:
                        raise
                    break
            # Some file systems allow fewer bytes (encrypted home folders: 143).
            limit //= 2
            if limit < 16:
                raise OSError(errno.ENAMETOOLONG, "no name short enough is accepted", str(folder))
            name = shorten(name, limit)
    finally:
        staged.staging.unlink(missing_ok=True)


def discard(staged: Iterable[Staged]) -> None:
    for item in staged:
        item.staging.unlink(missing_ok=True)


def save_uploads(
    files: Iterable[tuple[BinaryIO, str]], folder: Path, limit_bytes: int
) -> list[Path]:
    """Save every ``(source, name)`` into ``folder``, all or none: when one is too large or
    cannot be written, nothing of the upload stays in the folder."""
    staged: list[Staged] = []
    published: list[Path] = []
    try:
        for source, raw_name in files:
            staged.append(stage(source, folder, raw_name, limit_bytes))
        for item in staged:
            published.append(publish(item, folder))
    except BaseException:
        discard(staged)
        for path in published:
            path.unlink(missing_ok=True)
        raise
    return published


def save_upload(source: BinaryIO, folder: Path, raw_name: str, limit_bytes: int) -> Path:
    """Save one upload into ``folder`` (see ``save_uploads``)."""
    return save_uploads([(source, raw_name)], folder, limit_bytes)[0]
