"""From source: the UI server is ``reflex run`` in a supervised child process.

Reflex builds the pages with Bun (installed on first use) into the data folder and serves
them, the UI's state and the mounted API (``backend/startup/web_app.py``) on one port in
production mode; ``--dev`` gives the pages their own port and hot reload.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from backend.config import Settings
from backend.lifecycle import LAUNCHER_PID_ENV
from backend.main import OFFLINE_ENV
from backend.startup.bun import ensure_bun, toolchain_env
from backend.startup.ports import app_port, browser_host, choose_port
from backend.startup.processes import ServerProcess

log = logging.getLogger("agentdesk.launcher")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def reflex_command(dev: bool, host: str, port: int, frontend_port: int) -> list[str]:
    """The ``reflex run`` invocation: production on one port, or dev mode with hot reload."""
    command = [sys.executable, "-m", "reflex", "run", "--backend-host", host]
    if dev:
        return [
            *command,
            "--env",
            "dev",
            "--backend-port",
            str(port),
            "--frontend-port",
            str(frontend_port),
        ]
    return [*command, "--env", "prod", "--single-port", "--backend-port", str(port)]


def server_env(settings: Settings, port: int, frontend_port: int, bun_dir: Path) -> dict[str, str]:
    """The environment of the server process."""
    env = toolchain_env(dict(os.environ), bun_dir)
    env.update(OFFLINE_ENV)
    env.update(
        {
            # Reflex would otherwise ask PyPI for its latest version on every start.
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "AGENTDESK_HOST": settings.host,
            "AGENTDESK_PORT": str(port),
            "AGENTDESK_DATA_DIR": str(settings.data_dir.resolve()),
            "AGENTDESK_DEV_FRONTEND_PORT": str(frontend_port),
            # The built UI has its port baked in, so each data dir keeps its own build: two
            # instances (say, tests next to a running app) never rebuild each other's pages.
            "REFLEX_WEB_WORKDIR": str(settings.data_dir.resolve() / "web"),
            # The backend holds conversation state and the model in memory: exactly one worker.
            "REFLEX_USE_GRANIAN": "true",
            "GRANIAN_WORKERS": "1",
            "PYTHONUNBUFFERED": "1",
            # The UI's Quit button asks this launcher to stop everything (backend.lifecycle).
            LAUNCHER_PID_ENV: str(os.getpid()),
            # Reflex wraps its messages at the terminal width; one message per line reads better.
            "COLUMNS": "160",
        }
    )
    # A Redis URL would make Reflex start one worker per core.
    env.pop("REFLEX_REDIS_URL", None)
    return env


def serve_from_source(
    settings: Settings, dev: bool, timeout: float, on_ready: Callable[[str, float], None]
) -> int:
    """Build the UI if needed, serve it in a child until it ends; ``on_ready(url, started)``."""
    server: ServerProcess | None = None
    try:
        bun_dir = ensure_bun(settings.data_dir.resolve() / "tools" / "bun", print)
        port = app_port(settings.host, settings.port)
        frontend_port = port
        if dev:
            frontend_port = choose_port(settings.host, port + 1)
            print("Dev mode: Reflex's hot-reload page server listens on all network interfaces.")
        base = f"http://{browser_host(settings.host)}"
        log.info("starting on port %d (dev=%s, bun in %s)", port, dev, bun_dir)
        print(f"Starting AgentDesk on {base}:{port} …")
        started = time.monotonic()
        server = ServerProcess(
            reflex_command(dev, settings.host, port, frontend_port),
            env=server_env(settings, port, frontend_port, bun_dir),
            cwd=PROJECT_ROOT,
            log=log,
        )
        server.start()
        server.wait_healthy(
            f"{base}:{port}/api/health",
            timeout,
            on_wait=lambda waited: print(
                f"Still starting… ({waited:.0f} s; the first run builds the UI)"
            ),
        )
        on_ready(f"{base}:{frontend_port}/", started)
        return server.wait()
    finally:
        if server is not None:
            server.stop()
