"""An AgentDesk process under test: started in its own process group, asked over HTTP, and
killed the way a power cut would (SIGKILL to the whole tree).

It is started like ``uvicorn backend.main:app`` (the API and every background service), or,
with ``FAULTS_UI_DIR`` naming an exported UI, as the desktop app starts: ``run.py --ui-dir``,
one process serving the pages and the API, with the instance lock and the launcher's own
signal handling.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil

from backend.startup.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180.0
REAL_APP = "backend.main:create_app"
STAND_INS = "bench.faultkit.stand_ins:create_app"


class AppFailed(RuntimeError):
    """The app did not start, or stopped answering, when it should have."""


def base_env(data_dir: Path, **env: str) -> dict[str, str]:
    """The app's environment: this process's minus any AGENTDESK_* of the caller's, then ours."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("AGENTDESK_")}
    return {
        **inherited,
        "AGENTDESK_DATA_DIR": str(data_dir),
        "AGENTDESK_LLM_PROVIDER": "fake",
        "AGENTDESK_RECONCILE_MINUTES": "0",
        "AGENTDESK_LOG_LEVEL": "WARNING",
        "AGENTDESK_RATE_LIMIT": "off",
        "TOKENIZERS_PARALLELISM": "false",
        **env,
    }


class AppProcess:
    """One app process (and whatever it starts) on a free loopback port.

    With ``FAULTS_STAND_INS`` in its environment (``env`` or inherited) the app is served from
    ``bench.faultkit.stand_ins``, which swaps the named heavy parts for light ones; with
    ``FAULTS_UI_DIR`` it is started by ``run.py`` (the two do not mix: run.py builds the real
    app).
    """

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, *, log_dir: Path | None = None
    ) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.env = base_env(data_dir, **(env or {}))
        self.module = STAND_INS if self.env.get("FAULTS_STAND_INS") else REAL_APP
        self.ui_dir = self.env.get("FAULTS_UI_DIR", "")
        if self.ui_dir and self.module == STAND_INS:
            raise ValueError("FAULTS_UI_DIR (run.py) cannot use FAULTS_STAND_INS")
        self.process: subprocess.Popen[bytes] | None = None
        # The console output sits beside the data dir unless that disk is part of the test.
        self.output = (log_dir or data_dir.parent) / f"{data_dir.name}-app-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> AppProcess:
        """Start the server and wait until ``/api/health`` answers."""
        if self.ui_dir:
            command = [sys.executable, "run.py", "--no-browser", "--port", str(self.port)]
            command += ["--ui-dir", self.ui_dir]
        else:
            command = [sys.executable, "-m", "uvicorn", self.module, "--factory"]
            command += ["--port", str(self.port), "--log-level", "warning"]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.output.open("ab") as sink:
            # Its own session: one killpg reaches the server and every child it started.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise AppFailed(f"the app exited at start ({code}): {self.tail()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2, trust_env=False).is_success:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AppFailed(f"the app did not answer within {timeout:.0f} s: {self.tail()}")

    def tail(self, lines: int = 30) -> str:
        """The end of the app's console output."""
        if not self.output.exists():
            return ""
        text = self.output.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def tree(self) -> list[psutil.Process]:
        """The server process and all its descendants."""
        if self.process is None:
            return []
        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kill(self) -> int:
        """SIGKILL the whole tree at once (no clean-up code runs); returns how many died."""
        if self.process is None:
            return 0
        members = self.tree()
        # Freeze first, so no child notices its parent dying and acts before it is killed.
        for member in members:
            _signal(member, signal.SIGSTOP)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for member in members:
            _signal(member, signal.SIGKILL)
        self.process.wait(30)
        psutil.wait_procs(members, timeout=30)
        return len(members)

    def stop(self, timeout: float = 60.0) -> int | None:
        """Stop the app as Ctrl+C does and wait; returns its exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AppFailed(f"the app did not stop within {timeout:.0f} s") from None

    def survivors(self, members: list[psutil.Process]) -> list[int]:
        """Pids of ``members`` still alive."""
        return [m.pid for m in members if m.is_running() and m.status() != psutil.STATUS_ZOMBIE]

    # -- HTTP --------------------------------------------------------------------------------

    def get(self, path: str, timeout: float = 30.0) -> httpx.Response:
        return httpx.get(self.url + path, timeout=timeout, trust_env=False)

    def post(self, path: str, timeout: float = 60.0, **kwargs: Any) -> httpx.Response:
        return httpx.post(self.url + path, timeout=timeout, trust_env=False, **kwargs)

    def json(self, path: str) -> Any:
        response = self.get(path)
        response.raise_for_status()
        return response.json()

    def stream_query(self, prompt: str, **fields: Any) -> Iterator[dict[str, Any]]:
        """POST a streamed question and yield its run events as they arrive."""
        body = {"prompt": prompt, "stream": True, "use_knowledge": False, **fields}
        timeout = httpx.Timeout(60.0, read=60.0)
        with httpx.stream(
            "POST", f"{self.url}/api/agent/query", json=body, timeout=timeout, trust_env=False
        ) as response:
            if not response.is_success:
                response.read()
                yield {"type": "http_error", "status": response.status_code, "body": response.text}
                return
            for line in response.iter_lines():
                if line.startswith("data:"):
                    yield json.loads(line[5:])

    def wait_for(self, what: str, check: Any, timeout: float = 120.0, every: float = 0.2) -> Any:
        """Poll ``check()`` until it returns something truthy; AppFailed after ``timeout``."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                last = check()
            except httpx.HTTPError as error:
                last = error
            else:
                if last:
                    return last
            time.sleep(every)
        raise AppFailed(f"timed out waiting for {what} (last: {last!r}): {self.tail(10)}")


def _signal(process: psutil.Process, signum: int) -> None:
    with contextlib.suppress(psutil.Error):
        process.send_signal(signum)
