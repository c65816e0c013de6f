"""Uploads through /api/knowledge/upload: at once, several files, odd names, the size cap."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from backend.api.upload_limit import UploadLimit
from backend.config import Settings
from tests.backend.knowledge.conftest import HashEmbedder
from tests.conftest import SettingsFactory, client_for
from tests.hardening.slow_clients import ServedApp, SlowClient

LIMIT_MB = 0.05


@pytest.fixture
async def uploads(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    monkeypatch.setattr("backend.knowledge.service.Embedder", lambda *a, **k: HashEmbedder())
    settings = make_settings(watch_debounce_seconds=0.1, upload_max_mb=LIMIT_MB, rate_limit="")
    async with client_for(settings) as http:
        yield http, settings


def inbox_files(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in settings.inbox_dir.iterdir() if p.is_file()}


def staging_left(settings: Settings) -> list[Path]:
    staging = settings.inbox_dir / ".uploads"
    return list(staging.iterdir()) if staging.exists() else []


def body(number: int, size: int = 40_000) -> bytes:
    """Bytes that say which upload they belong to, everywhere in the file."""
    line = f"upload {number:02d} ".encode()
    return (line * (size // len(line) + 1))[:size]


async def test_same_name_uploads_at_once_each_land_whole_under_their_own_name(
    uploads: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, settings = uploads
    sent = {number: body(number) for number in range(20)}

    async def send(number: int) -> httpx.Response:
        files = [("files", ("same-name.txt", sent[number]))]
        return await http.post("/api/knowledge/upload", files=files)

    responses = await asyncio.gather(*(send(n) for n in sent))
    assert [r.status_code for r in responses] == [201] * 20, [r.text for r in responses]
    names = [r.json()["files"][0]["name"] for r in responses]
    assert len(set(names)) == 20 and "same-name.txt" in names
    on_disk = inbox_files(settings)
    assert sorted(on_disk) == sorted(names)
    for number, name in zip(sent, names, strict=True):
        assert on_disk[name] == sent[number], name
    assert staging_left(settings) == []


async def test_a_multi_file_upload_with_one_file_too_large_saves_none(
    uploads: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, settings = uploads
    files = [
        ("files", ("first.txt", b"fine")),
        ("files", ("second.txt", b"also fine")),
        ("files", ("huge.txt", b"x" * 60_000)),
    ]
    response = await http.post("/api/knowledge/upload", files=files)
    assert response.status_code == 413
    assert "'huge.txt' is larger than the upload limit of 0.05 MB" in response.json()["detail"]
    assert "nothing from this upload was saved" in response.json()["detail"]
    assert inbox_files(settings) == {}
    assert (await http.get("/api/knowledge/documents")).json()["total"] == 0
    assert staging_left(settings) == []


@pytest.mark.parametrize(
    ("sent", "saved"),
    [
        ("CON.tar.gz", "upload_CON.tar.gz"),
        ("nul .txt", "upload_nul.txt"),
        ("COM1.txt", "upload_COM1.txt"),
        ("LPT9", "upload_LPT9"),
        ("lpt9. .txt", "upload_lpt9.txt"),
        ("aux.", "upload_aux"),
        ("Com\u00b9.md", "upload_Com\u00b9.md"),
    ],
)
async def test_windows_device_names_are_renamed(
    uploads: tuple[httpx.AsyncClient, Settings], sent: str, saved: str
) -> None:
    http, settings = uploads
    response = await http.post("/api/knowledge/upload", files=[("files", (sent, b"data"))])
    assert response.status_code == 201, response.text
    assert response.json()["files"][0]["name"] == saved
    assert (settings.inbox_dir / saved).read_bytes() == b"data"


async def test_a_long_name_is_shortened_with_its_extension_kept(
    uploads: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, settings = uploads
    for stem in ("\u6f22" * 81, "\u6f22" * 300, "e\u0301" * 200):
        response = await http.post(
            "/api/knowledge/upload", files=[("files", (f"{stem}.txt", b"long name"))]
        )
        assert response.status_code == 201, response.text
        name = response.json()["files"][0]["name"]
        # 255 bytes is what most file systems allow, " (1)" included.
        assert name.endswith(".txt") and len(name.encode()) <= 255
        assert (settings.inbox_dir / name).read_bytes() == b"long name"
    again = await http.post(
        "/api/knowledge/upload", files=[("files", ("\u6f22" * 300 + ".txt", b"twice"))]
    )
    assert again.json()["files"][0]["name"].endswith(" (2).txt")


# --- The caps while the body arrives ---

BOUNDARY = "agentdesk-test-boundary"
MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


class Drip:
    """A multipart body of ``count`` files of ``size`` bytes, sent in 8 KB pieces; counts how
    much of it was taken."""

    def __init__(self, name: str, size: int, count: int = 1) -> None:
        self.name, self.size, self.count, self.taken = name, size, count, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for number in range(self.count):
            head = (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{number}-{self.name}"\r\nContent-Type: text/plain\r\n\r\n'
            )
            for piece in (head.encode(), *self._data(), b"\r\n"):
                self.taken += len(piece)
                yield piece
        yield f"--{BOUNDARY}--\r\n".encode()

    def _data(self) -> list[bytes]:
        block = 8192
        return [b"d" * min(block, self.size - at) for at in range(0, self.size, block)]


async def test_a_file_over_the_cap_is_refused_once_the_cap_has_arrived(
    uploads: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, settings = uploads
    body = Drip("big.txt", 5_000_000)
    response = await http.post("/api/knowledge/upload", content=body, headers=MULTIPART)
    assert response.status_code == 413
    assert "'0-big.txt' is larger than the upload limit of 0.05 MB" in response.json()["detail"]
    # 50 KB were allowed; the rest of the 5 MB was never read.
    assert body.taken < 50_000 + 3 * 8192, body.taken
    assert inbox_files(settings) == {}


async def test_an_upload_over_the_total_is_refused_as_it_streams(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("backend.knowledge.service.Embedder", lambda *a, **k: HashEmbedder())
    settings = make_settings(upload_max_mb=0.05, upload_total_mb=0.1)
    async with client_for(settings) as http:
        body = Drip("many.txt", 40_000, count=50)
        response = await http.post("/api/knowledge/upload", content=body, headers=MULTIPART)
    assert response.status_code == 413
    assert "larger than 0.1 MB in all (AGENTDESK_UPLOAD_TOTAL_MB)" in response.json()["detail"]
    assert body.taken < 100_000 + 64 * 1024 + 3 * 8192, body.taken


def test_an_upload_declaring_more_than_the_total_is_refused_before_it_is_sent(
    make_settings: SettingsFactory,
) -> None:
    with ServedApp(make_settings()) as served, SlowClient(served.port) as raw:
        raw.send_headers("POST", "/api/knowledge/upload", {"Content-Length": str(400_000_000)})
        status, detail = raw.response()
    assert status == 413 and "AGENTDESK_UPLOAD_TOTAL_MB" in detail


async def test_the_dashboards_upload_route_has_the_same_caps() -> None:
    # Reflex's /_upload reads the form whole (request.form()) before the page's handler runs.
    read: list[int] = []

    async def reflex_like(request: Request) -> JSONResponse:
        form = await request.form()
        read.append(len(form.getlist("files")))
        return JSONResponse({})

    app = UploadLimit(
        Starlette(routes=[Route("/_upload", reflex_like, methods=["POST"])]),
        per_file_bytes=50_000,
        total_bytes=10_000_000,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        body = Drip("big.txt", 5_000_000)
        response = await http.post("/_upload", content=body, headers=MULTIPART)
        small = await http.post("/_upload", files=[("files", ("a.txt", b"a" * 40_000))])
    # Reflex answers the refusal itself, as text; the API's own route answers JSON.
    assert response.status_code == 413 and "'0-big.txt' is larger" in response.text
    assert body.taken < 50_000 + 3 * 8192 and read == [1]
    assert small.status_code == 200
