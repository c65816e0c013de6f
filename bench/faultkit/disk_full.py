"""The data dir's disk fills up while files are being indexed: each file's ingest must fail
with a stated reason, the app must stay up and its database whole, and once space is freed
the same files must be indexed without anyone re-adding them.

The data dir is a small tmpfs (``mount -t tmpfs``, root only): the app meets a real ENOSPC
and SQLITE_FULL, nothing is simulated.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bench.faultkit import checks
from bench.faultkit.app import AppFailed, FaultApp
from bench.faultkit.corpus import Corpus, build
from bench.faultkit.report import FaultResult

SIZE_MB = 64
# Space left once the filler is written: less than a batch of chunks needs.
LEFT_BYTES = 16 * 1024


class NoSmallDisk(RuntimeError):
    """A small filesystem cannot be mounted here (not root, or no tmpfs)."""


@contextlib.contextmanager
def small_disk(mountpoint: Path, size_mb: int = SIZE_MB) -> Iterator[Path]:
    """A ``size_mb`` tmpfs at ``mountpoint`` for the block; NoSmallDisk when not allowed."""
    mountpoint.mkdir(parents=True, exist_ok=True)
    command = ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mountpoint)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        raise NoSmallDisk(f"cannot mount a {size_mb} MB tmpfs: {error}") from None
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False, timeout=60)


def fill(disk: Path, leave: int = LEFT_BYTES) -> Path:
    """Write a filler file until the disk is full, then give back ``leave`` bytes."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (1 << 20, 4096):  # big blocks, then the last few pages
            block = b"\0" * size
            try:
                while True:
                    os.write(fd, block)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
        os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    finally:
        os.close(fd)
    return filler


def free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def run_trial(work: Path, files: int, seed: int) -> tuple[checks.Findings, str]:
    """Index a few files, fill the disk, drop ``files`` more into a watched folder (off the
    small disk), try an upload and a question, free the space, and check it all caught up."""
    found = checks.Findings()
    with small_disk(work / "disk") as disk:
        data = disk / "data"
        early = build(data / "inbox", 5, seed)
        staged = build(work / "staged", files, seed + 1000)
        upload = build(work / "upload", 1, seed + 2000)
        watched = work / "watched"
        watched.mkdir()
        app = FaultApp(data, {"AGENTDESK_WATCH_DEBOUNCE_SECONDS": "0.2"}, log_dir=work)
        app.start()
        try:
            app.wait_for("the first files", lambda: _indexed(app) >= 5, 300)
            if app.post("/api/knowledge/folders", json={"path": str(watched)}).status_code != 201:
                found.problems.append("could not watch a folder")
            filler = fill(disk)
            left = free_bytes(disk)
            later = _move_into(staged, watched)
            note = _while_full(app, later, upload, found)
            filler.unlink()
            _once_space_is_back(app, 5 + files, upload, found)
            found.merge(checks.live_index(app.json("/api/knowledge/status"), data / "agentdesk.db"))
        finally:
            app.stop()
        uploaded = {
            str((data / "inbox" / _upload_name(p)).resolve()): n for p, n in upload.chunks.items()
        }
        everything = Corpus(watched, {**early.chunks, **later.chunks, **uploaded})
        found.merge(checks.integrity(data / "agentdesk.db"))
        found.merge(checks.documents(data / "agentdesk.db", everything))
        found.merge(checks.saved_index(data / "index", data / "agentdesk.db"))
    return found, f"{files} files met a full disk ({left} bytes free); {note}"


def _upload_name(path: str) -> str:
    # Its own prefix: the corpus names (000-...) would clash with the inbox's first files.
    return f"late-{Path(path).name}"


def _move_into(staged: Corpus, folder: Path) -> Corpus:
    """Move the staged files into the watched folder: they appear whole, at once."""
    chunks = {}
    for path, count in staged.chunks.items():
        target = folder / Path(path).name
        os.replace(path, target)
        chunks[str(target.resolve())] = count
    return Corpus(folder, chunks)


def _while_full(app: FaultApp, later: Corpus, upload: Corpus, found: checks.Findings) -> str:
    """Every new file is listed with a reason; an upload and a question get a clear error."""

    def listed() -> bool:
        errors = app.json("/api/knowledge/status")["errors"]
        return {e["path"] for e in errors if e["reason"]} >= set(later.chunks)

    try:
        app.wait_for("every new file to be listed with a reason", listed, 300, 0.5)
    except AppFailed as error:
        found.problems.append(str(error)[:200])
    reason = app.json("/api/knowledge/status")["errors"][0]["reason"]
    (path,) = upload.chunks
    sent = app.post(
        "/api/knowledge/upload", files={"files": (_upload_name(path), Path(path).read_bytes())}
    )
    asked = app.post("/api/agent/query", json={"prompt": "are you there?", "mode": "chat"})
    for what, reply in (("upload", sent), ("question", asked)):
        if reply.status_code == 500 or (not reply.is_success and "detail" not in reply.json()):
            found.problems.append(f"{what} on a full disk: {reply.status_code} {reply.text[:120]}")
    if not app.get("/api/health").is_success:
        found.problems.append("the app is unhealthy on a full disk")
    return f"reason {reason[:40]!r}...; upload {sent.status_code}, question {asked.status_code}"


def _once_space_is_back(
    app: FaultApp, expected: int, upload: Corpus, found: checks.Findings
) -> None:
    """The put-off files are indexed by themselves; uploads and questions work again."""
    try:
        app.wait_for("the put-off files to be indexed", lambda: _indexed(app) >= expected, 600)
    except AppFailed as error:
        found.problems.append(str(error)[:200])
    (path,) = upload.chunks
    sent = app.post(
        "/api/knowledge/upload", files={"files": (_upload_name(path), Path(path).read_bytes())}
    )
    if sent.status_code != 201:
        found.problems.append(f"upload once space is back: {sent.status_code}")
    try:
        app.wait_for("the upload to be indexed", lambda: _indexed(app) >= expected + 1, 300)
    except AppFailed as error:
        found.problems.append(str(error)[:200])
    asked = app.post("/api/agent/query", json={"prompt": "and now?", "mode": "chat"})
    if asked.status_code != 200:
        found.problems.append(f"a question once space is back: {asked.status_code}")


def _indexed(app: FaultApp) -> int:
    return int(app.json("/api/knowledge/status")["totals"]["indexed"])


def run(work: Path, trials: int = 1, files: int = 40, seed: int = 1) -> FaultResult:
    """``trials`` fills of the disk, each with ``files`` files waiting to be indexed."""
    result = FaultResult("disk full under the data dir")
    for number in range(trials):
        try:
            found, note = run_trial(work / f"disk-{number}", files, seed + number)
        except NoSmallDisk as error:
            result.notes.append(f"not run: {error}")
            return result
        result.add(found, note)
    return result
