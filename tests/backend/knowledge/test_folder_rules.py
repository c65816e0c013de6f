"""Which folders may be watched, on Linux, macOS and Windows alike."""

from __future__ import annotations

import pytest

from backend.knowledge.folder_rules import (
    POSIX_SYSTEM,
    Machine,
    invalid_text,
    refusal,
    this_machine,
)

LINUX = Machine(False, False, POSIX_SYSTEM, "/home/ada", "/tmp")
MAC = Machine(False, True, POSIX_SYSTEM, "/Users/ada", "/private/var/folders/xy/T")
WINDOWS = Machine(
    True,
    True,
    (r"C:\Windows", r"C:\Program Files", r"C:\Program Files (x86)", r"C:\ProgramData"),
    r"C:\Users\ada",
    r"C:\Users\ada\AppData\Local\Temp",
)
LINUX_DATA = "/home/ada/.local/share/AgentDesk"
WINDOWS_DATA = r"C:\Users\ada\AppData\Local\AgentDesk"


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/", "whole drive"),
        ("//", "whole drive"),
        ("//etc", "operating system (/etc)"),
        ("/proc/4242", "operating system (/proc)"),
        ("/sys/kernel", "operating system"),
        ("/dev", "operating system"),
        ("/etc", "operating system"),
        ("/usr/share/doc", "operating system"),
        ("/var/log", "operating system"),
        ("/boot", "operating system"),
        ("/home/ada", "contains AgentDesk's own data folder"),
        ("/home/ada/.local", "contains AgentDesk's own data folder"),
        (LINUX_DATA, "own data folder or inside it"),
        (f"{LINUX_DATA}/logs", "own data folder or inside it"),
        (f"{LINUX_DATA}/trash", "own data folder or inside it"),
    ],
)
def test_linux_refuses(path: str, why: str) -> None:
    assert why in (refusal(path, LINUX_DATA, LINUX) or "")


@pytest.mark.parametrize("path", ["/home/ada/Documents", "/srv/notes", "/mnt/usb/papers", "/tmp/x"])
def test_linux_allows(path: str) -> None:
    assert refusal(path, LINUX_DATA, LINUX) is None


def test_the_home_folder_itself_is_refused_even_without_the_data_folder_in_it() -> None:
    assert "whole home folder" in (refusal("/home/ada", "/srv/agentdesk", LINUX) or "")


def test_mac_compares_without_case_and_allows_its_temp_folder() -> None:
    assert refusal("/USR/local/share", "/Users/ada/AgentDesk", MAC) is not None
    assert refusal("/private/etc", "/Users/ada/AgentDesk", MAC) is not None
    assert refusal("/private/var/folders/xy/T/pytest-1", "/Users/ada/AgentDesk", MAC) is None
    assert refusal("/users/ada/agentdesk/inbox", "/Users/ada/AgentDesk", MAC) is not None


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("C:\\", "whole drive"),
        ("D:\\", "whole drive"),
        ("\\\\server\\share\\", "whole drive"),
        (r"c:\windows\System32", "operating system (C:\\Windows)"),
        (r"C:\Program Files\Vendor", "operating system"),
        (r"C:\ProgramData", "operating system"),
        (r"D:\$Recycle.Bin\S-1-5", "Windows keeps for itself"),
        (r"E:\System Volume Information", "Windows keeps for itself"),
        (r"\\?\C:\Users\ada\Documents", "device path"),
        (r"\\.\PhysicalDrive0", "device path"),
        (r"\\localhost\C$\Windows", "administrative share"),
        (r"\\127.0.0.1\admin$", "administrative share"),
        (r"C:\Users\ada", "contains AgentDesk's own data folder"),
        (r"C:\Users\ada\AppData", "contains AgentDesk's own data folder"),
        (r"c:\users\ADA\appdata\local\agentdesk\inbox", "own data folder or inside it"),
    ],
)
def test_windows_refuses(path: str, why: str) -> None:
    assert why in (refusal(path, WINDOWS_DATA, WINDOWS) or "")


@pytest.mark.parametrize("path", [r"C:\Users\ada\Documents", r"D:\Notes", r"\\nas\share\papers"])
def test_windows_allows(path: str) -> None:
    assert refusal(path, WINDOWS_DATA, WINDOWS) is None


def test_paths_that_are_not_text_are_refused() -> None:
    assert "lone UTF-16 surrogate" in (invalid_text("/home/\ud800") or "")
    assert "NUL" in (invalid_text("/home/a\x00b") or "")
    assert invalid_text("/home/ada/Notizen für 2026") is None


def test_this_machine_knows_its_system_folders() -> None:
    machine = this_machine()
    assert machine.system and machine.temp
