"""A built desktop app seen from the outside: where it keeps its data, the clean environment and
free port it is started with, its executable and the processes it leaves.

Shared by the smoke test (``desktop_smoke.py``), the build script and the desktop benchmark
(``bench/desktop.py``), which start the same bundle in the same way.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import psutil

# The fake model's part in the code step: one step that prints, then the final answer.
CODE_RULES = [
    {
        "match": "New task",
        "reply": "Thought: Multiply.\n<code>\nprint('product is', 17 * 23)\n</code>",
        "times": 1,
    },
    {"match": "product is 391", "reply": "Thought: Done.\n<code>\nfinal_answer('391')\n</code>"},
]


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def default_data_dir(home: Path) -> Path:
    """Where the desktop app keeps its data by default, for a user whose home is ``home``
    (the same place platformdirs gives the app)."""
    if sys.platform == "win32":
        from platformdirs import user_data_dir

        return Path(user_data_dir("AgentDesk", appauthor=False))
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "AgentDesk"
    return home / ".local" / "share" / "AgentDesk"


def clean_environment(
    data_dir: Path, home: Path | None, embedded: bool, model_path: Path | None
) -> dict[str, str]:
    """The user's environment minus any Python setup, so the bundle must stand on its own.

    With ``home`` the app gets that home and no AGENTDESK_DATA_DIR, so it uses the
    platform's default data folder, ``data_dir``; otherwise AGENTDESK_DATA_DIR names it.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "AGENTDESK_", "CONDA", "XDG_"))
    }
    python_dirs = {str(Path(sys.executable).parent), str(Path(sys.prefix) / "bin")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p not in python_dirs]
    env["PATH"] = os.pathsep.join(path)
    if home is not None:
        env["HOME"] = str(home)
    else:
        env["AGENTDESK_DATA_DIR"] = str(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env["AGENTDESK_LLM_PROVIDER"] = "embedded" if embedded else "fake"
    if not embedded:
        rules = data_dir / "fake-rules.json"
        rules.write_text(json.dumps(CODE_RULES), encoding="utf-8")
        env["AGENTDESK_FAKE_RULES"] = str(rules)
    if model_path is not None:
        env["AGENTDESK_MODEL_PATH"] = str(model_path.resolve())
    return env


def app_processes(executable: Path, data_dir: Path, home: Path | None) -> list[psutil.Process]:
    """Processes started from the bundle, or pointed at this data folder by AGENTDESK_DATA_DIR
    or given the smoke test's temporary ``home``."""
    found = []
    bundle = str(executable.parent.resolve())
    for process in psutil.process_iter():
        try:
            if process.pid == os.getpid():
                continue
            exe = process.exe()
            environ = process.environ()
            if (
                exe.startswith(bundle)
                or environ.get("AGENTDESK_DATA_DIR") == str(data_dir)
                or (home is not None and environ.get("HOME") == str(home))
            ):
                found.append(process)
        except (psutil.Error, OSError):
            continue
    return found


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def executable_in(folder: Path) -> Path:
    """The app's executable inside a built one-folder bundle."""
    name = "AgentDesk.exe" if sys.platform == "win32" else "AgentDesk"
    path = folder / name
    if not path.is_file():
        raise SystemExit(f"{path} does not exist: build it with `python scripts/build_desktop.py`")
    return path
