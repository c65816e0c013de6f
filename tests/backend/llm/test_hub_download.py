"""Downloading a model file from the hub (a local stand-in): resume, checksum, space, cancel."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.llm.downloads import Downloads
from backend.llm.hub_download import DownloadError, download, part_path
from backend.llm.model_store import marker_path
from tests.fake_hub import FakeHub

REPO, NAME = "someone/Tiny-GGUF", "tiny-q4_k_m.gguf"


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    server = FakeHub().start()
    yield server
    server.stop()


@pytest.fixture
def data() -> bytes:
    return b"GGUF" + os.urandom(300_000)


def fetch(hub: FakeHub, target: Path, **options: object) -> Path:
    seen: list[tuple[str, int, int]] = []
    result = download(
        hub.url,
        REPO,
        NAME,
        target,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
        cancelled=threading.Event(),
        pause=0.0,
        **options,  # type: ignore[arg-type]
    )
    assert seen and seen[-1][1] == seen[-1][2]
    return result


def test_a_full_download_is_verified_and_marked(hub: FakeHub, data: bytes, tmp_path: Path) -> None:
    sha = hub.add(REPO, NAME, data)
    target = fetch(hub, tmp_path / NAME)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha
    assert marker_path(target).read_text().split()[0] == sha
    assert not part_path(target).exists()


def test_an_interrupted_download_resumes_with_a_range_request(
    hub: FakeHub, data: bytes, tmp_path: Path
) -> None:
    sha = hub.add(REPO, NAME, data)
    hub.drop_after = 100_000
    target = fetch(hub, tmp_path / NAME)
    gets = hub.gets()
    assert len(gets) == 2
    assert "Range" not in gets[0].headers
    resumed_from = int(gets[1].headers["Range"].removeprefix("bytes=").rstrip("-"))
    assert 0 < resumed_from < len(data)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha


def test_a_part_left_by_an_earlier_try_is_continued(
    hub: FakeHub, data: bytes, tmp_path: Path
) -> None:
    sha = hub.add(REPO, NAME, data)
    target = tmp_path / NAME
    part_path(target).write_bytes(data[:123_456])
    fetch(hub, target)
    assert hub.gets()[0].headers["Range"] == "bytes=123456-"
    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha


def test_the_hash_comes_from_the_tree_api_when_head_has_none(
    hub: FakeHub, data: bytes, tmp_path: Path
) -> None:
    sha = hub.add(REPO, NAME, data)
    hub.etag_header = False
    target = fetch(hub, tmp_path / NAME)
    assert marker_path(target).read_text().split()[0] == sha
    assert any(r.path == f"/api/models/{REPO}/tree/main" for r in hub.requests)


def test_a_wrong_hash_is_rejected_and_the_file_removed(
    hub: FakeHub, data: bytes, tmp_path: Path
) -> None:
    hub.add(REPO, NAME, data)
    hub.wrong_sha256 = True
    target = tmp_path / NAME
    with pytest.raises(DownloadError, match=r"does not match the hub's checksum.*deleted"):
        fetch(hub, target)
    assert not target.exists() and not part_path(target).exists()
    assert not marker_path(target).exists()


def test_too_little_disk_space_is_refused_before_downloading(
    hub: FakeHub, data: bytes, tmp_path: Path
) -> None:
    hub.add(REPO, NAME, data)
    with pytest.raises(DownloadError, match="Not enough disk space"):
        fetch(hub, tmp_path / NAME, free_bytes=lambda _path: 50_000)
    assert hub.gets() == []


def test_a_missing_file_says_so(hub: FakeHub, tmp_path: Path) -> None:
    hub.add(REPO, "other.gguf", b"GGUF")
    with pytest.raises(DownloadError, match=f"no file {NAME}"):
        fetch(hub, tmp_path / NAME)


def test_cancel_stops_a_running_download(hub: FakeHub, data: bytes, tmp_path: Path) -> None:
    hub.add(REPO, NAME, data)
    hub.hold_after = 64 * 1024
    started = threading.Event()
    downloads = Downloads()
    target = tmp_path / NAME

    def work(progress: object, cancelled: threading.Event) -> Path:
        def report(stage: str, done: int, total: int) -> None:
            started.set()
            progress(stage, done, total)  # type: ignore[operator]

        return download(hub.url, REPO, NAME, target, progress=report, cancelled=cancelled)

    downloads.start("tiny", "Tiny", work)
    assert started.wait(10)
    running = downloads.status()
    assert running is not None and running.state == "downloading" and running.bytes_done > 0
    downloads.cancel()
    hub.released.set()
    ended = downloads.wait(10)
    assert ended is not None and ended.state == "cancelled"
    assert not target.exists()


def test_progress_has_a_speed_and_time_left() -> None:
    now = [0.0]
    downloads = Downloads(clock=lambda: now[0])
    gate = threading.Event()

    def work(progress: object, cancelled: threading.Event) -> None:
        for second in range(3):
            now[0] = float(second)
            progress("download", 1000 * second, 10_000)  # type: ignore[operator]
        gate.wait(10)

    downloads.start("m", "M", work)
    try:
        for _ in range(500):
            status = downloads.status()
            if status is not None and status.bytes_done == 2000:
                break
            threading.Event().wait(0.01)
        assert status is not None
        assert status.speed == 1000.0 and status.eta_seconds == 8.0 and status.percent == 20.0
    finally:
        gate.set()
        downloads.wait(10)


def test_a_gated_model_says_to_download_it_by_hand(hub: FakeHub, tmp_path: Path) -> None:
    hub.add(REPO, NAME, b"GGUF")
    hub.refuse = 401
    with pytest.raises(DownloadError, match=r"only signed-in users.*add it by its path"):
        fetch(hub, tmp_path / NAME)
