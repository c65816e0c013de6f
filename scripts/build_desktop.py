"""Build the AgentDesk desktop app for this operating system, then smoke-test the result.

    python scripts/build_desktop.py              # export the UI, run PyInstaller, smoke test
    python scripts/build_desktop.py --zip        # ... and write the zip and its sha256
    python scripts/build_desktop.py --ui-only    # only export the web interface to build/web
    python scripts/build_desktop.py --smoke-only # only test an existing dist/AgentDesk

Needs the desktop lock (``pip install -r requirements-desktop.txt``) in the running Python,
and npm to fetch Bun for the UI export. The result is dist/AgentDesk/, one folder to
copy anywhere: no Python or Node needed to run it.
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend import __version__  # noqa: E402
from scripts import desktop_app, desktop_smoke  # noqa: E402

BUILD = ROOT / "build"
DIST = ROOT / "dist"
BUNDLE = DIST / "AgentDesk"


def export_ui() -> Path:
    """The static web interface in build/web."""
    from backend.startup.ui_export import export_ui as export

    return export(BUILD / "web", BUILD / "web-work", BUILD / "tools" / "bun")


def run_pyinstaller() -> Path:
    """dist/AgentDesk from build.spec."""
    command = [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm"]
    command += ["--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller")]
    subprocess.run(command, cwd=ROOT, check=True)
    return BUNDLE


def strip_debug_info(bundle: Path) -> int:
    """Drop debug sections from the bundle's shared libraries (not Windows); bytes saved.

    llama.cpp's library alone ships 75 MB of them. Only debug sections go: symbols the
    libraries need to load stay, unlike PyInstaller's own ``strip`` option. Libraries that
    wheels vendor in ``<package>.libs`` folders were rewritten by auditwheel's patchelf, and
    strip makes those unloadable ("ELF load command address/offset not page-aligned"): they
    are left as they are.
    """
    strip = shutil.which("strip")
    if strip is None or sys.platform == "win32":
        return 0
    before = folder_size(bundle)
    libraries = [
        path
        for path in bundle.rglob("*.so*")
        if path.is_file()
        and not path.is_symlink()
        and not any(part.endswith(".libs") for part in path.parts)
    ]
    for library in libraries:
        subprocess.run([strip, "--strip-debug", str(library)], check=False, capture_output=True)
    return before - folder_size(bundle)


def folder_size(folder: Path) -> int:
    """Bytes in every file under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def write_zip(bundle: Path) -> Path:
    """``AgentDesk-<version>-<os>-<machine>.zip`` beside the folder, and its ``.sha256``."""
    name = f"AgentDesk-{__version__}-{sys.platform}-{platform.machine().lower()}.zip"
    target = bundle.parent / name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(bundle.rglob("*")):
            archive.write(path, path.relative_to(bundle.parent))
    digest = hashlib.sha256()
    with target.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    (target.parent / f"{name}.sha256").write_text(f"{digest.hexdigest()}  {name}\n")
    print(f"{target}: {target.stat().st_size / 1e6:,.0f} MB, sha256 {digest.hexdigest()}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ui-only", action="store_true", help="only export the web interface")
    parser.add_argument("--smoke-only", action="store_true", help="only smoke-test dist/AgentDesk")
    parser.add_argument("--no-smoke", action="store_true", help="build without the smoke test")
    parser.add_argument("--zip", action="store_true", help="write the zip and its sha256")
    parser.add_argument("--embedded", action="store_true", help="smoke-test the embedded model")
    parser.add_argument("--model-path", type=Path, help="GGUF for the embedded smoke test")
    parser.add_argument(
        "--default-data-dir",
        action="store_true",
        help="Windows: smoke-test with the real default data folder (a fresh CI machine only)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    if not args.smoke_only:
        print(f"UI exported to {export_ui()} ({time.monotonic() - started:.0f} s)")
        if args.ui_only:
            return 0
        if shutil.which("upx"):
            print("upx is installed; build.spec keeps it off (upx=False).")
        run_pyinstaller()
        saved = strip_debug_info(BUNDLE)
        if saved:
            print(f"debug sections stripped from shared libraries: {saved / 1e6:,.0f} MB")
        size = folder_size(BUNDLE)
        print(f"built {BUNDLE}: {size / 1e6:,.0f} MB in {time.monotonic() - started:.0f} s")
    if args.zip:
        write_zip(BUNDLE)
    if args.no_smoke:
        return 0
    smoke = desktop_smoke.run(
        desktop_app.executable_in(BUNDLE),
        args.embedded,
        args.model_path,
        keep=False,
        default_data_dir_on_windows=args.default_data_dir,
    )
    passed = all(step.ok for step in smoke.steps) and len(smoke.steps) == desktop_smoke.STEPS
    print("smoke test passed" if passed else "smoke test FAILED")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
