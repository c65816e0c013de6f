"""The dependency locks: each is compiled from its requirements/*.in and still holds every pin
of it, every package carries hashes, and Linux gets PyTorch's CPU build."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.lock import LOCKS, ROOT, installs, pins


def pins_of(source: Path) -> set[tuple[str, str, str]]:
    """The pins of an .in file and of the files it includes with ``-r``."""
    found = set(pins(source))
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("-r "):
            found |= pins_of(source.parent / line.split(maxsplit=1)[1])
    return found


@pytest.mark.parametrize(("lock", "source"), LOCKS.items())
def test_the_lock_holds_every_pin_of_its_source(lock: str, source: str) -> None:
    locked = {(name, version): marker for name, version, marker in pins(ROOT / lock)}
    for name, version, _ in pins_of(ROOT / source):
        assert (name, version) in locked, f"{name}=={version} from {source} is not in {lock}"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_has_hashes(lock: str) -> None:
    lines = (ROOT / lock).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line and not line.startswith((" ", "#", "-")):
            assert "--hash=sha256:" in lines[number + 1], f"{lock}: {line} has no hash"


def test_linux_gets_the_cpu_build_of_pytorch_and_no_cuda_libraries() -> None:
    locked = {(name, marker): version for name, version, marker in pins(ROOT / "requirements.txt")}
    assert locked[("torch", "sys_platform == 'linux'")].endswith("+cpu")
    linux = installs(ROOT / "requirements.txt", "linux")
    assert "torch" in linux
    assert not [name for name in linux if name.startswith("nvidia-") and name != "nvidia-ml-py"]


def test_each_platform_gets_the_whole_tree() -> None:
    for platform in ("linux", "windows", "macos"):
        app = installs(ROOT / "requirements.txt", platform)
        # the packages AgentDesk names, and what they pull in (transformers -> kernels)
        assert {"torch", "sentence-transformers", "kernels", "pydantic-monty-runtime"} <= set(app)
        assert len(app) > 100
    assert "pyinstaller" in installs(ROOT / "requirements-desktop.txt", "windows")
    # a platform's own packages come only with it
    assert "pywin32" in installs(ROOT / "requirements.txt", "windows")
    assert "pywin32" not in installs(ROOT / "requirements.txt", "linux")
