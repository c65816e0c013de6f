"""How much the agents may put in the workspace: a size and an entry count for the whole
workspace, and a cap on what one run may write.

One write is already capped (``files.MAX_WRITE_BYTES``), but a run may write many times: a
code step calling ``write_file`` in a loop filled 752 MB in ten seconds. These limits are
checked before each write, and each refusal names the setting that sets the limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from agents.tools.registry import RunWrites, ToolError

MB = 1024 * 1024


def human_size(size: int) -> str:
    """``1536`` as ``1.5 KB``."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


@dataclass(frozen=True)
class WorkspaceLimits:
    """The workspace's size and entry count, and what one run may write, at most."""

    max_bytes: int = 500 * MB
    max_entries: int = 10_000
    run_max_bytes: int = 100 * MB


def reserve_for_run(run: RunWrites, size: int, limit: int) -> None:
    """Count ``size`` more bytes for the run, or refuse when that passes ``limit``."""
    if not run.reserve(size, limit):
        raise ToolError(
            f"this run may write at most {human_size(limit)} in all "
            f"(AGENTDESK_RUN_WRITE_MAX_MB) and has written {human_size(run.written)}; "
            f"{human_size(size)} more is refused"
        )


def usage(root: Path, stop_after: int) -> tuple[int, int]:
    """Bytes in and entries (files and folders) under ``root``; the walk stops once it has
    counted more than ``stop_after`` entries, so a crowded folder cannot make a write slow."""
    size = entries = 0
    folders = [root]
    while folders:
        try:
            with os.scandir(folders.pop()) as found:
                for entry in found:
                    entries += 1
                    if entries > stop_after:
                        return size, entries
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            folders.append(Path(entry.path))
                        else:
                            size += entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        continue
        except OSError:
            continue
    return size, entries


def check_room(
    root: Path, limits: WorkspaceLimits, target: Path, size: int, new_entries: int
) -> None:
    """Refuse writing ``size`` bytes to ``target`` (adding ``new_entries`` files and folders)
    when the workspace would pass its size or entry limit."""
    used, entries = usage(root, limits.max_entries)
    if new_entries and entries + new_entries > limits.max_entries:
        raise ToolError(
            f"the workspace is full: it holds {entries:,} files and folders, and at most "
            f"{limits.max_entries:,} are allowed (AGENTDESK_WORKSPACE_MAX_FILES); delete some "
            "or write into an existing file"
        )
    try:
        replaced = target.stat().st_size if target.is_file() else 0
    except OSError:
        replaced = 0
    after = used - replaced + size
    if after > limits.max_bytes and size > replaced:
        raise ToolError(
            f"the workspace is full: it holds {human_size(used)}, and writing "
            f"{human_size(size)} would pass its limit of {human_size(limits.max_bytes)} "
            "(AGENTDESK_WORKSPACE_MAX_MB); delete files from it first"
        )
