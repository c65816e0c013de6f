"""Which folders may be watched: none that holds AgentDesk's own data (watching it re-indexes
its own log and database journal for ever), none of the operating system's, and no whole
drive or home folder.

The rules are plain functions of path text and a description of the machine, so the Windows
rules are tested on every OS.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

# Kernel and device views, and the system's own programs and settings.
POSIX_SYSTEM = (
    "/proc", "/sys", "/dev", "/run", "/boot", "/etc", "/usr", "/bin", "/sbin", "/lib",
    "/lib32", "/lib64", "/libx32", "/var", "/snap", "/System", "/Library", "/private/etc",
    "/private/var",
)  # fmt: skip
# Windows folders found by their environment variable, with the usual place when it is unset.
WINDOWS_SYSTEM = (
    ("SystemRoot", r"C:\Windows"),
    ("windir", r"C:\Windows"),
    ("ProgramFiles", r"C:\Program Files"),
    ("ProgramFiles(x86)", r"C:\Program Files (x86)"),
    ("ProgramW6432", r"C:\Program Files"),
    ("ProgramData", r"C:\ProgramData"),
)
# Folders Windows keeps on every drive.
WINDOWS_DRIVE_FOLDERS = ("$recycle.bin", "system volume information")


@dataclass(frozen=True)
class Machine:
    """What the rules need to know about the computer."""

    windows: bool
    case_insensitive: bool
    system: tuple[str, ...]
    home: str | None
    temp: str | None


def this_machine() -> Machine:
    windows = os.name == "nt"
    if windows:
        found = (os.environ.get(name) or default for name, default in WINDOWS_SYSTEM)
        system: tuple[str, ...] = tuple(dict.fromkeys(found))
    else:
        system = POSIX_SYSTEM
    try:
        home: str | None = str(Path.home().resolve())
    except (RuntimeError, OSError):
        home = None
    return Machine(
        windows=windows,
        case_insensitive=windows or sys.platform == "darwin",
        system=system,
        home=home,
        temp=str(Path(tempfile.gettempdir()).resolve()),
    )


def _parts(path: str, machine: Machine) -> tuple[str, ...]:
    if not machine.windows and path.startswith("//"):
        path = "/" + path.lstrip("/")  # POSIX reads "//etc" as "/etc"; pathlib keeps the "//"
    pure: PurePath = PureWindowsPath(path) if machine.windows else PurePosixPath(path)
    parts = tuple(pure.parts)
    return tuple(p.casefold() for p in parts) if machine.case_insensitive else parts


def _administrative_share(anchor: str) -> bool:
    """A network share like ``C$`` or ``ADMIN$``: a whole drive, or Windows itself."""
    return anchor.startswith(("\\\\", "//")) and anchor.rstrip("\\/").endswith("$")


def _inside(path: tuple[str, ...], folder: tuple[str, ...]) -> bool:
    return path[: len(folder)] == folder


def invalid_text(raw: str) -> str | None:
    """Why ``raw`` cannot be a folder path at all (a NUL, a lone surrogate), or None."""
    if "\x00" in raw:
        return "The folder path contains a NUL character; type the path again."
    if any("\ud800" <= c <= "\udfff" for c in raw):
        return (
            "The folder path contains a character that is not valid text (a lone UTF-16 "
            "surrogate); type the path again."
        )
    return None


def refusal(path: str, data_dir: str, machine: Machine) -> str | None:
    """Why the folder at ``path`` (absolute, links resolved) cannot be watched, or None."""
    if machine.windows and path.startswith(("\\\\?\\", "\\\\.\\", "//?/", "//./")):
        return f"{path} is a device path; give the folder's ordinary path (like C:\\Notes)."
    parts = _parts(path, machine)
    if machine.windows and _administrative_share(parts[0]):
        return f"{path} is on an administrative share (like C$); give the folder's own path."
    data = _parts(data_dir, machine)
    if len(parts) <= 1:
        return f"{path} is a whole drive; watch the folders with your documents instead."
    if _inside(parts, data):
        return (
            f"{path} is AgentDesk's own data folder or inside it; put files into its inbox "
            f"({Path(data_dir) / 'inbox'}) instead, which is always watched."
        )
    if _inside(data, parts):
        return (
            f"{path} contains AgentDesk's own data folder ({data_dir}), whose log and database "
            "change all the time; watch the folders with your documents inside it instead."
        )
    if machine.home is not None and parts == _parts(machine.home, machine):
        return f"{path} is your whole home folder; watch the folders with your documents instead."
    if machine.windows and any(p in WINDOWS_DRIVE_FOLDERS for p in parts):
        return f"{path} is a folder Windows keeps for itself; it cannot be watched."
    in_temp = machine.temp is not None and _inside(parts, _parts(machine.temp, machine))
    for system in machine.system:
        if _inside(parts, _parts(system, machine)) and not in_temp:
            return (
                f"{path} belongs to the operating system ({system}); it cannot be watched. "
                "Watch the folders with your documents instead."
            )
    return None
