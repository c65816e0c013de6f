"""Start AgentDesk: the one function both ``run.py`` and the desktop app call, ``main()``.

From source it runs ``reflex run`` in a supervised child (``ui_child``); the desktop app, and
``run.py --ui-dir DIR``, serve an exported UI from this process (``in_process``). Either way:
settings first (a bad one exits 2 with its message), one AgentDesk per data folder (a second
start opens the first, ``single_instance``), a port (``ports``), the browser once the app is
healthy (``browser``), and a clean stop of everything on Ctrl+C, a closed window or Quit
(``shutdown``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path

from backend import __version__
from backend.config import LLMProvider, Settings, SettingsError, load_settings
from backend.logging_setup import setup_logging
from backend.main import apply_offline_env
from backend.startup.bun import BunError
from backend.startup.processes import ServerExited
from backend.startup.shutdown import stop_on_signals
from backend.startup.single_instance import InstanceLock, open_running

FROZEN = bool(getattr(sys, "frozen", False))
# The desktop app's files (PyInstaller's one-folder layout keeps them beside the executable).
BUNDLE_ROOT = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
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
    return parser.parse_args(argv)


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


def serve(args: argparse.Namespace, settings: Settings, lock: InstanceLock) -> int:
    """Serve until stopped: the exported UI in this process, or ``reflex run`` from source."""
    from backend.startup.browser import announce_ready

    def on_ready(ui_url: str, started: float) -> None:
        how_to_stop = "close this window" if FROZEN else "press Ctrl+C"
        announce_ready(
            ui_url, started, lock=lock, open_browser=not args.no_browser, how_to_stop=how_to_stop
        )

    web_dir = BUNDLE_ROOT / "web" if FROZEN else args.ui_dir
    if web_dir is not None:
        from backend.startup.in_process import serve_exported

        return serve_exported(settings, web_dir.resolve(), on_ready)
    from backend.startup.ui_child import serve_from_source

    prepare_model(settings)
    return serve_from_source(settings, args.dev, args.timeout, on_ready)


def start(argv: list[str] | None = None) -> int:
    """Start the server, wait until it is healthy, open the browser, and stop it on exit."""
    args = parse_args(argv)
    apply_offline_env()
    try:
        settings = load_settings(**({"port": args.port} if args.port is not None else {}))
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    logs = setup_logging(settings.logs_dir.resolve(), settings.log_level, filename="run.jsonl")
    stop_on_signals()
    lock = InstanceLock(settings.data_dir.resolve())
    if not lock.acquire():
        return open_running(lock, args.no_browser)
    try:
        return serve(args, settings, lock)
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


def main(argv: list[str] | None = None) -> int:
    """The entry point of ``run.py`` and of the desktop app (``build.spec`` freezes run.py)."""
    if not FROZEN:
        return start(argv)
    return frozen_main(sys.argv[1:] if argv is None else argv)


def frozen_main(argv: list[str]) -> int:
    """The desktop app: the model server re-enters here; a failed start waits to be read."""
    import multiprocessing
    import warnings

    multiprocessing.freeze_support()
    # The bundle keeps PyTorch as bytecode; its TorchScript helpers would warn on every start.
    warnings.filterwarnings("ignore", message="Unable to retrieve source for @torch.jit")
    if argv[:1] == ["--serve-model"]:
        from backend.llm.llama_server import main as serve_model

        return serve_model(argv[1:])
    if argv[:1] == ["--self-check"]:
        # The smoke test's first step: load everything the app only loads when needed.
        from backend.self_check import main as self_check

        return self_check()
    # A shortcut may start it anywhere; settings in a .env file live beside the executable.
    os.chdir(Path(sys.executable).resolve().parent)
    code = start(argv)
    if code != 0 and sys.stdin is not None and sys.stdin.isatty():
        with contextlib.suppress(EOFError, KeyboardInterrupt):
            input("Press Enter to close this window.")
    return code
