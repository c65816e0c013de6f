"""Start AgentDesk: the web interface and the API on one local port, then open the browser.

    python run.py                 # build if needed, serve, open the browser
    python run.py --no-browser    # serve only
    python run.py --port 9000     # preferred port (another free one is used if it is taken)
    python run.py --dev           # hot reload while editing the code (two ports)
    python run.py --ui-dir DIR    # serve a prebuilt UI from this process, as the desktop app does

Ctrl+C (or Quit in the page) stops the server and everything it started. The desktop app is
this file frozen by PyInstaller (build.spec): it always serves its bundled UI in-process.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import sys
import time
import webbrowser
from pathlib import Path
from types import FrameType

from backend import __version__
from backend.config import LLMProvider, Settings, SettingsError, is_loopback, load_settings
from backend.lifecycle import LAUNCHER_PID_ENV
from backend.logging_setup import setup_logging
from backend.main import OFFLINE_ENV, apply_offline_env
from frontend.launcher.bun import BunError, ensure_bun, toolchain_env
from frontend.launcher.child import ServerExited, ServerProcess
from frontend.launcher.instance import InstanceLock, answers

FROZEN = bool(getattr(sys, "frozen", False))
PROJECT_ROOT = Path(__file__).resolve().parent
# The desktop app's files (PyInstaller's one-folder layout keeps them beside the executable).
BUNDLE_ROOT = Path(getattr(sys, "_MEIPASS", PROJECT_ROOT))
log = logging.getLogger("agentdesk.launcher")
# The first start installs the web front end's packages and builds it, which can take minutes.
DEFAULT_START_TIMEOUT = 900.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options; settings themselves come from AGENTDESK_* and .env."""
    parser = argparse.ArgumentParser(description="Start AgentDesk and open it in the browser.")
    parser.add_argument("--version", action="version", version=f"AgentDesk {__version__}")
    parser.add_argument("--port", type=int, help="preferred port (default: AGENTDESK_PORT, 8765)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    parser.add_argument(
        "--dev",
        action="store_true",
        help="hot reload for development: the UI gets its own port (the next free one)",
    )
    parser.add_argument(
        "--ui-dir",
        type=Path,
        help="serve the web interface exported to this folder from this process (no Bun)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_START_TIMEOUT,
        help="seconds to wait for the server to become healthy (default: %(default)s)",
    )
    parser.set_defaults(lock=None)  # the InstanceLock, once taken
    return parser.parse_args(argv)


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if sys.platform != "win32":
            # Matches what servers do, so a port in TIME_WAIT after a restart counts as free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str) -> int:
    """A port the system reports unused on ``host``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def choose_port(host: str, preferred: int) -> int:
    """``preferred`` when it is free, otherwise any free port."""
    if preferred and port_is_free(host, preferred):
        return preferred
    return free_port(host)


def browser_host(host: str) -> str:
    """The address a local browser should use to reach ``host``."""
    if host in {"0.0.0.0", "::", ""} or is_loopback(host):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def prepare_model(settings: Settings) -> None:
    """Download and verify the embedded model before the server needs it (first run only)."""
    if settings.llm_provider is not LLMProvider.embedded:
        return
    try:
        from backend.llm.model_fetch import ConsoleProgress, ModelFetchError, ensure_model
    except ImportError as error:
        log.warning("model download unavailable: %s", error)
        print(f"Warning: cannot prepare the embedded model here ({error}).", file=sys.stderr)
        return
    try:
        ensure_model(settings, ConsoleProgress())
    except (ModelFetchError, OSError) as error:
        # The server still starts, so the page can show what is wrong with the model.
        log.error("model preparation failed: %s", error)
        print(f"Warning: the embedded model is not ready: {error}", file=sys.stderr)


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


def _stop_on_signal(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def open_running(lock: InstanceLock, no_browser: bool, wait: float = 30.0) -> int:
    """Another AgentDesk holds this data folder: open it in the browser instead of starting."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        url = lock.running_url()
        if url and answers(url):
            print(f"AgentDesk is already running at {url}")
            if not no_browser:
                webbrowser.open(url)
            return 0
        time.sleep(0.5)  # it may still be starting
    print(
        f"Another AgentDesk is using {lock.data_dir} but does not answer. Close it (or end "
        "its process) and start again.",
        file=sys.stderr,
    )
    return 1


def serve_from_source(args: argparse.Namespace, settings: Settings) -> int:
    """Build the UI if needed and serve it with ``reflex run`` in a supervised child."""
    server: ServerProcess | None = None
    try:
        prepare_model(settings)
        bun_dir = ensure_bun(settings.data_dir.resolve() / "tools" / "bun", print)
        port = choose_port(settings.host, settings.port)
        if port != settings.port:
            print(f"Port {settings.port} is in use; using {port} instead.")
        frontend_port = port
        if args.dev:
            frontend_port = choose_port(settings.host, port + 1)
            print("Dev mode: Reflex's hot-reload page server listens on all network interfaces.")
        base = f"http://{browser_host(settings.host)}"
        log.info("starting on port %d (dev=%s, bun in %s)", port, args.dev, bun_dir)
        print(f"Starting AgentDesk on {base}:{port} …")
        started = time.monotonic()
        server = ServerProcess(
            reflex_command(args.dev, settings.host, port, frontend_port),
            env=server_env(settings, port, frontend_port, bun_dir),
            cwd=PROJECT_ROOT,
            log=log,
        )
        server.start()
        server.wait_healthy(
            f"{base}:{port}/api/health",
            args.timeout,
            on_wait=lambda waited: print(
                f"Still starting… ({waited:.0f} s; the first run builds the UI)"
            ),
        )
        ui_url = f"{base}:{frontend_port}/"
        announce_ready(args, ui_url, started)
        return server.wait()
    finally:
        if server is not None:
            server.stop()


def serve_bundled(args: argparse.Namespace, settings: Settings, web_dir: Path) -> int:
    """Serve the prebuilt UI and the API from this process (the desktop app's way)."""
    from frontend.launcher.bundled import serve

    port = choose_port(settings.host, settings.port)
    if port != settings.port:
        print(f"Port {settings.port} is in use; using {port} instead.")
    ui_url = f"http://{browser_host(settings.host)}:{port}/"
    print(f"Starting AgentDesk on {ui_url} …")
    started = time.monotonic()
    return serve(settings, port, web_dir, on_ready=lambda: announce_ready(args, ui_url, started))


def announce_ready(args: argparse.Namespace, ui_url: str, started: float) -> None:
    """Say where AgentDesk is, tell a later start, and open the browser."""
    elapsed = time.monotonic() - started
    log.info("ready at %s after %.1f s", ui_url, elapsed)
    if args.lock is not None:
        args.lock.publish(ui_url)
    how_to_stop = "close this window" if FROZEN else "press Ctrl+C"
    print(f"AgentDesk is ready at {ui_url} ({elapsed:.1f} s). To stop it, {how_to_stop}.")
    if not args.no_browser:
        webbrowser.open(ui_url)


def main(argv: list[str] | None = None) -> int:
    """Start the server, wait until it is healthy, open the browser, and stop it on exit."""
    args = parse_args(argv)
    apply_offline_env()
    try:
        settings = load_settings(**({"port": args.port} if args.port is not None else {}))
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    logs = setup_logging(settings.logs_dir.resolve(), settings.log_level, filename="run.jsonl")
    # SIGINT too: a shell that starts us in the background hands it down as ignored.
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop_on_signal)
    lock = InstanceLock(settings.data_dir.resolve())
    if not lock.acquire():
        return open_running(lock, args.no_browser)
    args.lock = lock
    web_dir = BUNDLE_ROOT / "web" if FROZEN else args.ui_dir
    try:
        if web_dir is not None:
            return serve_bundled(args, settings, web_dir.resolve())
        return serve_from_source(args, settings)
    except KeyboardInterrupt:
        print("Stopping AgentDesk…")
        return 0
    except (BunError, ServerExited, TimeoutError, OSError) as error:
        log.error("could not start: %s", error)
        print(f"AgentDesk could not start: {error}", file=sys.stderr)
        return 1
    except Exception:
        # Whatever it was goes to the log in full; the person gets a line and where to look.
        log.exception("unexpected error")
        print(f"AgentDesk stopped on an unexpected error; the details are in {logs}.")
        return 1
    finally:
        lock.release()
        logging.shutdown()


def frozen_main() -> int:
    """The desktop app: the model server re-enters here; a failed start waits to be read."""
    import multiprocessing
    import warnings

    multiprocessing.freeze_support()
    # The bundle keeps PyTorch as bytecode; its TorchScript helpers would warn on every start.
    warnings.filterwarnings("ignore", message="Unable to retrieve source for @torch.jit")
    if sys.argv[1:2] == ["--serve-model"]:
        from backend.llm.llama_server import main as serve_model

        return serve_model(sys.argv[2:])
    if sys.argv[1:2] == ["--self-check"]:
        # The smoke test's first step: load everything the app only loads when needed.
        from backend.self_check import main as self_check

        return self_check()
    # A shortcut may start it anywhere; settings in a .env file live beside the executable.
    os.chdir(Path(sys.executable).resolve().parent)
    code = main()
    if code != 0 and sys.stdin is not None and sys.stdin.isatty():
        with contextlib.suppress(EOFError, KeyboardInterrupt):
            input("Press Enter to close this window.")
    return code


if __name__ == "__main__":
    sys.exit(frozen_main() if FROZEN else main())
