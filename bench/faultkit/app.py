"""An AgentDesk process under test: started in its own process group, asked over HTTP, and
killed the way a power cut would (SIGKILL to the whole tree).

It is started like ``uvicorn backend.main:app`` (the API and every background service), or,
with ``FAULTS_UI_DIR`` naming an exported UI, as the desktop app starts: ``run.py --ui-dir``,
one process serving the pages and the API, with the instance lock and the launcher's own
signal handling.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.app_process import ROOT, AppFailed, AppProcess

__all__ = ["ROOT", "AppFailed", "FaultApp", "base_env"]

START_TIMEOUT = 180.0
STAND_INS = "bench.faultkit.stand_ins:create_app"


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


class FaultApp(AppProcess):
    """The app under a fault drill, in a process group of its own (one kill reaches it all).

    With ``FAULTS_STAND_INS`` in its environment (``env`` or inherited) the app is served from
    ``bench.faultkit.stand_ins``, which swaps the named heavy parts for light ones; with
    ``FAULTS_UI_DIR`` it is started by ``run.py`` (the two do not mix: run.py builds the real
    app).
    """

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, *, log_dir: Path | None = None
    ) -> None:
        super().__init__(data_dir, base_env(data_dir, **(env or {})), own_session=True)
        if self.env.get("FAULTS_STAND_INS"):
            self.factory = STAND_INS
        self.ui_dir = self.env.get("FAULTS_UI_DIR", "")
        if self.ui_dir and self.factory == STAND_INS:
            raise ValueError("FAULTS_UI_DIR (run.py) cannot use FAULTS_STAND_INS")
        # The console output sits beside the data dir unless that disk is part of the test.
        self.output = (log_dir or data_dir.parent) / f"{data_dir.name}-app-{self.port}.log"

    def command(self) -> list[str]:
        if not self.ui_dir:
            return super().command()
        command = [sys.executable, "run.py", "--no-browser", "--port", str(self.port)]
        return [*command, "--ui-dir", self.ui_dir]

    def start(self, timeout: float = START_TIMEOUT) -> FaultApp:
        return super().start(timeout)

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
