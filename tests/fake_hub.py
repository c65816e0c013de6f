"""A stand-in for the Hugging Face hub on a loopback port (stdlib ``http.server`` in a thread).

It serves files at ``/{repo}/resolve/main/{file}`` with HTTP Range, publishes their sha256
the way the hub does (``X-Linked-Etag`` on HEAD, and ``/api/models/{repo}/tree/main``), and
can be told to drop the connection part-way, hold the body until released, or publish a
wrong hash. Every request is recorded with its headers.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHUNK = 64 * 1024


@dataclass
class HubRequest:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class FakeHub:
    """Files by (repo, name), and the tricks the next requests should play."""

    files: dict[tuple[str, str], bytes] = field(default_factory=dict)
    requests: list[HubRequest] = field(default_factory=list)
    drop_after: int | None = None  # the next GET sends this many bytes, then hangs up
    hold_after: int | None = None  # every GET pauses after this many bytes until released
    released: threading.Event = field(default_factory=threading.Event)
    wrong_sha256: bool = False
    etag_header: bool = True  # False: only the tree API tells the hash
    chunk_delay: float = 0.0
    refuse: int | None = None  # answer every file request with this status (401: gated)
    _server: ThreadingHTTPServer | None = None

    def add(self, repo: str, name: str, data: bytes) -> str:
        """Serve ``data`` as ``repo/name``; returns its sha256."""
        self.files[(repo, name)] = data
        return hashlib.sha256(data).hexdigest()

    def published_sha(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        return hashlib.sha256(b"other").hexdigest() if self.wrong_sha256 else digest

    def gets(self) -> list[HubRequest]:
        return [r for r in self.requests if r.method == "GET" and "/resolve/" in r.path]

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_HEAD(self) -> None:
                hub._answer(self, body=False)

            def do_GET(self) -> None:
                hub._answer(self, body=True)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler, body: bool) -> None:
        method = "GET" if body else "HEAD"
        self.requests.append(HubRequest(method, handler.path, dict(handler.headers.items())))
        for (repo, name), data in self.files.items():
            if handler.path == f"/api/models/{repo}/tree/main":
                return self._tree(handler, repo)
            if handler.path == f"/{repo}/resolve/main/{name}":
                if self.refuse is not None:
                    return handler.send_error(self.refuse)
                return self._file(handler, data, body)
        handler.send_error(404)

    def _tree(self, handler: BaseHTTPRequestHandler, repo: str) -> None:
        listing = [
            {
                "type": "file",
                "path": name,
                "size": len(data),
                "oid": "0" * 40,
                "lfs": {"oid": self.published_sha(data), "size": len(data), "pointerSize": 134},
            }
            for (owner, name), data in self.files.items()
            if owner == repo
        ]
        payload = json.dumps(listing).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _file(self, handler: BaseHTTPRequestHandler, data: bytes, body: bool) -> None:
        start = 0
        wanted = handler.headers.get("Range", "")
        if wanted.startswith("bytes=") and body:
            start = int(wanted.removeprefix("bytes=").split("-")[0])
            if start >= len(data):
                handler.send_response(416)
                handler.send_header("Content-Range", f"bytes */{len(data)}")
                handler.end_headers()
                return
        handler.send_response(206 if start else 200)
        if start:
            handler.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        handler.send_header("Content-Length", str(len(data) - start))
        handler.send_header("Accept-Ranges", "bytes")
        if self.etag_header:
            handler.send_header("X-Linked-Etag", f'"{self.published_sha(data)}"')
            handler.send_header("X-Linked-Size", str(len(data)))
        handler.end_headers()
        if not body:
            return
        self._send_body(handler, data, start)

    def _send_body(self, handler: BaseHTTPRequestHandler, data: bytes, start: int) -> None:
        drop, self.drop_after = self.drop_after, None
        sent = 0
        position = start
        while position < len(data):
            if drop is not None and sent >= drop:
                handler.close_connection = True
                handler.connection.shutdown(2)  # hang up mid-file
                return
            if self.hold_after is not None and position >= self.hold_after:
                self.released.wait()
            size = CHUNK if drop is None else max(1, min(CHUNK, drop - sent))
            piece = data[position : position + size]
            try:
                handler.wfile.write(piece)
                handler.wfile.flush()
            except OSError:
                return
            sent += len(piece)
            position += len(piece)
            if self.chunk_delay:
                threading.Event().wait(self.chunk_delay)
