"""The workspace as the user sees it: the files the agents wrote, listed, previewed, handed
over for download and moved to the trash.

A path from the browser is stricter than one from the model (``agents.tools.workspace``):
it must be relative and may not contain ``..`` at all, and a symbolic link must lead to a
place inside the workspace, so nothing here can read or move a file outside it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from agents.tools.quota import human_size

# What the preview shows of a text file; the rest is for the download.
PREVIEW_BYTES = 64 * 1024
# A NUL byte in the first few KB means a binary file (the test ``git`` and ``grep`` use).
SNIFF_BYTES = 8192
# Enough for any workspace a person reads through in a table; the count says if more exist.
MAX_LISTED = 2000


class WorkspacePathError(ValueError):
    """A path the workspace routes refuse; ``status`` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Entry:
    """One file or folder, its path relative to the workspace with ``/`` between names."""

    path: str
    name: str
    kind: str  # file | folder
    depth: int
    size: int
    modified: str
    run_id: str | None = None
    run_prompt: str | None = None


@dataclass
class Listing:
    entries: list[Entry] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    truncated: bool = False


@dataclass
class Preview:
    path: str
    size: int
    modified: str
    kind: str  # text | binary | empty
    text: str
    truncated: bool
    notice: str


def _is_absolute(raw: str) -> bool:
    # Either platform's idea of absolute counts, so "C:\x" is refused on Linux too.
    return (
        raw.startswith(("~", "/", "\\"))
        or PurePosixPath(raw).is_absolute()
        or bool(PureWindowsPath(raw).drive)
    )


def _modified(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()


class WorkspaceFiles:
    """The workspace folder ``root`` and the trash folder deleted entries move to."""

    def __init__(self, root: Path, trash: Path | None) -> None:
        self.root = root
        self.trash = trash

    def resolve(self, raw: str) -> Path:
        """The real path ``raw`` names inside the workspace (it need not exist).

        WorkspacePathError (400) for a NUL, an absolute path or a ``..``; (403) when a link
        leads outside the workspace.
        """
        return self._located(raw)[1]

    def _located(self, raw: str) -> tuple[Path, Path]:
        """``raw`` as named (a link stays a link) and as it really is, both checked."""
        if "\x00" in raw:
            raise WorkspacePathError("the path contains a NUL character")
        text = raw.strip()
        if _is_absolute(text):
            raise WorkspacePathError(
                f"'{raw}' is an absolute path; "
                "give it relative to the workspace, like 'notes/a.txt'"
            )
        parts = [part for part in text.replace("\\", "/").split("/") if part not in ("", ".")]
        if ".." in parts:
            raise WorkspacePathError(f"'{raw}' contains '..'; paths stay inside the workspace")
        base = self.root.resolve()
        try:
            real = base.joinpath(*parts).resolve()
        except (OSError, RuntimeError):
            raise WorkspacePathError(f"'{raw}' is a link that leads round in a loop") from None
        if real != base and not real.is_relative_to(base):
            raise WorkspacePathError(f"'{raw}' is a link that leads outside the workspace", 403)
        return base.joinpath(*parts), real

    def existing(self, raw: str) -> Path:
        """Like :meth:`resolve`, but the path must exist (404 otherwise)."""
        path = self.resolve(raw)
        if not path.exists():
            raise WorkspacePathError(f"'{raw}' is not in the workspace", 404)
        return path

    def file(self, raw: str) -> Path:
        """An existing regular file (400 for a folder)."""
        path = self.existing(raw)
        if path.is_dir():
            raise WorkspacePathError(f"'{raw}' is a folder; choose a file in it")
        if not path.is_file():
            raise WorkspacePathError(f"'{raw}' is not a regular file")
        return path

    def listing(self, writers: dict[str, tuple[str, str]] | None = None) -> Listing:
        """Every file and folder, folders first at each level, each folder's content right
        after it; ``writers`` maps a path to the (run id, prompt) that last wrote it."""
        found = Listing()
        base = self.root.resolve()
        if base.is_dir():
            self._walk(base, base, 0, found, writers or {})
        return found

    def _walk(
        self,
        folder: Path,
        base: Path,
        depth: int,
        found: Listing,
        writers: dict[str, tuple[str, str]],
    ) -> int:
        """Add ``folder``'s entries to ``found``; the bytes in it."""
        try:
            children = list(folder.iterdir())
        except OSError:
            return 0
        shown: list[tuple[Path, Path]] = []
        for child in children:
            try:
                real = child.resolve()
            except (OSError, RuntimeError):
                continue
            # A link that leads out of the workspace (or back up into it) is not shown.
            if (
                real.is_relative_to(base)
                and real != base
                and not (child.is_symlink() and real.is_dir())
            ):
                shown.append((child, real))
        shown.sort(key=lambda pair: (not pair[1].is_dir(), pair[0].name.lower()))
        total = 0
        for child, real in shown:
            if len(found.entries) >= MAX_LISTED:
                found.truncated = True
                return total
            relative = child.relative_to(base).as_posix()
            run = writers.get(relative)
            entry = Entry(
                relative,
                child.name,
                "folder" if real.is_dir() else "file",
                depth,
                0,
                _modified(real),
                run[0] if run else None,
                run[1] if run else None,
            )
            found.entries.append(entry)
            if entry.kind == "folder":
                entry.size = self._walk(child, base, depth + 1, found, writers)
            else:
                entry.size = real.stat().st_size
                found.files += 1
                found.bytes += entry.size
            total += entry.size
        return total

    def preview(self, raw: str) -> Preview:
        """The start of a file as text, or why it is not shown (binary, empty)."""
        path = self.file(raw)
        shown = path.relative_to(self.root.resolve()).as_posix()
        size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(PREVIEW_BYTES)
        modified = _modified(path)
        if not data:
            return Preview(shown, size, modified, "empty", "", False, "This file is empty.")
        if b"\x00" in data[:SNIFF_BYTES]:
            notice = "This is not a text file, so it cannot be shown here; download it to open it."
            return Preview(shown, size, modified, "binary", "", False, notice)
        text = data.decode("utf-8-sig", errors="replace")
        if size <= len(data):
            return Preview(shown, size, modified, "text", text, False, "")
        notice = (
            f"Showing the first {PREVIEW_BYTES // 1024} KB of {human_size(size)}; "
            "download the file for all of it."
        )
        return Preview(shown, size, modified, "text", text, True, notice)

    def delete(self, raw: str) -> Path | None:
        """Move a file or folder to the trash (delete it when there is none); where it went.

        A link inside the workspace is moved itself, never the file it leads to."""
        path, real = self._located(raw)
        if not path.exists() and not path.is_symlink():
            raise WorkspacePathError(f"'{raw}' is not in the workspace", 404)
        if real == self.root.resolve():
            raise WorkspacePathError("the workspace itself cannot be deleted; choose a file in it")
        if self.trash is None:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            return None
        self.trash.mkdir(parents=True, exist_ok=True)
        target, counter = self.trash / path.name, 1
        while target.exists() or target.is_symlink():
            target = self.trash / f"{path.stem} ({counter}){path.suffix}"
            counter += 1
        shutil.move(str(path), target)
        return target


def writer_key(root: Path, raw: object) -> str | None:
    """The workspace path a ``write_file`` call's ``path`` argument named, as listed."""
    if not isinstance(raw, str):
        return None
    try:
        real = WorkspaceFiles(root, None).resolve(raw)
    except WorkspacePathError:
        return None
    return real.relative_to(root.resolve()).as_posix() if real != root.resolve() else None


__all__ = ["PREVIEW_BYTES", "Listing", "Preview", "WorkspaceFiles", "WorkspacePathError"]
