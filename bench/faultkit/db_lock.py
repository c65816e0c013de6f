"""Another process holds the database with ``BEGIN EXCLUSIVE`` for a few seconds while the app
is used: every request must wait and succeed or get a clear error (never a 500), nothing may be
corrupted, and everything works once the lock is gone."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bench.faultkit import checks
from bench.faultkit.app import AppFailed, FaultApp
from bench.faultkit.kill_chat import RULES, write_rules
from bench.faultkit.report import FaultResult

# The app's SQLite busy timeout (backend.storage.db): a shorter lock is waited out.
BUSY_TIMEOUT_SECONDS = 10.0
HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("LOCKED", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def hold_lock(database: Path, seconds: float) -> subprocess.Popen[bytes]:
    """A separate process holding an exclusive lock on ``database`` for ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database), str(seconds)], stdout=subprocess.PIPE
    )
    assert holder.stdout is not None
    if holder.stdout.readline().strip() != b"LOCKED":
        raise AppFailed("the lock holder could not lock the database")
    return holder


def requests(app: FaultApp, marker: str) -> dict[str, Callable[[], httpx.Response]]:
    """What a person might do while the lock is held: read, ask, upload, schedule."""
    files = {"files": (f"{marker}.txt", f"Note {marker}: the lock test was here.".encode())}
    task = {"name": marker, "prompt": "hi", "trigger": {"type": "interval", "hours": 1},
            "enabled": False}  # fmt: skip
    return {
        "health": lambda: app.get("/api/health"),
        "conversations": lambda: app.get("/api/conversations"),
        "status": lambda: app.get("/api/knowledge/status"),
        "runs": lambda: app.get("/api/agent/runs"),
        "ask": lambda: app.post(
            "/api/agent/query", json={"prompt": f"hello {marker}", "mode": "chat"}
        ),
        "upload": lambda: app.post("/api/knowledge/upload", files=files),
        "task": lambda: app.post("/api/tasks", json=task),
    }


def judge(name: str, reply: httpx.Response | Exception, found: checks.Findings) -> str:
    """2xx, or an error a person can read; a 500 or a dropped request is a problem."""
    if isinstance(reply, Exception):
        found.problems.append(f"{name}: no answer ({type(reply).__name__}: {reply})")
        return "no answer"
    if reply.is_success:
        return str(reply.status_code)
    try:
        detail = str(reply.json().get("detail", ""))
    except ValueError:
        detail = ""
    if reply.status_code in (500, 502) or not detail:
        found.problems.append(f"{name}: {reply.status_code} {reply.text[:160]}")
    return f"{reply.status_code} {detail[:50]}"


def _call(request: Callable[[], httpx.Response]) -> httpx.Response | Exception:
    try:
        return request()
    except httpx.HTTPError as error:
        return error


def streamed_ending(app: FaultApp, started: threading.Event) -> dict[str, Any]:
    """Stream a slow answer; ``started`` is set at its first token; returns its last event."""
    last: dict[str, Any] = {}
    for event in app.stream_query("Please answer slowly, lock or not", mode="chat"):
        last = event
        if event.get("type") == "token":
            started.set()
        if event.get("type") in ("completed", "error", "stopped", "http_error"):
            break
    started.set()
    return last


def judge_stream(last: dict[str, Any], found: checks.Findings) -> str:
    """The answer that was streaming when the lock came must end, and say how."""
    kind = str(last.get("type"))
    if kind == "completed":
        return "completed"
    message = str(last.get("data", {}).get("message", ""))
    if kind != "error" or not message or last.get("data", {}).get("status") == 500:
        found.problems.append(f"the streaming answer ended badly: {last}")
    return f"{kind}: {message[:50]}"


def run_trial(work: Path, seconds: float) -> tuple[checks.Findings, str]:
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    found = checks.Findings()
    rules = write_rules(data, RULES)
    app = FaultApp(data, {"AGENTDESK_FAKE_RULES": str(rules)}).start()
    marker = f"lock{int(seconds)}"
    try:
        started = threading.Event()
        with ThreadPoolExecutor(8) as pool:
            streaming = pool.submit(streamed_ending, app, started)
            started.wait(60)
            holder = hold_lock(data / "agentdesk.db", seconds)
            calls = requests(app, marker)
            replies = dict(zip(calls, pool.map(_call, calls.values()), strict=True))
            holder.wait(seconds + 30)
            outcome = {name: judge(name, reply, found) for name, reply in replies.items()}
            outcome["stream"] = judge_stream(streaming.result(120), found)
        found.merge(_afterwards(app, marker, outcome))
    finally:
        app.stop()
    found.merge(checks.integrity(data / "agentdesk.db"))
    refused = {name: v.split()[0] for name, v in outcome.items() if not _succeeded(v)}
    if refused and seconds < BUSY_TIMEOUT_SECONDS:
        found.problems.append(f"a {seconds:g} s lock is shorter than the wait, yet: {refused}")
    said = ", ".join(f"{name} {code}" for name, code in refused.items()) or "none"
    waited = len(outcome) - len(refused)
    return found, f"{seconds:g} s: {waited}/{len(outcome)} waited it out, refused: {said}"


def _succeeded(outcome: str) -> bool:
    return outcome.startswith(("2", "completed"))


def _afterwards(app: FaultApp, marker: str, outcome: dict[str, str]) -> checks.Findings:
    """Once the lock is gone: questions are answered, uploads are indexed, the app is fine."""
    found = checks.Findings()
    if not app.get("/api/health").is_success:
        found.problems.append("unhealthy after the lock")
    reply = app.post("/api/agent/query", json={"prompt": "after the lock", "mode": "chat"})
    if reply.status_code != 200:
        found.problems.append(f"a question after the lock failed: {reply.status_code}")
    if outcome["upload"].startswith("2"):

        def indexed() -> bool:
            found_docs = app.json("/api/knowledge/documents?state=indexed")
            return any(marker in d["path"] for d in found_docs.get("documents", []))

        try:
            app.wait_for("the upload to be indexed", indexed, 120, 0.5)
        except AppFailed:
            found.lost.append(f"the upload {marker}.txt was never indexed")
    return found


def startup_trial(work: Path, seconds: float) -> tuple[checks.Findings, str]:
    """The app is started while another program holds its database: it must come up, read,
    refuse writes clearly, and write again once the lock is gone."""
    data = work / "data"
    found = checks.Findings()
    FaultApp(data).start().stop()  # an existing data dir, as on any start but the first
    holder = hold_lock(data / "agentdesk.db", seconds)
    app = FaultApp(data)
    try:
        app.start()
        asked = app.post("/api/agent/query", json={"prompt": "hello", "mode": "chat"})
        outcome = judge("question during the lock", asked, found)
        if app.get("/api/conversations").status_code != 200:
            found.problems.append("reading conversations failed during the lock")
        holder.wait(seconds + 30)
        found.merge(_afterwards(app, "startup", {"upload": "not sent"}))
    except AppFailed as error:
        found.problems.append(f"the app did not start while the database was locked: {error}")
        outcome = "not started"
    finally:
        app.stop()
        holder.wait(seconds + 30)
    found.merge(checks.integrity(data / "agentdesk.db"))
    return found, f"started during a {seconds:g} s lock; a question then: {outcome[:40]}"


def run(work: Path, holds: tuple[float, ...] = (3.0, 15.0)) -> FaultResult:
    """One trial per lock length (shorter and longer than the app's 10 s busy timeout), and a
    start while the database is held."""
    result = FaultResult("database locked by another process")
    for number, seconds in enumerate(holds):
        found, note = run_trial(work / f"lock-{number}", seconds)
        result.add(found, note)
    found, note = startup_trial(work / "lock-at-start", max(holds))
    result.add(found, note)
    result.notes.append("; ".join(result.notes))
    return result
