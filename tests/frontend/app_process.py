"""Start and stop AgentDesk the way a person does: ``python run.py`` in a subprocess.

The first build installs the front end's packages, which can take minutes on a fresh machine;
progress is printed while waiting.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from backend.startup.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
START_TIMEOUT = 900.0
STREAMED_REPLY = "Hi there from the fake model, streaming one word at a time to the page."
FAKE_RULES: list[dict[str, Any]] = [
    {"match": "hello", "reply": STREAMED_REPLY, "token_delay": 0.12},
]


@dataclass
class RunningApp:
    """An AgentDesk started by ``run.py``."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    output: Path

    def api(self, path: str) -> Any:
        """GET an API path and return its JSON."""
        response = httpx.get(self.url.rstrip("/") + path, timeout=10)
        response.raise_for_status()
        return response.json()


def tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def app_env(data_dir: Path, llm_base_url: str) -> dict[str, str]:
    """The environment ``run.py`` gets in these tests: its own data dir, this model, no token."""
    return {
        **os.environ,
        "AGENTDESK_DATA_DIR": str(data_dir),
        "AGENTDESK_LLM_PROVIDER": "openai_compatible",
        "AGENTDESK_LLM_BASE_URL": llm_base_url,
        "AGENTDESK_LLM_RETRIES": "0",
        "AGENTDESK_API_TOKEN": "",
        # All browser tests are one client of one app: the per-client limit is not under test.
        "AGENTDESK_RATE_LIMIT": "off",
    }


def start_app(
    data_dir: Path,
    llm_base_url: str,
    extra_args: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
) -> RunningApp:
    """Run ``python run.py --no-browser [extra_args]`` and wait until ``/api/health`` answers.

    ``extra_env`` overrides the test environment of :func:`app_env` (another model provider,
    say).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**app_env(data_dir, llm_base_url), **(extra_env or {})}
    output = data_dir / "run-output.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "run.py", "--no-browser", "--port", str(port), *extra_args],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    next_report = started + 15
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"run.py exited with {process.returncode}:\n{tail(output)}")
        try:
            if httpx.get(url + "api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        waited = time.monotonic() - started
        if waited > START_TIMEOUT:
            stop_app(RunningApp(url, data_dir, process, output))
            raise RuntimeError(f"AgentDesk did not become healthy:\n{tail(output)}")
        if time.monotonic() >= next_report:
            last = tail(output, 1) or "…"
            print(f"\n[frontend tests] waiting for AgentDesk ({waited:.0f} s): {last}", flush=True)
            next_report = time.monotonic() + 15
        time.sleep(0.5)
    print(f"\n[frontend tests] AgentDesk healthy after {time.monotonic() - started:.1f} s")
    return RunningApp(url, data_dir, process, output)


def _leftovers(data_dir: Path) -> list[psutil.Process]:
    """Processes (other than this one) whose environment points at ``data_dir``."""
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            if process.environ().get("AGENTDESK_DATA_DIR") == str(data_dir):
                found.append(process)
        except (psutil.Error, OSError):
            continue
    return found


def stop_app(app: RunningApp, how: int = signal.SIGINT) -> list[str]:
    """Stop ``run.py`` like Ctrl+C (or SIGTERM) and return any processes it left behind."""
    if app.process.poll() is None:
        app.process.send_signal(how)
        try:
            app.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.process.kill()
            app.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while (left := _leftovers(app.data_dir)) and time.monotonic() < deadline:
        time.sleep(0.25)
    described = []
    for process in left:
        try:
            described.append(f"{process.pid}: {' '.join(process.cmdline())}")
        except psutil.Error:
            continue
        process.kill()
    return described


@dataclass
class BrowserTab:
    """A Playwright page and every URL it has requested so far."""

    page: Any
    requested_urls: list[str] = field(default_factory=list)


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
