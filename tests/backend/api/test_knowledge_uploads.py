"""Uploads through /api/knowledge/upload: at once, several files, odd names, the size cap."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from backend.config import Settings
from tests.backend.knowledge.conftest import HashEmbedder
from tests.conftest import SettingsFactory, client_for

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
    assert not list((settings.inbox_dir / ".uploads").iterdir())


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
    assert not list((settings.inbox_dir / ".uploads").iterdir())


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
