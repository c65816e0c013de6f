"""Compile the dependency locks from requirements/*.in, with uv, for every platform at once.

    python scripts/lock.py            # refresh requirements.txt, -dev and -desktop
    python scripts/lock.py --count    # how many packages each lock installs per platform
    python scripts/lock.py --check    # ... and that each installs, wheels only, everywhere

Each lock is one "universal" file: every package AgentDesk installs, on Linux, Windows and
macOS, pinned with its hashes, and an environment marker where a platform needs something of
its own (the CPU build of PyTorch on Linux, pywin32 on Windows). pip reads the markers, so the
README's commands stay the same everywhere. Needs ``uv`` (``pip install uv``).

PyPI's Linux PyTorch wheel is the CUDA build; the CPU build comes from a folder holding
PyTorch's CPU wheel for Linux (``--torch-wheels``, by default pip's own find-links setting):
see docs/developer-guide.md#updating-dependencies.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# lock -> the list of pins it is compiled from
LOCKS = {
    "requirements.txt": "requirements/app.in",
    "requirements-dev.txt": "requirements/dev.in",
    "requirements-desktop.txt": "requirements/desktop.in",
}
PYTHON = "3.11"
# marker environments of the platforms the app ships on
PLATFORMS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"},
    "windows": {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64"},
    "macos": {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64"},
}
# uv's names for them; macOS means Apple silicon with macOS 14 or newer (PyTorch 2.13 has no
# wheel for Intel Macs, faiss-cpu none for macOS 13)
UV_PLATFORMS = {
    "linux": "x86_64-manylinux_2_28",
    "windows": "x86_64-pc-windows-msvc",
    "macos": "aarch64-apple-darwin",
}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?)==(\S+?)(?:\s*;\s*(.*?))?\s*\\?$")


def pins(lock: Path) -> list[tuple[str, str, str]]:
    """(name, version, marker) of every package line in a lock or an .in file."""
    found = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line.strip())
        if match:
            name = re.sub(r"\[.*\]", "", match.group(1)).lower().replace("_", "-")
            found.append((name, match.group(2), match.group(3) or ""))
    return found


def installs(lock: Path, platform: str) -> list[str]:
    """The packages a lock installs on one platform (Python 3.11)."""
    from packaging.markers import Marker

    environment = {"python_version": PYTHON, "python_full_version": f"{PYTHON}.9"}
    environment |= PLATFORMS[platform]
    environment["os_name"] = "nt" if platform == "windows" else "posix"
    environment["implementation_name"] = environment["platform_python_implementation"] = "cpython"
    chosen = {
        name for name, _, marker in pins(lock) if not marker or Marker(marker).evaluate(environment)
    }
    return sorted(chosen)


def compile_lock(lock: str, source: str, torch_wheels: str | None) -> None:
    """Run ``uv pip compile`` for one lock; pins already in it are kept unless the .in moved."""
    command = [sys.executable, "-m", "uv", "pip", "compile", source, "-o", lock]
    command += ["--universal", "--python-version", PYTHON, "--generate-hashes", "--quiet"]
    command += ["--no-emit-find-links", "--custom-compile-command", "python scripts/lock.py"]
    if torch_wheels:
        command += ["--find-links", torch_wheels]
    subprocess.run(command, cwd=ROOT, check=True)


def check_lock(lock: str, platform: str, torch_wheels: str | None) -> bool:
    """Whether the lock installs on ``platform`` from wheels whose hashes it lists (a dry run:
    uv reads the indexes' metadata, nothing is installed)."""
    command = [sys.executable, "-m", "uv", "pip", "install", "--dry-run", "--quiet", "-r", lock]
    command += ["--python-platform", UV_PLATFORMS[platform], "--python-version", PYTHON]
    command += ["--require-hashes", "--no-deps", "--only-binary", ":all:"]
    with tempfile.TemporaryDirectory() as target:
        command += ["--target", target]
        if torch_wheels:
            command += ["--find-links", torch_wheels]
        env = os.environ | {"MACOSX_DEPLOYMENT_TARGET": "14.0"}
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{lock} does not install on {platform}:\n{done.stderr}")
    return done.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", action="store_true", help="only count each lock's packages")
    parser.add_argument("--check", action="store_true", help="count, and dry-run each install")
    parser.add_argument(
        "--torch-wheels",
        default=os.environ.get("PIP_FIND_LINKS"),
        help="folder or page with PyTorch's Linux CPU wheel (default: $PIP_FIND_LINKS)",
    )
    args = parser.parse_args(argv)
    if not (args.count or args.check):
        for lock, source in LOCKS.items():
            compile_lock(lock, source, args.torch_wheels)
    failed = 0
    for lock in LOCKS:
        counts = ", ".join(f"{p} {len(installs(ROOT / lock, p))}" for p in PLATFORMS)
        print(f"{lock}: {counts} packages")
        if args.check:
            failed += sum(not check_lock(lock, p, args.torch_wheels) for p in PLATFORMS)
    if args.check:
        print("every lock installs on every platform" if not failed else f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
