"""Start, watch and stop the embedded llama.cpp server process."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

import httpx

from backend.llm.errors import ModelUnavailable

log = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_command(model: Path, port: int, n_ctx: int, threads: int, alias: str) -> list[str]:
    """The command line that serves ``model``; a frozen build re-enters its own executable."""
    args = ["--model", str(model), "--port", str(port), "--ctx", str(n_ctx)]
    args += ["--threads", str(threads), "--alias", alias]
    if getattr(sys, "frozen", False):
        return [sys.executable, "--serve-model", *args]
    return [sys.executable, "-m", "backend.llm.llama_server", *args]


class EmbeddedServer:
    """One llama.cpp server child process on a loopback port."""

    def __init__(
        self,
        model: Path,
        n_ctx: int,
        threads: int,
        alias: str,
        port: int = 0,
        command: list[str] | None = None,
    ) -> None:
        self.model = model
        self.n_ctx = n_ctx
        self.threads = threads
        self.alias = alias
        self.port = port or free_port()
        # Another program to run instead of llama.cpp (tests use the fake OpenAI server).
        self.command = command
        self.process: subprocess.Popen[bytes] | None = None
        self._tail: deque[str] = deque(maxlen=20)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def start(self, timeout: float = 180.0) -> None:
        """Start the process and wait until it answers ``/health``."""
        if self.alive():
            return
        command = self.command or server_command(
            self.model, self.port, self.n_ctx, self.threads, self.alias
        )
        log.info("starting model server on port %d: %s", self.port, self.model.name)
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        # A daemon thread, not the loop's executor: it lives as long as the process does.
        threading.Thread(target=self._drain, name="model-server-output", daemon=True).start()
        try:
            await self._wait_ready(timeout)
        except BaseException:
            await self.stop()
            raise

    def _drain(self) -> None:
        # Keep the pipe from filling up, and keep the last lines for error messages.
        process = self.process
        if process is None or process.stdout is None:
            return
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self._tail.append(line)
            log.debug("model server: %s", line)

    async def _wait_ready(self, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        url = f"http://127.0.0.1:{self.port}/health"
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as http:
            while asyncio.get_running_loop().time() < deadline:
                if not self.alive():
                    raise ModelUnavailable(
                        "the model server exited while loading: " + self.last_output()
                    )
                try:
                    if (await http.get(url)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        raise ModelUnavailable(f"the model server did not become ready within {timeout:.0f}s")

    async def healthy(self, timeout: float = 5.0) -> bool:
        """True when the process runs and answers ``/health`` with 200."""
        if not self.alive():
            return False
        url = f"http://127.0.0.1:{self.port}/health"
        try:
            async with httpx.AsyncClient(timeout=timeout, trust_env=False) as http:
                return (await http.get(url)).status_code == 200
        except httpx.HTTPError:
            return False

    async def restart(self, timeout: float = 180.0) -> None:
        """Stop the process (if it still runs) and start a new one on the same port."""
        await self.stop()
        self._tail.clear()
        await self.start(timeout)

    def last_output(self) -> str:
        return " | ".join(list(self._tail)[-5:]) or "no output"

    async def stop(self, grace: float = 5.0) -> None:
        """Terminate the process, killing it if it does not exit within ``grace`` seconds."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                await asyncio.to_thread(process.wait, grace)
            except subprocess.TimeoutExpired:
                process.kill()
                await asyncio.to_thread(process.wait)
        self.process = None
