"""SIGKILL the whole app at a random point of an ingest, start it again, and check that every
file ends indexed once, the database is whole and the FAISS cache agrees with it."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from bench.faultkit import checks
from bench.faultkit.app import FaultApp
from bench.faultkit.corpus import Corpus, build
from bench.faultkit.report import FaultResult

INGEST_TIMEOUT = 900.0


@dataclass(frozen=True)
class KillPoint:
    """When to kill: once this share of the files is indexed, then after ``delay`` seconds
    more (so the kill lands anywhere in a batch: parsing, embedding, the commit, the index)."""

    share: float
    delay: float


def kill_points(trials: int, seed: int) -> list[KillPoint]:
    """Seeded points across the ingest; every fifth once all files are in, so the kill meets
    the vector index being saved (or just saved), which a mid-ingest kill never does."""
    rng = random.Random(seed)
    points = []
    for number in range(trials):
        share = 1.0 if number % 5 == 4 else rng.uniform(0.0, 0.9)
        points.append(KillPoint(share, rng.uniform(0.0, 1.5)))
    return points


def indexed(app: FaultApp) -> int:
    return int(app.json("/api/knowledge/status")["totals"]["indexed"])


def settled(app: FaultApp, corpus: Corpus) -> bool:
    """All files indexed and nothing queued or in progress."""
    status = app.json("/api/knowledge/status")
    return bool(
        status["totals"]["indexed"] >= len(corpus.chunks)
        and status["queue_length"] == 0
        and status["active"] is None
    )


def killed_count(database: Path) -> int:
    with checks.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM documents WHERE state='indexed'").fetchone()[0])


def run_trial(work: Path, files: int, point: KillPoint, seed: int) -> tuple[checks.Findings, str]:
    """One kill and restart in a fresh data dir; returns the findings and where it struck."""
    data = work / "data"
    corpus = build(data / "inbox", files, seed)
    database = data / "agentdesk.db"
    app = FaultApp(data).start()
    target = int(point.share * files)
    try:
        app.wait_for(f"{target} indexed", lambda: indexed(app) >= target, INGEST_TIMEOUT, 0.05)
        time.sleep(point.delay)
    finally:
        members = app.tree()
        app.kill()
    found = checks.Findings()
    if left := app.survivors(members):
        found.problems.append(f"processes outlived the kill: {left}")
    at_kill = killed_count(database)
    trusted, index_state = checks.trusted_index(data / "index", database)
    found.merge(trusted)
    note = f"killed at {at_kill}/{files} indexed; {index_state}"
    restarted = FaultApp(data).start()
    try:
        try:
            restarted.wait_for("the ingest to finish", lambda: settled(restarted, corpus),
                               INGEST_TIMEOUT)  # fmt: skip
        except Exception as error:  # lost files show up in the checks below
            found.problems.append(str(error)[:200])
        found.merge(checks.integrity(database))
        found.merge(checks.documents(database, corpus))
        found.merge(checks.live_index(restarted.json("/api/knowledge/status"), database))
    finally:
        restarted.stop()
    found.merge(checks.saved_index(data / "index", database))
    return found, note


def run(work: Path, trials: int = 10, files: int = 300, seed: int = 1) -> FaultResult:
    """``trials`` kills at seeded random points, each in its own data dir under ``work``."""
    result = FaultResult("SIGKILL app tree during ingest")
    points = kill_points(trials, seed)
    for number, point in enumerate(points):
        found, note = run_trial(work / f"ingest-{number}", files, point, seed + number)
        result.add(found, note)
    killed = ", ".join(n.split()[2] for n in result.notes)
    loaded = sum("loaded as is" in n for n in result.notes)
    result.notes.append(f"kills at {killed} files indexed; saved index loaded as is {loaded}x")
    return result
