"""Serve a prebuilt web interface and the API from this one process, as the desktop app does.

``reflex export --frontend-only`` writes the pages as static files; here Reflex's own backend
serves them on the API's port, so no JavaScript toolchain is needed at run time. The build
bakes one backend port into a small script (``assets/reflex-env-*.js``); the app may get
another free port at start, so that one file is answered with the port actually in use.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from backend.config import Settings, get_settings
from backend.startup.ports import app_port, browser_host
from backend.startup.shutdown import stopped_by

log = logging.getLogger("agentdesk.launcher")

STATIC_DIR = Path("build") / "client"


class MissingWebBuild(FileNotFoundError):
    """The prebuilt web interface is not where it should be."""


def check_web_dir(web_dir: Path) -> Path:
    """``web_dir`` when it holds an exported UI, else :class:`MissingWebBuild` saying so."""
    if not (web_dir / STATIC_DIR / "index.html").is_file() or not (web_dir / "env.json").is_file():
        raise MissingWebBuild(
            f"The web interface is missing from {web_dir}: build it with "
            "`python scripts/build_desktop.py --ui-only`, or reinstall the desktop app."
        )
    return web_dir


def built_origin(web_dir: Path) -> str:
    """The ``host:port`` the export baked into its scripts (from its ``env.json``)."""
    env = json.loads((web_dir / "env.json").read_text(encoding="utf-8"))
    return urlsplit(str(env["PING"])).netloc


class EnvScript:
    """Answers the export's environment script with this server's port; all else passes on."""

    def __init__(self, app: ASGIApp, web_dir: Path, port: int) -> None:
        self.app = app
        self.scripts: dict[str, bytes] = {}
        origin = built_origin(web_dir)
        # The page swaps in its own host name; only the port has to be right.
        actual = f"{origin.rsplit(':', 1)[0]}:{port}"
        for script in (web_dir / STATIC_DIR / "assets").glob("reflex-env-*.js"):
            text = script.read_text(encoding="utf-8").replace(origin, actual)
            self.scripts[f"/assets/{script.name}"] = text.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self.scripts.get(scope.get("path", "")) if scope["type"] == "http" else None
        if body is None:
            await self.app(scope, receive, send)
            return
        headers = [
            (b"content-type", b"text/javascript; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-cache"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def prepare_environment(settings: Settings, port: int, web_dir: Path) -> None:
    """What Reflex reads before the app is imported: production, prebuilt pages, this port."""
    os.environ.update(
        {
            "AGENTDESK_HOST": settings.host,
            "AGENTDESK_PORT": str(port),
            "AGENTDESK_DATA_DIR": str(settings.data_dir.resolve()),
            "REFLEX_ENV_MODE": "prod",
            "REFLEX_WEB_WORKDIR": str(web_dir),
            "REFLEX_CHECK_LATEST_VERSION": "false",
            # Reflex keeps lock files in its own per-user folder; keep them with our data.
            "REFLEX_DIR": str(settings.data_dir.resolve() / "reflex"),
            # Reflex's internal switches: serve the export, and do not compile pages again.
            "__REFLEX_SKIP_COMPILE": "true",
            "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true",
        }
    )
    os.environ.pop("REFLEX_REDIS_URL", None)
    # The UI's own API client reads the settings again, now with the port in use.
    get_settings.cache_clear()


def build_asgi_app(settings: Settings, port: int, web_dir: Path) -> ASGIApp:
    """The whole app, UI and API, ready for an ASGI server."""
    prepare_environment(settings, port, web_dir)
    # The module rxconfig names as the app: Reflex looks the app up there again at run time.
    from backend.startup.web_app import app

    return EnvScript(app(), web_dir, port)


def serve(
    settings: Settings,
    port: int,
    web_dir: Path,
    on_ready: Callable[[], None] = lambda: None,
) -> int:
    """Serve until stopped (Ctrl+C, closing the window, or the UI's Quit); returns 0.

    ``on_ready`` runs on a helper thread once the server is listening.
    """
    import uvicorn

    from backend.server import uvicorn_options

    config = uvicorn.Config(
        build_asgi_app(settings, port, check_web_dir(web_dir)),
        host=settings.host,
        port=port,
        # Named outright: a frozen app cannot discover implementations by import at run time.
        loop="asyncio",
        ws="websockets-sansio",
        lifespan="on",
        log_config=None,
        log_level="warning",
        timeout_graceful_shutdown=5,
        proxy_headers=False,
        # h11 with a deadline for each request's headers, so a slow client cannot hold on.
        **uvicorn_options(),
    )
    server = uvicorn.Server(config)

    def stop() -> None:
        server.should_exit = True

    def wait_until_started() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            on_ready()

    threading.Thread(target=wait_until_started, name="on-ready", daemon=True).start()
    with stopped_by(stop):
        server.run()
    if not server.started:
        raise OSError(f"AgentDesk could not listen on {settings.host}:{port}")
    return 0


def serve_exported(
    settings: Settings, web_dir: Path, on_ready: Callable[[str, float], None]
) -> int:
    """Pick a port, serve ``web_dir`` and the API until stopped; ``on_ready(url, started)``."""
    port = app_port(settings.host, settings.port)
    ui_url = f"http://{browser_host(settings.host)}:{port}/"
    print(f"Starting AgentDesk on {ui_url} …")
    started = time.monotonic()
    return serve(settings, port, web_dir, on_ready=lambda: on_ready(ui_url, started))
