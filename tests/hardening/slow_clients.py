"""A real uvicorn server for the app, with its slow-client timeouts, and a raw-socket client
that can be as slow, or as odd, as a hostile one."""

from __future__ import annotations

import select
import socket
import threading
from types import TracebackType

import uvicorn

from backend.config import Settings
from backend.main import create_app
from backend.server import uvicorn_options
from tests.conftest import LiveServer, free_port

# Hang guard: far longer than the one second the tests give the server.
GUARD_SECONDS = 20.0
DRIP_SECONDS = 0.2


class ServedApp(LiveServer):
    """The app on uvicorn with the options AgentDesk gives uvicorn (``backend.server``)."""

    def __init__(self, settings: Settings, **options: object) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            **{**uvicorn_options(), **options},  # type: ignore[arg-type]
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServedApp:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


class SlowClient:
    """HTTP/1.1 by hand over one connection: send bytes as slowly as wanted, read what comes."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=GUARD_SECONDS)
        self.received = b""
        self.closed = False

    def __enter__(self) -> SlowClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_headers(self, method: str, path: str, extra: dict[str, str]) -> None:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
        lines += [f"{name}: {value}" for name, value in extra.items()]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode())

    def _pump(self, wait: float) -> None:
        """Take in what the server sent within ``wait`` seconds; note when it closed."""
        readable, _, _ = select.select([self.sock], [], [], wait)
        if not readable:
            return
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        self.closed = not chunk
        self.received += chunk

    def trickle(self, piece: bytes) -> bool:
        """Send ``piece`` again and again, a drip at a time, until the server answers or hangs
        up; True if it did before the hang guard ran out."""
        for _ in range(int(GUARD_SECONDS / DRIP_SECONDS)):
            try:
                self.sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                return True
            self._pump(DRIP_SECONDS)
            if self.received or self.closed:
                return True
        return False

    def wait_closed(self) -> bool:
        """True once the server closes the connection (within the hang guard)."""
        for _ in range(int(GUARD_SECONDS / DRIP_SECONDS)):
            self._pump(DRIP_SECONDS)
            if self.closed:
                return True
        return False

    def response(self) -> tuple[int, str]:
        """The next response's status and body (read by its length, chunks, or to the close)."""
        while b"\r\n\r\n" not in self.received and not self.closed:
            self._pump(GUARD_SECONDS)
        head, _, rest = self.received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        fields = (line.partition(":") for line in lines[1:])
        headers = {name.strip().lower(): value.strip() for name, _, value in fields}
        if "content-length" in headers:
            size = int(headers["content-length"])
            while len(rest) < size and not self.closed:
                self._pump(GUARD_SECONDS)
                rest = self.received.partition(b"\r\n\r\n")[2]
            body, self.received = rest[:size], rest[size:]
        elif headers.get("transfer-encoding") == "chunked":
            while b"\r\n0\r\n\r\n" not in b"\r\n" + rest and not self.closed:
                self._pump(GUARD_SECONDS)
                rest = self.received.partition(b"\r\n\r\n")[2]
            body, self.received = _dechunk(rest)
        else:
            while not self.closed:
                self._pump(GUARD_SECONDS)
            body, self.received = self.received.partition(b"\r\n\r\n")[2], b""
        return int(lines[0].split()[1]), body.decode("utf-8", "replace")


def _dechunk(data: bytes) -> tuple[bytes, bytes]:
    """A chunked body's bytes, and what follows it."""
    body = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return body, data.partition(b"\r\n")[2]
        body, data = body + data[:size], data[size + 2 :]
