"""Where the file tools may go: the workspace (read and write) and the watched knowledge
folders (read only).

The rules, in the words the model sees in error messages:

- A relative path (``notes/todo.txt``, ``.``) is taken inside the workspace. ``\\`` counts as
  a separator too, so a path behaves the same on Windows and elsewhere.
- ``..`` may move up within the workspace but never above it.
- An absolute path (``/home/me/notes/a.txt``, ``C:\\notes``, ``~/a.txt``) is refused for
  writing. For reading it is accepted only when it lies inside the workspace or inside one of
  the watched knowledge folders.
- Symbolic links are followed, and the place they lead to must obey the same rules: a link
  inside the workspace that points elsewhere on the disk is refused; one that points to
  another place inside the workspace is fine.

Nothing here creates files or folders; it only decides.
"""

from __future__ import annotations

import errno
import re
import threading
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath

from agents.tools.quota import WorkspaceLimits
from agents.tools.registry import ToolError

MAX_PATH_CHARS = 1000
# Longest name of one file or folder (in UTF-8 bytes) that Linux, macOS and Windows all take.
MAX_NAME_BYTES = 255
_SEPARATORS = re.compile(r"[/\\]")


def _is_absolute(raw: str) -> bool:
    # Either platform's idea of absolute counts, so "C:\x" is refused on Linux too.
    return (
        raw == "~"
        or raw.startswith(("~/", "~\\", "/", "\\"))
        or PurePosixPath(raw).is_absolute()
        or bool(PureWindowsPath(raw).drive)
    )


def _checked(raw: str) -> str:
    if not isinstance(raw, str):
        raise ToolError("the path must be a string")
    if "\x00" in raw:
        raise ToolError("the path contains a NUL character")
    if len(raw) > MAX_PATH_CHARS:
        raise ToolError(f"the path is too long (over {MAX_PATH_CHARS} characters)")
    # The OS would refuse such a name too, but with an error that names the full real path.
    if any(
        len(part.encode("utf-8", "replace")) > MAX_NAME_BYTES for part in _SEPARATORS.split(raw)
    ):
        raise ToolError(f"a name in the path is too long (over {MAX_NAME_BYTES} characters)")
    return raw.strip()


def _real(path: Path, raw: str) -> Path:
    """``path`` with its links followed; ToolError (not the OS's error) when it cannot be."""
    try:
        return path.resolve()
    except RuntimeError:  # how Python before 3.13 reports a loop of links
        raise ToolError(f"'{raw}' is a link that leads round in a loop") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ToolError(f"'{raw}' is a link that leads round in a loop") from None
        raise ToolError(f"'{raw}' cannot be used: {error.strerror or error}") from None


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


# What people call the workspace, and a model passes as the first part of a path.
WORKSPACE_WORD = "workspace"


def resolve_inside(root: Path, raw: str) -> Path:
    """The real path that ``raw`` names inside ``root``; ToolError when it would leave it.

    ``raw`` must be relative. ``..`` may not climb above ``root``, and symbolic links must
    lead to a place inside ``root``. The path need not exist; nothing is created.
    """
    text = _checked(raw)
    if _is_absolute(text):
        raise ToolError(
            f"'{raw}' is an absolute path; use a path relative to the workspace, "
            "like 'notes/todo.txt'"
        )
    parts: list[str] = []
    for part in text.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise ToolError(f"'{raw}' leads outside the workspace ('..' goes above it)")
            parts.pop()
            continue
        parts.append(part)
    base = root.resolve()
    if parts and parts[0].lower() == WORKSPACE_WORD and not (base / parts[0]).exists():
        # "my workspace folder" passed as 'workspace' or 'workspace/sales.csv': the workspace
        # itself, unless it holds a folder of that name.
        parts = parts[1:]
    real = _real(base.joinpath(*parts), raw)
    if not _inside(real, base):
        raise ToolError(f"'{raw}' is a link that leads outside the workspace")
    return real


class FileRoots:
    """The workspace (first) and the watched knowledge folders, as the file tools see them.

    ``watched`` is asked on every call, so folders added while the app runs are seen;
    ``limits`` are how much may be written there.
    """

    def __init__(
        self,
        workspace: Path,
        watched: Callable[[], list[Path]] | None = None,
        limits: WorkspaceLimits | None = None,
    ) -> None:
        self.workspace = workspace
        self._watched = watched or (lambda: [])
        self.limits = limits or WorkspaceLimits()
        self.write_lock = threading.Lock()

    def watched(self) -> list[Path]:
        """The watched knowledge folders, resolved, without the workspace itself."""
        workspace = self.workspace.resolve()
        folders = [folder.resolve() for folder in self._watched()]
        return [folder for folder in dict.fromkeys(folders) if folder != workspace]

    @property
    def roots(self) -> list[Path]:
        """Every folder that may be read: the workspace first, then the watched folders."""
        return [self.workspace.resolve(), *self.watched()]

    def for_writing(self, raw: str) -> Path:
        """Where to write ``raw``: always inside the workspace."""
        return resolve_inside(self.workspace, raw)

    def for_reading(self, raw: str) -> Path:
        """Where to read ``raw``: relative to the workspace, or absolute inside any root."""
        text = _checked(raw) or "."
        if not _is_absolute(text):
            return resolve_inside(self.workspace, text)
        if text == "~" or text.startswith(("~/", "~\\")):
            raise ToolError(f"'{raw}': '~' is not expanded; give the full folder path")
        real = _real(Path(text), raw)
        if any(_inside(real, root) for root in self.roots):
            return real
        raise ToolError(
            f"'{raw}' is outside the folders you may read: the workspace and the knowledge "
            "folders (see list_files)"
        )

    def shown(self, path: Path) -> str:
        """``path`` as the model should write it back: relative inside the workspace."""
        workspace = self.workspace.resolve()
        if _inside(path, workspace):
            relative = path.relative_to(workspace).as_posix()
            return relative if relative != "." else "."
        return str(path)
