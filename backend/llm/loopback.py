"""Serve a small ASGI app on a loopback port from a daemon thread (its own event loop)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

START_TIMEOUT_S = 10.0


class LoopbackServer:
    """uvicorn in a daemon thread; ``start`` returns once connections are accepted."""

    def __init__(self, app: Any, name: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app = app
        self._name = name
        self._host = host
        self._requested_port = port
        self._bound_port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually bound (known once started)."""
        if self._bound_port is None:
            raise RuntimeError(f"{self._name} is not started; call start() first")
        return self._bound_port

    @property
    def origin(self) -> str:
        """e.g. ``http://127.0.0.1:8123``."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self._server is not None:
            return
        family = socket.getaddrinfo(self._host, self._requested_port, type=socket.SOCK_STREAM)
        sock = socket.create_server((self._host, self._requested_port), family=family[0][0])
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            log_config=None,
            access_log=False,
            lifespan="off",
            # A request stuck waiting on a slow model must not hold stop() for long.
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=self._name, daemon=True
        )
        self._bound_port = sock.getsockname()[1]
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError(f"{self._name} failed to start on port {self.port}")
            time.sleep(0.01)
        self._server, self._thread = server, thread

    def stop(self) -> None:
        """Shut down and wait for the serving thread; safe to call more than once."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)
        self._server = self._thread = None
