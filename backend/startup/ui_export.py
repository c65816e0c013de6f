"""Export the web interface as static files, the form the desktop app ships it in.

``reflex export --frontend-only`` compiles the pages and builds them with Bun in a work folder
(hundreds of MB of front-end packages); only the built pages and the few files Reflex's
backend reads at run time are copied to the output folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from backend.startup.bun import ensure_bun, toolchain_env
from backend.startup.in_process import STATIC_DIR, check_web_dir

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# What the served app reads from its web folder besides the pages themselves.
RUNTIME_FILES = ("env.json", "reflex.json", "routes.json", "backend")


class ExportFailed(RuntimeError):
    """``reflex export`` did not produce the pages; the message has its last output."""


def export_ui(
    out_dir: Path, work_dir: Path, tools_dir: Path, log: Callable[[str], None] = print
) -> Path:
    """Build the pages in ``work_dir`` and copy what the app serves into ``out_dir``."""
    bun_dir = ensure_bun(tools_dir, log)
    env = toolchain_env(dict(os.environ), bun_dir)
    env.update(
        {
            "REFLEX_WEB_WORKDIR": str(work_dir),
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "COLUMNS": "160",
        }
    )
    command = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"]
    log(f"Exporting the web interface into {work_dir} …")
    result = subprocess.run(
        [*command, "--env", "prod"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        raise ExportFailed("reflex export failed:\n" + "\n".join(output[-30:]))
    check_web_dir(work_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(work_dir / STATIC_DIR, out_dir / STATIC_DIR)
    for name in RUNTIME_FILES:
        source = work_dir / name
        if source.is_dir():
            shutil.copytree(source, out_dir / name)
        elif source.is_file():
            shutil.copy2(source, out_dir / name)
    return check_web_dir(out_dir)
