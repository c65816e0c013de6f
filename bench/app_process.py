"""AgentDesk in a subprocess, for the benchmarks and the fault drills: started on a free
loopback port, waited for until ``/api/health`` answers, then stopped as Ctrl+C does or killed
as a power cut would.

Every benchmark starts the app through ``AppProcess``: the knowledge benchmarks with
``bench.common.served_app`` (uvicorn), the long ones with ``RunPy`` (``python run.py
--no-browser``, as a person starts it), the fault drills with ``bench.faultkit.app``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Self

import httpx
import psutil

from backend.startup.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
REAL_APP = "backend.main:create_app"
START_TIMEOUT = 900.0  # the first start of run.py in a new data dir installs Bun and builds the UI


class AppFailed(RuntimeError):
    """The app did not start, or stopped answering, when it should have."""


class AppProcess:
    """One app process (and whatever it starts) on a free loopback port.

    ``output`` takes its console output (None: this process's own). With ``own_session`` it
    runs in a process group of its own, so ``kill`` reaches every child in one call.
    """

    def __init__(
        self,
        data_dir: Path,
        env: Mapping[str, str],
        output: Path | None = None,
        *,
        own_session: bool = False,
    ) -> None:
        self.data_dir = data_dir
        self.env = dict(env)
        self.output = output
        self.own_session = own_session
        self.port = free_port()
        self.factory = REAL_APP
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The process id of the app (the root of its process tree)."""
        if self.process is None:
            raise RuntimeError("the app is not started")
        return self.process.pid

    def command(self) -> list[str]:
        """How the app is started: uvicorn serving ``factory`` (the real app)."""
        command = [sys.executable, "-m", "uvicorn", self.factory, "--factory"]
        return [*command, "--port", str(self.port), "--log-level", "warning"]

    def start(self, timeout: float = START_TIMEOUT) -> Self:
        """Start the app and wait until ``/api/health`` answers (AppFailed if it never does)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as stack:
            sink = None
            if self.output is not None:
                self.output.parent.mkdir(parents=True, exist_ok=True)
                sink = stack.enter_context(self.output.open("ab"))
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=sink,
                stderr=subprocess.STDOUT if sink else None,
                start_new_session=self.own_session,
            )  # fmt: skip
        # Start-up migrates the database and loads the vector index (a while at 100k chunks);
        # the health check answers only once that is done.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise AppFailed(f"the app exited during start-up ({code}): {self.tail()}")
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
        if self.output is None or not self.output.exists():
            return f"see {self.output}" if self.output else ""
        text = self.output.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def tree(self) -> list[psutil.Process]:
        """The app's process and all its descendants, as of now."""
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
        if self.own_session:
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

    def shut_down(self, timeout: float = 30.0) -> list[str]:
        """Stop the app like Ctrl+C; kill and describe any process of its tree left over."""
        family = self.tree()
        with contextlib.suppress(AppFailed):
            self.stop(timeout)
        _gone, alive = psutil.wait_procs(family[1:], timeout=10)
        described = []
        for process in alive:
            try:
                described.append(f"{process.pid}: {' '.join(process.cmdline())}")
                process.kill()
            except psutil.Error:
                continue
        return described

    def logged_errors(self) -> Counter[str]:
        """The app's ERROR log records so far, counted by logger and message.

        A failure in a background worker (ingest, scheduler) answers no request with a 5xx,
        so only the log shows it.
        """
        counts: Counter[str] = Counter()
        for path in sorted((self.data_dir / "logs").glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("level") in ("ERROR", "CRITICAL"):
                    detail = str(record.get("exception") or "").strip().splitlines()[-1:]
                    message = f"{record.get('logger')}: {record.get('message')}"
                    counts[" ".join([message, *detail])[:300]] += 1
        return counts


class RunPy(AppProcess):
    """``python run.py --no-browser``, as a person starts AgentDesk, for the long benchmarks.

    The app gets the scripted fake chat model, its own data dir, a free port and no
    per-client rate limit (a benchmark is one client sending as fast as it is answered).
    """

    def __init__(self, data_dir: Path, log_path: Path, **env: str) -> None:
        environment = {
            **os.environ,
            "AGENTDESK_DATA_DIR": str(data_dir),
            "AGENTDESK_LLM_PROVIDER": "fake",
            "AGENTDESK_API_TOKEN": "",
            "AGENTDESK_RATE_LIMIT": "off",
            "AGENTDESK_LOG_LEVEL": "WARNING",
            "TOKENIZERS_PARALLELISM": "false",
            **env,
        }
        super().__init__(data_dir, environment, log_path)

    def command(self) -> list[str]:
        return [sys.executable, "run.py", "--no-browser", "--port", str(self.port)]

    def start(self, timeout: float = START_TIMEOUT) -> Self:
        try:
            return super().start(timeout)
        except AppFailed as error:
            raise SystemExit(str(error)) from None


def _signal(process: psutil.Process, signum: int) -> None:
    with contextlib.suppress(psutil.Error):
        process.send_signal(signum)
