"""Soak: AgentDesk left running for hours with a task every minute and a file every 10 s.

    python bench/soak.py                 # two hours
    python bench/soak.py --minutes 3     # a quick check that the whole loop works (or --quick)

It starts ``run.py`` (fake chat model, its own temp data dir, a free port), schedules an agent
task on ``* * * * *``, drops a small text file into the watched inbox every 10 s, and every
minute writes one JSON line with the memory, open files and threads of the app's whole
process tree. At the end it checks that every scheduled minute left a completed run in the
task's history and that every dropped file is indexed, prints start/end/max and a linear
slope per hour for each figure, and exits 1 if any run or file is missing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.app_process import RunPy
from bench.common import ROOT, english_text, print_table
from bench.soak_figures import (
    METRICS,
    Sampler,
    expected_fire_times,
    indexed_names,
    match_runs,
    slope_per_hour,
)

TASK_PROMPT = "Summarise what is new in the notes folder in two sentences."
# A scheduled run that started this long before the end may still be finishing.
RUN_GRACE = timedelta(seconds=45)
INDEX_WAIT_SECONDS = 180.0
WARM_UP_SECONDS = 600.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, help="how long (default: 120)")
    parser.add_argument("--quick", action="store_true", help="three minutes (a smoke run)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="JSON-lines file for the samples (default: test-artifacts/soak/soak-<time>.jsonl)",
    )
    parser.add_argument("--drop-seconds", type=float, default=10.0, help="file every N s")
    parser.add_argument("--sample-seconds", type=float, default=60.0, help="sample every N s")
    parser.add_argument("--keep-data", action="store_true", help="keep the temp data dir")
    args = parser.parse_args(argv)
    if args.minutes is None:
        args.minutes = 3.0 if args.quick else 120.0
    return args


def default_out() -> Path:
    """Where the samples go unless ``--out`` says otherwise."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return ROOT / "test-artifacts" / "soak" / f"soak-{stamp}.jsonl"


def create_task(client: httpx.Client) -> dict[str, object]:
    """Schedule the every-minute agent task; returns it as the API does."""
    body = {
        "name": "soak: every minute",
        "prompt": TASK_PROMPT,
        "mode": "chat",
        "use_knowledge": True,
        "trigger": {"type": "cron", "cron": "* * * * *", "timezone": "UTC"},
    }
    response = client.post("/api/tasks", json=body)
    response.raise_for_status()
    task: dict[str, object] = response.json()
    return task


def drop_file(inbox: Path, number: int, rng: random.Random) -> str:
    """Write note ``number`` into the inbox atomically (so the watcher sees it whole)."""
    name = f"soak-note-{number:05d}.txt"
    text = f"Soak note {number}.\n\n" + english_text(rng, rng.randint(400, 1500))
    partial = inbox / f".{name}.part"
    partial.write_text(text, encoding="utf-8")
    partial.replace(inbox / name)
    return name


def history(client: httpx.Client, task_id: str) -> list[dict[str, object]]:
    """Every entry of the task's history (it keeps the last 200 by default)."""
    response = client.get(f"/api/tasks/{task_id}/history", params={"limit": 500})
    response.raise_for_status()
    runs: list[dict[str, object]] = response.json()["runs"]
    return runs


def wait_for_index(client: httpx.Client, dropped: list[str]) -> set[str]:
    """Indexed names among ``dropped``, waiting a while for the queue to drain."""
    deadline = time.monotonic() + INDEX_WAIT_SECONDS
    found = indexed_names(client, "soak-note-")
    while not set(dropped) <= found and time.monotonic() < deadline:
        time.sleep(2)
        found = indexed_names(client, "soak-note-")
    return found


def report(
    sampler: Sampler,
    fires: int,
    matched: int,
    missing: list[datetime],
    dropped: list[str],
    indexed: set[str],
    warm_up_s: float,
) -> bool:
    """Print the figures; True when nothing is missing."""
    # The first minutes load the embedder and the model client: a trend starts after them.
    warm = [s for s in sampler.samples if s["elapsed_s"] >= warm_up_s] or sampler.samples[-2:]
    rows = []
    for metric, unit in METRICS:
        values = [s[metric] for s in sampler.samples]
        hours = [s["elapsed_s"] / 3600 for s in sampler.samples]
        warm_hours = [s["elapsed_s"] / 3600 for s in warm]
        rows.append(
            [
                f"{metric} ({unit})",
                f"{values[0]:.1f}",
                f"{values[-1]:.1f}",
                f"{max(values):.1f}",
                f"{slope_per_hour(hours, values):+.2f}",
                f"{slope_per_hour(warm_hours, [s[metric] for s in warm]):+.2f}",
            ]
        )
    print()
    headers = ["figure", "start", "end", "max", "slope/hour", "slope/hour after warm-up"]
    print_table(headers, rows)
    print(f"(warm-up: the first {warm_up_s / 60:.0f} min)")
    missing_files = sorted(set(dropped) - indexed)
    print()
    print_table(
        ["count", "expected", "found", "missing"],
        [
            ["scheduled task runs", fires, matched, len(missing)],
            [
                "dropped files indexed",
                len(dropped),
                len(dropped) - len(missing_files),
                len(missing_files),
            ],
        ],
    )
    for moment in missing[:10]:
        print(f"missing run: the one due at {moment.isoformat()}")
    for name in missing_files[:10]:
        print(f"missing file: {name}")
    return not missing and not missing_files


def print_logged_errors(app: RunPy) -> None:
    """The app's logged errors: a background failure shows nowhere else."""
    errors = app.logged_errors()
    print(f"app log errors: {sum(errors.values())}")
    for message, count in errors.most_common(5):
        print(f"  x{count}: {message}")


def soak(args: argparse.Namespace) -> int:
    """Run the soak and return the exit code."""
    out = (args.out or default_out()).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="agentdesk-soak-"))
    rng = random.Random(11)
    app = RunPy(data_dir, out.with_suffix(".app.log"))
    print(f"soak: {args.minutes:g} min, data dir {data_dir}, samples in {out}", flush=True)
    try:
        app.start()
        print(f"soak: app healthy at {app.url} (pid {app.pid})", flush=True)
        client = httpx.Client(base_url=app.url, timeout=30, trust_env=False)
        task = create_task(client)
        task_id = str(task["id"])
        first_fire = datetime.fromisoformat(str(task["next_run_at"]))
        inbox = data_dir / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        sampler = Sampler(app.tree, out)
        started = time.monotonic()
        end = started + args.minutes * 60
        next_drop, next_sample = started, started
        dropped: list[str] = []
        while True:
            now = time.monotonic()
            if now >= next_sample or now >= end:
                runs = history(client, task_id)
                sample = sampler.sample(files_dropped=len(dropped), task_runs=len(runs))
                print(
                    f"soak: {sample['elapsed_s'] / 60:5.1f} min  rss {sample['rss_mb']:.0f} MB"
                    f"  files {sample['open_files']}  threads {sample['threads']}"
                    f"  runs {len(runs)}  dropped {len(dropped)}",
                    flush=True,
                )
                next_sample += args.sample_seconds
            if now >= end:
                break
            if now >= next_drop:
                dropped.append(drop_file(inbox, len(dropped) + 1, rng))
                next_drop += args.drop_seconds
            time.sleep(max(0.05, min(next_drop, next_sample, end) - time.monotonic()))
        finished = datetime.now(UTC)
        fires = expected_fire_times(first_fire, finished - RUN_GRACE)
        # The last expected run may still be going: give it the grace to be recorded.
        time.sleep(RUN_GRACE.total_seconds() / 3)
        matched, missing = match_runs(fires, history(client, task_id))
        indexed = wait_for_index(client, dropped)
        warm_up_s = min(WARM_UP_SECONDS, args.minutes * 60 / 3)
        ok = report(sampler, len(fires), matched, missing, dropped, indexed, warm_up_s)
        print_logged_errors(app)
    finally:
        leftovers = app.shut_down()
        for line in leftovers:
            print(f"soak: left behind and killed: {line}")
        if not args.keep_data:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"soak: samples in {out}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    return soak(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
