"""Finding, reusing and installing Bun without root."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from backend.startup import bun
from backend.startup.bun import BunError, ensure_bun, toolchain_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses shell-script stand-ins")


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _fake_bun(folder: Path, version: str = "1.4.5") -> Path:
    return _script(folder / "bun", f'echo "{version}"')


def _fake_npm(folder: Path, installs: str, log: Path) -> Path:
    """An npm stand-in that records its arguments and lays out what npm would install."""
    return _script(
        folder / "npm",
        # The test PATH holds only the stand-ins; the script itself needs the usual tools.
        f'PATH=/usr/bin:/bin\necho "$@" >> "{log}"\nprefix="$3"\n' + installs,
    )


def _lays_out_bun_at(relative: str) -> str:
    """Shell lines that put a working fake bun at ``$prefix/<relative>``."""
    target = f'"$prefix/{relative}"'
    return (
        f'mkdir -p "$(dirname {target})"\n'
        f"printf '#!/bin/sh\\necho 1.4.5\\n' > {target}\n"
        f"chmod +x {target}"
    )


@pytest.fixture
def path_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An otherwise empty PATH, so the machine's own bun and npm stay out of the way."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def test_bun_on_path_is_used_when_new_enough(path_dir: Path, tmp_path: Path) -> None:
    _fake_bun(path_dir)
    assert ensure_bun(tmp_path / "tools") == path_dir
    assert not (tmp_path / "tools").exists()


def test_old_bun_on_path_is_passed_over_for_the_private_copy(
    path_dir: Path, tmp_path: Path
) -> None:
    _fake_bun(path_dir, "1.0.0")
    private = bun.private_bun_dir(tmp_path / "tools")
    _fake_bun(private)
    assert ensure_bun(tmp_path / "tools") == private


def test_missing_bun_is_installed_with_npm_once(path_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "npm.log"
    layout = _lays_out_bun_at("node_modules/.bin/bun")
    _fake_npm(path_dir, layout, log)
    tools = tmp_path / "tools"
    messages: list[str] = []

    assert ensure_bun(tools, messages.append) == tools / "node_modules" / ".bin"
    assert ensure_bun(tools, messages.append) == tools / "node_modules" / ".bin"
    calls = log.read_text().splitlines()
    assert len(calls) == 1
    assert calls[0].startswith(f"install --prefix {tools}")
    assert len(messages) == 1


def test_platform_binary_is_used_when_npm_skipped_the_install_script(
    path_dir: Path, tmp_path: Path
) -> None:
    layout = _lays_out_bun_at("node_modules/@oven/bun-linux-x64/bin/bun")
    _fake_npm(path_dir, layout, tmp_path / "npm.log")
    tools = tmp_path / "tools"
    assert ensure_bun(tools, lambda _: None) == tools / "node_modules/@oven/bun-linux-x64/bin"


def test_without_bun_or_npm_the_error_says_what_to_install(path_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(BunError, match=r"Install Node\.js"):
        ensure_bun(tmp_path / "tools", lambda _: None)


def test_failed_npm_install_is_reported(path_dir: Path, tmp_path: Path) -> None:
    _script(path_dir / "npm", 'echo "E404 no such package" >&2\nexit 1')
    with pytest.raises(BunError, match="E404"):
        ensure_bun(tmp_path / "tools", lambda _: None)


def test_toolchain_env_points_reflex_at_this_bun(tmp_path: Path) -> None:
    env = toolchain_env(
        {"PATH": "/usr/bin", "NPM_CONFIG_REGISTRY": "https://npm.example/"}, tmp_path
    )
    assert env["PATH"].split(os.pathsep)[0] == str(tmp_path)
    assert env["REFLEX_USE_SYSTEM_BUN"] == "1"
    assert env["REFLEX_USE_NPM"] == "0"
    assert env["NPM_CONFIG_REGISTRY"] == "https://npm.example/"


def test_registry_defaults_to_the_public_one_without_npm(tmp_path: Path) -> None:
    assert bun.npm_registry({"PATH": str(tmp_path)}) == bun.DEFAULT_REGISTRY
