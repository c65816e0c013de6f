"""Download one GGUF file from a Hugging Face-style hub: resumable, checked against its sha256.

The hub publishes each large file's sha256 (its LFS oid): in the ``X-Linked-Etag`` header of a
HEAD on ``/{repo}/resolve/main/{file}``, and in ``/api/models/{repo}/tree/main``. Bytes go to
``<file>.part``; after an interruption the next request asks for the rest with an HTTP
``Range``. Only a file whose sha256 matches gets its final name and a ``.sha256`` marker.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from backend.llm.model_store import fsync_dir, marker_path, write_atomically

CHUNK = 1 << 20
SHA256 = re.compile(r"[0-9a-f]{64}")
# Room kept free beyond the file itself, so a full disk does not stop the rest of the app.
SPARE_BYTES = 100_000_000

# (stage, bytes done, bytes total); stage is "download" or "verify".
Progress = Callable[[str, int, int], None]


class DownloadError(RuntimeError):
    """The download cannot go on; the message says why and what to do."""


class DownloadCancelled(DownloadError):
    """Someone pressed Cancel."""


@dataclass(frozen=True)
class HubFile:
    """A file as the hub describes it: where to fetch it, its size and its sha256."""

    url: str
    size: int
    sha256: str


def part_path(target: Path) -> Path:
    """Where the bytes of ``target`` collect while it downloads."""
    return target.with_name(target.name + ".part")


def describe(client: httpx.Client, hub_url: str, repo: str, filename: str) -> HubFile:
    """Ask the hub for the file's size and sha256 (HEAD first, then the repository tree)."""
    url = f"{hub_url}/{repo}/resolve/main/{quote(filename)}"
    size, sha = 0, ""
    try:
        head = client.head(url, follow_redirects=False)
        if head.status_code == 404:
            raise DownloadError(f"The hub at {hub_url} has no file {filename} in {repo}.")
        if head.status_code in (401, 403):
            raise DownloadError(
                f"The hub at {hub_url} lets only signed-in users download {repo} (HTTP "
                f"{head.status_code}). Download {filename} in a browser, then add it by its path."
            )
        sha = head.headers.get("x-linked-etag", "").strip('"W/').lower()
        size = int(head.headers.get("x-linked-size") or 0)
        if not SHA256.fullmatch(sha):
            sha, size = _from_tree(client, hub_url, repo, filename)
    except httpx.HTTPError as error:
        raise DownloadError(f"Cannot reach the model hub at {hub_url}: {error}") from None
    if not SHA256.fullmatch(sha):
        raise DownloadError(
            f"The hub at {hub_url} does not publish a sha256 for {repo}/{filename}, so the "
            "download could not be checked; nothing was downloaded."
        )
    return HubFile(url, size, sha)


def _from_tree(client: httpx.Client, hub_url: str, repo: str, filename: str) -> tuple[str, int]:
    response = client.get(f"{hub_url}/api/models/{repo}/tree/main", follow_redirects=True)
    if response.status_code != 200:
        return "", 0
    for entry in response.json():
        if isinstance(entry, dict) and entry.get("path") == filename:
            lfs = entry.get("lfs") or {}
            return str(lfs.get("oid", "")).lower(), int(lfs.get("size") or entry.get("size") or 0)
    return "", 0


def download(
    hub_url: str,
    repo: str,
    filename: str,
    target: Path,
    *,
    progress: Progress,
    cancelled: threading.Event,
    attempts: int = 4,
    pause: float = 1.0,
    free_bytes: Callable[[Path], int] = lambda p: shutil.disk_usage(p).free,
) -> Path:
    """Fetch ``repo/filename`` into ``target`` and verify it; resumes a ``.part`` left before.

    Raises :class:`DownloadError` (:class:`DownloadCancelled` on cancel) with a clear message.
    A wrong hash deletes the bytes; an interruption or a cancel keeps them (the caller decides).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(target)
    with httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0), trust_env=True) as client:
        hub = describe(client, hub_url, repo, filename)
        have = part.stat().st_size if part.exists() else 0
        if hub.size and have > hub.size:
            part.unlink()
            have = 0
        _check_space(target.parent, hub.size - have, free_bytes)
        try:
            _fetch(client, hub, part, progress, cancelled, attempts, pause)
        except OSError as error:
            if error.errno == errno.ENOSPC:
                raise DownloadError(
                    f"The disk holding {target.parent} filled up during the download. Free some "
                    "space and download again; it resumes where it stopped."
                ) from None
            raise DownloadError(f"Cannot write {part}: {error.strerror or error}") from None
    _verify(part, hub, progress, cancelled)
    os.replace(part, target)
    fsync_dir(target.parent)
    write_atomically(marker_path(target), f"{hub.sha256}  {target.name}\n")
    return target


def _check_space(folder: Path, need: int, free_bytes: Callable[[Path], int]) -> None:
    free = free_bytes(folder)
    if need + SPARE_BYTES > free:
        raise DownloadError(
            f"Not enough disk space in {folder}: the model needs {need / 1e9:.2f} GB more, "
            f"{free / 1e9:.2f} GB is free. Free some space, remove a model you do not use, or "
            "set AGENTDESK_DATA_DIR to a bigger disk."
        )


def _fetch(
    client: httpx.Client,
    hub: HubFile,
    part: Path,
    progress: Progress,
    cancelled: threading.Event,
    attempts: int,
    pause: float,
) -> None:
    last = ""
    for attempt in range(attempts):
        have = part.stat().st_size if part.exists() else 0
        if hub.size and have >= hub.size:
            return
        # Byte offsets must be the file's own: no compression on the way.
        headers = {"Accept-Encoding": "identity"}
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            with client.stream("GET", hub.url, headers=headers, follow_redirects=True) as response:
                if response.status_code == 416 and have:
                    return  # the server has nothing after what we hold
                if response.status_code not in (200, 206):
                    raise DownloadError(
                        f"The hub answered HTTP {response.status_code} for {hub.url}."
                    )
                total = hub.size or have + int(response.headers.get("content-length") or 0)
                # 200 to a Range request: the server starts over, so must we.
                done = have if response.status_code == 206 else 0
                with part.open("ab" if done else "wb") as out:
                    # As the bytes arrive: a buffered chunk would be lost with the connection.
                    for chunk in response.iter_bytes():
                        if cancelled.is_set():
                            raise DownloadCancelled("The download was cancelled.")
                        out.write(chunk)
                        done += len(chunk)
                        progress("download", done, total)
                    out.flush()
                    os.fsync(out.fileno())
            if not hub.size or done >= hub.size:
                return
            last = f"the connection closed after {done:,} of {hub.size:,} bytes"
        except httpx.TransportError as error:
            last = str(error) or type(error).__name__
        if cancelled.wait(pause * (attempt + 1)):
            raise DownloadCancelled("The download was cancelled.")
    raise DownloadError(
        f"The download kept being interrupted ({last}). What arrived is kept: press Download "
        "again to resume."
    )


def _verify(part: Path, hub: HubFile, progress: Progress, cancelled: threading.Event) -> None:
    digest = hashlib.sha256()
    total = part.stat().st_size
    done = 0
    with part.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            if cancelled.is_set():
                raise DownloadCancelled("The download was cancelled.")
            digest.update(chunk)
            done += len(chunk)
            progress("verify", done, total)
    if hub.size and total != hub.size:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"The downloaded file has {total:,} bytes, but the hub says {hub.size:,}. It was "
            "deleted; download again."
        )
    if digest.hexdigest() != hub.sha256:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"The downloaded file does not match the hub's checksum (sha256 {digest.hexdigest()}, "
            f"expected {hub.sha256}). It was deleted; download again. If this repeats, something "
            "between you and the hub (a proxy, a mirror) is changing the file."
        )
