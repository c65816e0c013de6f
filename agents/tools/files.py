"""The file tools: list and read in the workspace and the knowledge folders, write in the
workspace only. Where a path may lead is decided by ``agents.tools.workspace``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from agents.tools.quota import check_room, human_size, reserve_for_run
from agents.tools.registry import RunWrites, ToolError
from agents.tools.tables import summary as table_summary
from agents.tools.workspace import FileRoots

__all__ = ["human_size", "list_files", "read_file", "write_file"]

MAX_LISTED = 200
MAX_READ_BYTES = 256_000
MAX_WRITE_BYTES = 1_000_000
# How many files of the same name the search for a mistyped path looks at.
SAME_NAME_LOOKS = 20
# A NUL byte in the first few KB means a binary file (the test ``git`` and ``grep`` use).
SNIFF_BYTES = 8192


def _entry(path: Path) -> str:
    try:
        if path.is_dir():
            return f"{path.name}/"
        return f"{path.name} ({human_size(path.stat().st_size)})"
    except OSError:
        return f"{path.name} (cannot be read)"


def list_files(roots: FileRoots, path: str = ".") -> str:
    """The folders and files at ``path`` (dirs first), sizes included, at most MAX_LISTED.

    Listing the workspace itself also names the knowledge folders that may be read.
    """
    target = roots.for_reading(path)
    at_workspace = target == roots.workspace.resolve()
    shown = roots.shown(target)
    if target.is_file():
        raise ToolError(f"'{shown}' is a file, not a folder; use read_file to read it")
    if not target.exists() and not at_workspace:
        raise ToolError(f"'{shown}' does not exist; list_files shows what there is")
    try:
        found = list(target.iterdir()) if target.exists() else []
    except OSError as error:
        raise ToolError(f"'{shown}' cannot be listed: {error.strerror or error}") from None
    entries = sorted(found, key=lambda p: (not p.is_dir(), p.name.lower()))
    lines = [f"Files in the workspace ({shown}):" if at_workspace else f"Files in {shown}:"]
    lines += [_entry(entry) for entry in entries[:MAX_LISTED]] or ["(empty)"]
    if len(entries) > MAX_LISTED:
        lines.append(f"... and {len(entries) - MAX_LISTED} more")
    if at_workspace and (folders := roots.watched()):
        lines += ["", "Knowledge folders (read only; use the full path):"]
        lines += [str(folder) for folder in folders]
    return "\n".join(lines)


def same_name(roots: FileRoots, missing: Path) -> Path | None:
    """The one file in the workspace named like ``missing`` ("notes/todo.md" asked, "todo.md"
    there), or None when there is none or more than one. A small model often guesses the
    folder; the name is what the user gave."""
    workspace = roots.workspace.resolve()
    if not missing.name or not workspace.is_dir():
        return None
    found: list[Path] = []
    for seen, path in enumerate(workspace.rglob(missing.name)):
        if seen >= SAME_NAME_LOOKS or len(found) > 1:
            return None
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found[0] if len(found) == 1 else None


def read_file(roots: FileRoots, path: str, figures: bool = True) -> str:
    """The text of a file, up to MAX_READ_BYTES; undecodable bytes become '\ufffd'.

    With ``figures``, a table's column figures follow its text (for a model reading it); code
    parsing the text gets the file alone."""
    target = roots.for_reading(path)
    shown = roots.shown(target)
    if target.is_dir():
        raise ToolError(f"'{shown}' is a folder; use list_files to see what is in it")
    if not target.exists():
        found = same_name(roots, target)
        if found is None:
            raise ToolError(f"'{shown}' does not exist; list_files shows what there is")
        note = f"('{shown}' does not exist; this is '{roots.shown(found)}', the only file so named)"
        return f"{note}\n{read_file(roots, roots.shown(found), figures)}"
    if not target.is_file():
        # A named pipe or a device: opening it could wait for ever, or never end.
        raise ToolError(f"'{shown}' is not a regular file and cannot be read")
    try:
        size = target.stat().st_size
        with target.open("rb") as file:
            data = file.read(MAX_READ_BYTES)
    except OSError as error:
        raise ToolError(f"'{shown}' cannot be read: {error.strerror or error}") from None
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ToolError(
            f"'{shown}' is not a text file; for PDF or Word files in the knowledge base "
            "use read_document"
        )
    if not data:
        return f"'{shown}' is empty."
    text = data.decode("utf-8-sig", errors="replace")
    summary = table_summary(shown, text) if figures and size <= len(data) else None
    if size > len(data):
        text += f"\n[... the file is {human_size(size)}; only the first part is shown]"
    return f"{text.rstrip()}\n\n{summary}" if summary else text


def _write_atomically(target: Path, data: bytes) -> None:
    # Readers see the old file or the new one, never half of it.
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_entries(target: Path, workspace: Path) -> int:
    """The files and folders writing ``target`` adds: itself and any missing folders."""
    if target.exists():
        return 0
    missing, folder = 1, target.parent
    while folder != workspace and not folder.exists():
        missing, folder = missing + 1, folder.parent
    return missing


def write_file(roots: FileRoots, path: str, content: str, run: RunWrites | None = None) -> str:
    """Write ``content`` to ``path`` in the workspace, creating folders as needed, within the
    workspace's limits and, given the run's tally ``run``, what one run may write."""
    target = roots.for_writing(path)
    workspace = roots.workspace.resolve()
    if target == workspace:
        raise ToolError("write_file needs a file name, like 'notes/todo.txt'")
    shown = roots.shown(target)
    data = content.encode("utf-8")
    if len(data) > MAX_WRITE_BYTES:
        raise ToolError(
            f"the content is too large ({human_size(len(data))}; at most "
            f"{human_size(MAX_WRITE_BYTES)} per file)"
        )
    if target.is_dir():
        raise ToolError(f"'{shown}' is a folder; give a file name inside it")
    # One write at a time, so two runs cannot both fit into the last of the room.
    with roots.write_lock:
        check_room(workspace, roots.limits, target, len(data), _new_entries(target, workspace))
        if run is not None:
            reserve_for_run(run, len(data), roots.limits.run_max_bytes)
        existed = target.exists()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(target, data)
        except OSError as error:
            if run is not None:
                run.refund(len(data))
            raise ToolError(f"cannot write '{shown}': {error.strerror or error}") from None
    verb = "Replaced" if existed else "Created"
    return f"{verb} {shown} in the workspace ({len(content)} characters)."
