"""Find or install Bun, which Reflex uses to install and build the front end.

Reflex 0.10 runs its front-end tools on Node >= 22 or on Bun. Many machines have an older
Node, so AgentDesk always builds with Bun: an existing one on ``PATH`` when it is new enough,
otherwise a private copy installed from the npm registry (no root needed) and reused later.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

# Reflex 0.10.1 refuses older Bun releases (reflex_base.constants.installer.Bun.MIN_VERSION).
MIN_BUN_VERSION = (1, 4, 4)
BUN_PACKAGE = "bun@^1.4.4"
DEFAULT_REGISTRY = "https://registry.npmjs.org/"


class BunError(RuntimeError):
    """Bun is missing and could not be installed; the message says what to do."""


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.strip().lstrip("v").split("-")[0].split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def bun_version(bun: Path) -> tuple[int, ...] | None:
    """The version of the Bun executable at ``bun``, or None if it does not run."""
    try:
        result = subprocess.run(
            [str(bun), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    version = _version_tuple(result.stdout) if result.returncode == 0 else ()
    return version or None


def _usable(bun: Path | None) -> bool:
    version = bun_version(bun) if bun else None
    return version is not None and version >= MIN_BUN_VERSION


def private_bun_dir(tools_dir: Path) -> Path:
    """The folder holding the private Bun executable named ``bun``."""
    if sys.platform == "win32":
        # npm's .bin folder only has .cmd shims on Windows; the package ships the real bun.exe.
        return tools_dir / "node_modules" / "bun" / "bin"
    return tools_dir / "node_modules" / ".bin"


def _bun_in(folder: Path) -> Path | None:
    found = shutil.which("bun", path=str(folder))
    return Path(found) if found else None


def _platform_binary(tools_dir: Path) -> Path | None:
    """The binary inside ``@oven/bun-<platform>``, used when npm skipped bun's install script."""
    name = "bun.exe" if sys.platform == "win32" else "bun"
    for candidate in sorted((tools_dir / "node_modules" / "@oven").glob(f"*/bin/{name}")):
        if _usable(candidate):
            return candidate
    return None


def install_bun(tools_dir: Path, log: Callable[[str], None] = print) -> Path:
    """Install Bun into ``tools_dir`` with npm and return the folder to put on ``PATH``."""
    npm = shutil.which("npm")
    if npm is None:
        raise BunError(
            "AgentDesk builds its web interface with Bun, which is not installed, and npm "
            "(from Node.js) is not available to install it. Install Node.js from "
            "https://nodejs.org or Bun from https://bun.sh, then start AgentDesk again."
        )
    tools_dir.mkdir(parents=True, exist_ok=True)
    log(f"Installing Bun into {tools_dir} (first run only)…")
    command = [npm, "install", "--prefix", str(tools_dir), "--no-audit", "--no-fund", BUN_PACKAGE]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise BunError(f"Installing Bun with npm failed:\n{output[-2000:]}")
    folder = private_bun_dir(tools_dir)
    if _usable(_bun_in(folder)):
        return folder
    binary = _platform_binary(tools_dir)
    if binary is None:
        raise BunError(
            f"npm installed Bun into {tools_dir}, but it does not run on this machine. "
            "Install Bun from https://bun.sh and start AgentDesk again."
        )
    return binary.parent


def ensure_bun(tools_dir: Path, log: Callable[[str], None] = print) -> Path:
    """The folder holding a usable ``bun``: on ``PATH``, installed earlier, or installed now."""
    on_path = shutil.which("bun")
    if on_path and _usable(Path(on_path)):
        return Path(on_path).parent
    folder = private_bun_dir(tools_dir)
    if _usable(_bun_in(folder)):
        return folder
    binary = _platform_binary(tools_dir)
    if binary is not None:
        return binary.parent
    return install_bun(tools_dir, log)


def npm_registry(environ: dict[str, str]) -> str:
    """The npm registry the user configured, or the public one."""
    if configured := environ.get("NPM_CONFIG_REGISTRY") or environ.get("npm_config_registry"):
        return configured
    npm = shutil.which("npm", path=environ.get("PATH"))
    if npm is not None:
        try:
            result = subprocess.run(
                [npm, "config", "get", "registry"],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            result = None
        if result is not None and result.stdout.strip().startswith("http"):
            return result.stdout.strip()
    return DEFAULT_REGISTRY


def toolchain_env(environ: dict[str, str], bun_dir: Path) -> dict[str, str]:
    """A copy of ``environ`` where Reflex builds with this Bun instead of npm or Node."""
    env = dict(environ)
    env["PATH"] = os.pathsep.join([str(bun_dir), env.get("PATH", "")])
    # Reflex looks Bun up on PATH only with this set; otherwise it tries ~/.local/share/reflex.
    env["REFLEX_USE_SYSTEM_BUN"] = "1"
    env["REFLEX_USE_NPM"] = "0"
    # Without a registry set, Reflex times requests to two public registries on every install.
    env["NPM_CONFIG_REGISTRY"] = npm_registry(env)
    return env
