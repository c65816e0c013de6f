"""AgentDesk started as a person starts it, ``python run.py --no-browser``, for the long benchmarks.

The app gets the scripted fake chat model, its own data dir, a free port and no per-client
rate limit (a benchmark is one client sending as fast as it is answered).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil

from backend.startup.ports import free_port
from bench.common import ROOT

START_TIMEOUT = 900.0  # the first start in a new data dir installs Bun and builds the UI


class AppProcess:
    """One ``run.py`` in a subprocess, its output in ``log_path``."""

    def __init__(self, data_dir: Path, log_path: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The process id of ``run.py`` (the root of the app's process tree)."""
        if self.process is None:
            raise RuntimeError("the app is not started")
        return self.process.pid

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start ``run.py`` and wait until ``/api/health`` answers."""
        environment = {
            **os.environ,
            "AGENTDESK_DATA_DIR": str(self.data_dir),
            "AGENTDESK_LLM_PROVIDER": "fake",
            "AGENTDESK_API_TOKEN": "",
            "AGENTDESK_RATE_LIMIT": "off",
            "AGENTDESK_LOG_LEVEL": "WARNING",
            "TOKENIZERS_PARALLELISM": "false",
            **self.env,
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "run.py", "--no-browser", "--port", str(self.port)]
        with self.log_path.open("wb") as sink:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=sink, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"run.py exited during start-up (code {self.process.returncode})"
                    f"; see {self.log_path}"
                )
            try:
                health = httpx.get(f"{self.url}/api/health", timeout=2, trust_env=False)
                if health.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the app did not become healthy in {timeout:.0f} s; see {self.log_path}")

    def tree(self) -> list[psutil.Process]:
        """``run.py`` and every process below it, as of now."""
        try:
            root = psutil.Process(self.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

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

    def stop(self) -> list[str]:
        """Stop ``run.py`` like Ctrl+C; kill and describe any process of its tree left over."""
        if self.process is None:
            return []
        family = self.tree()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        _gone, alive = psutil.wait_procs(family[1:], timeout=10)
        described = []
        for process in alive:
            try:
                described.append(f"{process.pid}: {' '.join(process.cmdline())}")
                process.kill()
            except psutil.Error:
                continue
        return described
