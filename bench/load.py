"""Load: many people at once on one AgentDesk, first idle, then while 1,000 files are ingested.

    python bench/load.py            # 50 clients, 5 min per phase, 1,000 files
    python bench/load.py --quick    # 10 clients, 20 s per phase, 50 files (20 seeded)

It starts ``run.py`` (fake chat model, its own temp data dir, a free port) and indexes a small
seed corpus, so searches rank real passages. Each client, in a loop with short pauses,
searches the knowledge base, polls the ingest status and the health check, and asks a
streamed chat question that it reads to the end. Phase 1 runs that mix on the idle app;
phase 2 runs it again while 1,000 small text files dropped into the watched inbox are being
indexed. It prints, per route, the count, errors, p50 and p95 of both phases and their ratio
(under ingest / idle), with the machine's load averages, and exits 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.app_process import RunPy
from bench.common import english_text, percentile, print_table
from bench.load_clients import ROUTES, Tally, run_clients

SEED_TIMEOUT = 300.0


@dataclass
class Ingest:
    """How the phase-2 ingest went, as the status endpoint reported it."""

    files: int
    already_indexed: int  # the seed corpus, indexed before the phase
    indexed: int = 0
    failed: int = 0
    seconds_to_index: float | None = None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options; ``--quick`` sets the smoke-run sizes unless others are given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, help="concurrent clients (default: 50)")
    parser.add_argument("--seconds", type=float, help="length of each phase (default: 300)")
    parser.add_argument("--files", type=int, help="files ingested in phase 2 (default: 1000)")
    parser.add_argument(
        "--think", type=float, default=0.5, help="mean pause between a client's requests (s)"
    )
    parser.add_argument("--seed-files", type=int, help="indexed before phase 1 (default: 100)")
    parser.add_argument("--quick", action="store_true", help="10 clients, 20 s, 50 files")
    args = parser.parse_args(argv)
    sizes = (10, 20.0, 50, 20) if args.quick else (50, 300.0, 1000, 100)
    names = ("clients", "seconds", "files", "seed_files")
    for name, default in zip(names, sizes, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    return args


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (``n/a`` where the system has none)."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def write_files(folder: Path, count: int, prefix: str) -> list[Path]:
    """``count`` small text files of English prose, written outside the watched inbox."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(prefix)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"{prefix}-note-{number:05d}.txt"
        path.write_text(f"Note {number}.\n\n" + english_text(rng, rng.randint(300, 2000)))
        paths.append(path)
    return paths


async def watch_ingest(url: str, ingest: Ingest, started: float, stop: asyncio.Event) -> None:
    """Follow the status endpoint until ``stop``, noting when every file was indexed."""
    async with httpx.AsyncClient(base_url=url, timeout=30, trust_env=False) as client:
        while not stop.is_set():
            try:
                totals = (await client.get("/api/knowledge/status")).json()["totals"]
                ingest.indexed = totals["indexed"] - ingest.already_indexed
                ingest.failed = totals["failed"]
            except (httpx.HTTPError, KeyError, ValueError):
                pass  # the clients count failures of this route; this only follows progress
            if ingest.seconds_to_index is None and ingest.indexed >= ingest.files:
                ingest.seconds_to_index = time.monotonic() - started
            try:
                await asyncio.wait_for(stop.wait(), timeout=2)
            except TimeoutError:
                continue


async def phase_under_ingest(
    url: str, args: argparse.Namespace, staged: list[Path], inbox: Path
) -> tuple[Tally, Ingest]:
    """Drop the staged files into the inbox, then run the client mix while they are indexed."""
    ingest = Ingest(len(staged), args.seed_files)
    started = time.monotonic()
    for path in staged:
        path.replace(inbox / path.name)  # one rename each: the watcher never sees half a file
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_ingest(url, ingest, started, stop))
    tally = await run_clients(url, args.clients, args.seconds, args.think)
    stop.set()
    await watcher
    return tally, ingest


def _ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.0f}" if values else "-"


def _ratio(under: list[float], idle: list[float], q: float) -> str:
    if not under or not idle:
        return "-"
    return f"{percentile(under, q) / percentile(idle, q):.2f}"


def report(idle: Tally, busy: Tally, ingest: Ingest, seconds: float) -> int:
    """Print the per-route table, the ingest outcome and the errors; returns the error count."""
    rows = []
    for route in ROUTES:
        a, b = idle.latencies(route), busy.latencies(route)
        rows.append(
            [
                route,
                len(idle.outcomes[route]),
                len(idle.errors(route)),
                _ms(a, 50),
                _ms(a, 95),
                len(busy.outcomes[route]),
                len(busy.errors(route)),
                _ms(b, 50),
                _ms(b, 95),
                _ratio(b, a, 50),
                _ratio(b, a, 95),
            ]
        )
    print()
    headers = ["route", "idle n", "err", "p50 ms", "p95 ms"]
    headers += ["ingest n", "err", "p50 ms", "p95 ms", "ratio p50", "ratio p95"]
    print_table(headers, rows)
    total = sum(len(t.outcomes[r]) for t in (idle, busy) for r in ROUTES)
    print(f"\nrequests: {total} ({total / (2 * seconds):.1f}/s)")
    took = f"{ingest.seconds_to_index:.0f} s" if ingest.seconds_to_index is not None else "not done"
    print(
        f"ingest: {ingest.indexed}/{ingest.files} indexed by the end of the phase "
        f"(all indexed after: {took}), {ingest.failed} failed"
    )
    errors = idle.errors() + busy.errors()
    for message, count in Counter(f"{e.route}: {e.error}" for e in errors).most_common(8):
        print(f"error x{count}: {message}")
    print(f"total errors: {len(errors) + ingest.failed}")
    return len(errors) + ingest.failed


async def seed(url: str, files: list[Path], inbox: Path) -> None:
    """Index a small corpus before phase 1, so idle searches have passages to rank."""
    for path in files:
        path.replace(inbox / path.name)
    async with httpx.AsyncClient(base_url=url, timeout=30, trust_env=False) as client:
        deadline = time.monotonic() + SEED_TIMEOUT
        while time.monotonic() < deadline:
            totals = (await client.get("/api/knowledge/status")).json()["totals"]
            if totals["indexed"] + totals["failed"] >= len(files):
                return
            await asyncio.sleep(1)
    raise SystemExit(f"the {len(files)} seed files were not indexed in {SEED_TIMEOUT:.0f} s")


async def measure(app: RunPy, args: argparse.Namespace, data_dir: Path) -> int:
    """Both phases against the running app; returns the error count."""
    inbox = data_dir / "inbox"
    inbox.mkdir(exist_ok=True)
    await seed(app.url, write_files(data_dir / "seed", args.seed_files, "seed"), inbox)
    staged = write_files(data_dir / "staged", args.files, "load")
    print(f"load: phase 1, idle: {args.clients} clients for {args.seconds:g} s", flush=True)
    idle = await run_clients(app.url, args.clients, args.seconds, args.think)
    print(f"load: load average after phase 1: {load_average()}", flush=True)
    print(f"load: phase 2, ingesting {args.files} files: same mix", flush=True)
    busy, ingest = await phase_under_ingest(app.url, args, staged, inbox)
    errors = report(idle, busy, ingest, args.seconds)
    logged = app.logged_errors()
    print(f"app log errors: {sum(logged.values())}")
    for message, count in logged.most_common(5):
        print(f"  x{count}: {message}")
    return errors + sum(logged.values())


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    print(f"load: load average at start: {load_average()} ({os.cpu_count()} cores)", flush=True)
    data_dir = Path(tempfile.mkdtemp(prefix="agentdesk-load-"))
    app = RunPy(data_dir, data_dir / "app-output.log")
    errors = 1  # until measured: a crash keeps the data dir for a look
    try:
        app.start()
        errors = asyncio.run(measure(app, args, data_dir))
    finally:
        print(f"load: load average at end: {load_average()}", flush=True)
        for line in app.shut_down():
            print(f"load: left behind and killed: {line}")
        if errors:
            print(f"load: data dir and app output kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
