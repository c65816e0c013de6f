"""Run the UI server as a child process group and stop all of it on exit."""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

_IS_WINDOWS = sys.platform == "win32"
# Reflex advice that does not apply to AgentDesk (it builds with Bun, and run.py starts it):
# kept in the log file, left off the console.
CONSOLE_NOISE = ("of Node.js is out of date", "uv run reflex run")
# The server's own output is copied into the launcher's log under this name.
server_log = logging.getLogger("agentdesk.server")


def level_of(line: str) -> int:
    """A best guess at the logging level of a line the server printed."""
    upper = line.upper()
    if "TRACEBACK" in upper or "ERROR" in upper or "EXCEPTION" in upper:
        return logging.ERROR
    if "WARN" in upper:
        return logging.WARNING
    return logging.INFO


class ServerExited(RuntimeError):
    """The server process ended before it became healthy."""


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the launcher is killed outright (Linux only)."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class ServerProcess:
    """A command started in its own process group, its output echoed and logged."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: dict[str, str],
        cwd: Path,
        log: logging.Logger,
        echo: Callable[[str], None] | None = print,
    ) -> None:
        self.command = list(command)
        self.env = env
        self.cwd = cwd
        self.log = log
        self.echo = echo
        self.recent: collections.deque[str] = collections.deque(maxlen=40)
        self.process: subprocess.Popen[str] | None = None
        self._pump: threading.Thread | None = None

    def start(self) -> None:
        """Start the command; its children share its new process group."""
        options: dict[str, object] = {}
        if _IS_WINDOWS:
            options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        elif sys.platform.startswith("linux"):
            options["preexec_fn"] = _die_with_parent
        else:
            options["start_new_session"] = True
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            **options,  # type: ignore[call-overload]
        )
        self.log.info("server started (pid %d): %s", self.process.pid, " ".join(self.command))
        self._pump = threading.Thread(target=self._copy_output, name="server-output", daemon=True)
        self._pump.start()

    def _copy_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.rstrip()
            if not line.strip():
                continue
            self.recent.append(line)
            server_log.log(level_of(line), line)
            if self.echo is not None and not any(noise in line for noise in CONSOLE_NOISE):
                self.echo(line)

    def poll(self) -> int | None:
        """The exit code, or None while running."""
        return None if self.process is None else self.process.poll()

    def wait_healthy(
        self,
        url: str,
        timeout: float,
        on_wait: Callable[[float], None] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Block until ``url`` answers 200; raise :class:`ServerExited` or ``TimeoutError``."""
        started = time.monotonic()
        next_notice = started + 20
        with httpx.Client(timeout=3.0, headers=headers or {}) as client:
            while True:
                code = self.poll()
                if code is not None:
                    tail = "\n".join(self.recent)
                    raise ServerExited(
                        f"The server stopped during start-up (exit code {code}).\n{tail}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(url).status_code == 200:
                        return
                now = time.monotonic()
                if now - started > timeout:
                    raise TimeoutError(f"The server did not answer {url} within {timeout:.0f} s.")
                if on_wait is not None and now >= next_notice:
                    on_wait(now - started)
                    next_notice = now + 20
                time.sleep(0.5)

    def wait(self) -> int:
        """Wait for the server to end by itself and return its exit code."""
        assert self.process is not None
        return self.process.wait()

    def stop(self, grace: float = 10.0) -> None:
        """Ask the whole process group to stop, then kill whatever is left after ``grace``."""
        if self.process is None:
            return
        pid = self.process.pid
        if self.process.poll() is None:
            self.log.info("stopping server (pid %d)", pid)
            self._signal_group(pid, graceful=True)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.log.warning("server did not stop within %.0f s; killing it", grace)
        # Workers and build tools can outlive the leader; sweep the group either way.
        self._signal_group(pid, graceful=False)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        if self._pump is not None:
            self._pump.join(timeout=2)
        self.log.info("server stopped (exit code %s)", self.process.poll())

    @staticmethod
    def _signal_group(pid: int, graceful: bool) -> None:
        if _IS_WINDOWS:
            if graceful:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.CTRL_BREAK_EVENT)  # type: ignore[attr-defined]
            else:
                subprocess.run(
                    ["taskkill", "/PID", str(pid), "/T", "/F"], capture_output=True, check=False
                )
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM if graceful else signal.SIGKILL)
