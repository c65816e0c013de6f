"""Drop the bad-file corpus into a running app's inbox and see where every file ends up.

``run_drop`` starts the real app (uvicorn, fake chat model, its own temp data dir), indexes one
normal file so the embedder is loaded, takes the baseline RSS, drops the corpus, samples the
app's peak RSS and /api/health until every file has settled, then checks that a normal file
dropped afterwards is still indexed and found. Nothing here is timed against a target: the
timeout only keeps a stuck file from hanging the run.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.common import print_table, served_app
from tests.hardening.bad_files import AFTER_WORD, BadFile, LiveFiles, after_file, write_static

STATED = ("indexed", "skipped", "failed", "gone")
_MAX_REASON = 200


@dataclass
class Final:
    """Where one corpus entry ended: its state, the reason shown, and its recorded size."""

    entry: BadFile
    state: str
    reason: str = ""
    size: int | None = None

    def problems(self) -> list[str]:
        """What is wrong with this ending, in words; empty when it is as expected."""
        name, found = self.entry.label, []
        if self.state not in STATED:
            found.append(f"{name}: ended {self.state!r}, not a stated state")
        if self.state in ("skipped", "failed") and not _readable(self.reason):
            found.append(f"{name}: reason {self.reason!r} is not a short message")
        if self.state != self.entry.expected or not self.reason.startswith(self.entry.reason):
            found.append(f"{name}: expected {self.entry.expected} {self.entry.reason!r}, got "
                         f"{self.state} {self.reason!r}")  # fmt: skip
        if self.entry.final_size is not None and self.size != self.entry.final_size:
            found.append(f"{name}: indexed {self.size} bytes of {self.entry.final_size}")
        return found


def _readable(reason: str) -> bool:
    # A traceback or a raw exception dump is long, has lines, or says what the code hit.
    lowered = reason.lower()
    return (
        bool(reason.strip())
        and len(reason) <= _MAX_REASON
        and "\n" not in reason
        and "traceback" not in lowered
        and "unexpected error" not in lowered
    )


@dataclass
class DropReport:
    """The run's findings: every file's ending, memory, health and the file dropped after."""

    big_mb: float
    finals: list[Final] = field(default_factory=list)
    baseline_rss: int = 0
    peak_rss: int = 0
    health_failures: list[str] = field(default_factory=list)
    chat_answers: int = 0
    after_found: bool = False
    settled: bool = False

    @property
    def problems(self) -> list[str]:
        found = [p for final in self.finals for p in final.problems()]
        if not self.settled:
            found.append("the queue did not settle before the timeout")
        found += [f"health: {failure}" for failure in self.health_failures]
        if not self.chat_answers:
            found.append("no chat question was answered during the run")
        if not self.after_found:
            found.append(f"the file dropped afterwards was not found by searching {AFTER_WORD!r}")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems


class Sampler:
    """Samples the app's process tree RSS and its health in the background, and asks it a
    chat question now and then (an answer writes its transcript to the same database the
    ingest is writing to)."""

    def __init__(self, url: str, process: psutil.Process) -> None:
        self.url, self.process = url, process
        self.peak = 0
        self.failures: list[str] = []
        self.answers = 0
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._memory, name="rss-sampler", daemon=True),
            threading.Thread(target=self._health, name="health-sampler", daemon=True),
            threading.Thread(target=self._chat, name="chat-prober", daemon=True),
        ]

    def rss(self) -> int:
        """Resident memory of the app and every process it started, in bytes."""
        total = 0
        for member in [self.process, *self.process.children(recursive=True)]:
            try:
                total += member.memory_info().rss
            except psutil.Error:
                continue
        return total

    def __enter__(self) -> Sampler:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _memory(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            self._stop.wait(0.1)

    def _health(self) -> None:
        with httpx.Client(base_url=self.url, timeout=15, trust_env=False) as http:
            while not self._stop.is_set():
                try:
                    response = http.get("/api/health")
                    status = response.json().get("status")
                    if response.status_code != 200 or status != "ok":
                        self.failures.append(f"{response.status_code} {status}")
                except (httpx.HTTPError, ValueError) as error:
                    self.failures.append(f"{type(error).__name__}: {error}")
                self._stop.wait(0.5)

    def _chat(self) -> None:
        question = {"prompt": "Are you there?", "mode": "chat", "use_knowledge": False}
        with httpx.Client(base_url=self.url, timeout=60, trust_env=False) as http:
            while not self._stop.wait(2.0):
                try:
                    response = http.post("/api/agent/query", json=question)
                    if response.status_code == 200:
                        self.answers += 1
                    else:
                        self.failures.append(f"chat {response.status_code}: {response.text[:120]}")
                except httpx.HTTPError as error:
                    self.failures.append(f"chat {type(error).__name__}: {error}")


@contextmanager
def app_process(data_dir: Path, **env: str) -> Iterator[tuple[str, psutil.Process]]:
    """The served app and its process (the child ``served_app`` started)."""
    me = psutil.Process()
    before = {child.pid for child in me.children()}
    with served_app(data_dir, **env) as url:
        started = [child for child in me.children() if child.pid not in before]
        if len(started) != 1:
            raise RuntimeError(f"expected one new app process, found {len(started)}")
        yield url, started[0]


def run_drop(big_mb: float, max_file_mb: float | None = None, timeout: float = 900.0) -> DropReport:
    """Start the app, drop the corpus into its inbox and report where every file ended.

    ``timeout`` bounds each wait (a hang guard, not a target).
    """
    report = DropReport(big_mb)
    with tempfile.TemporaryDirectory(
        prefix="agentdesk-bad-files-", ignore_cleanup_errors=True
    ) as raw:
        root = Path(raw).resolve()
        staging, data_dir = root / "staging", root / "data"
        corpus = write_static(staging, big_mb, max_file_mb)
        env = {"AGENTDESK_WATCH_DEBOUNCE_SECONDS": "0.5"}
        if max_file_mb is not None:
            env["AGENTDESK_MAX_FILE_MB"] = f"{max_file_mb:g}"
        with (
            app_process(data_dir, **env) as (url, process),
            httpx.Client(base_url=url, timeout=30, trust_env=False) as http,
        ):
            inbox = data_dir / "inbox"
            # Index one file first, so loading the embedding model is part of the baseline.
            warm = inbox / "warm-up.txt"
            warm.write_text("A first note that loads the embedding model.\n")
            _wait(http, lambda docs, _: _state(docs, warm) == "indexed", timeout)
            sampler = Sampler(url, process)
            report.baseline_rss = sampler.rss()
            with sampler:
                _drop(http, staging, inbox, corpus, report, timeout)
            report.peak_rss = max(sampler.peak, report.baseline_rss)
            report.health_failures = sampler.failures
            report.chat_answers = sampler.answers
    return report


def _drop(
    http: httpx.Client,
    staging: Path,
    inbox: Path,
    corpus: list[BadFile],
    report: DropReport,
    timeout: float,
) -> None:
    """Move the corpus in, play the live files, wait for the queue, then drop a normal file."""
    live = LiveFiles(inbox)
    for entry in staging.iterdir():
        os.replace(entry, inbox / entry.name)
    live.start()
    entries = corpus + live.join()
    report.settled = _wait(http, lambda d, s: _settled(inbox, entries, d, s), timeout)
    docs, _ = _snapshot(http)
    report.finals = [_final(inbox, entry, docs) for entry in entries]
    after = after_file(inbox)
    _wait(http, lambda docs, _: _state(docs, after) == "indexed", timeout)
    hits = http.get("/api/knowledge/search", params={"q": AFTER_WORD, "k": 3})
    results = hits.json().get("results", []) if hits.status_code == 200 else []
    report.after_found = any(r["source"] == str(after) for r in results)


Documents = dict[str, dict[str, Any]]


def _snapshot(http: httpx.Client) -> tuple[Documents, dict[str, Any]]:
    docs = http.get("/api/knowledge/documents", params={"limit": 1000})
    status = http.get("/api/knowledge/status")
    docs.raise_for_status()
    status.raise_for_status()
    return {d["path"]: d for d in docs.json()["documents"]}, status.json()


def _state(docs: Documents, path: Path) -> str | None:
    found = docs.get(str(path))
    return found["state"] if found else None


def _wait(
    http: httpx.Client, done: Callable[[Documents, dict[str, Any]], bool], timeout: float
) -> bool:
    """Poll documents and status until ``done(docs, status)``; False at the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done(*_snapshot(http)):
            return True
        time.sleep(0.5)
    return False


def _settled(inbox: Path, entries: list[BadFile], docs: Documents, status: dict[str, Any]) -> bool:
    idle = status["queue_length"] == 0 and status["active"] is None
    return idle and all(_final(inbox, e, docs).state in STATED for e in entries)


def _final(inbox: Path, entry: BadFile, docs: Documents) -> Final:
    path = inbox / entry.relative
    document = docs.get(_shown(path))
    if document is not None:
        return Final(entry, document["state"], document["error"] or "", document["size"])
    return Final(entry, "missing" if os.path.lexists(path) else "gone")


def _shown(path: Path) -> str:
    """How the app lists a path whose name may not be valid UTF-8 (``path_key``)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def print_report(report: DropReport) -> None:
    """The per-file table, memory figures and any problems."""
    rows = [
        (final.entry.label, final.entry.expected, final.state, final.reason or "-")
        for final in report.finals
    ]
    print(f"\nbad-file corpus, big file {report.big_mb:g} MB")
    print_table(("file", "expected", "final state", "reason"), rows)
    mb = 1024 * 1024
    base, peak = report.baseline_rss / mb, report.peak_rss / mb
    print(f"\nRSS baseline {base:.0f} MiB, peak {peak:.0f} MiB, growth {peak - base:.0f} MiB")
    failures, answers = len(report.health_failures), report.chat_answers
    print(f"health or chat failures: {failures}; chat answers: {answers}")
    print(f"file dropped afterwards found by search: {report.after_found}")
    for problem in report.problems:
        print(f"PROBLEM {problem}")
