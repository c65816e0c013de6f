"""Faults against the real app, run before a release: the table says, per fault, how many
trials ran, how they went, whether SQLite's integrity check passed, and what was lost (which
must be nothing).

    python bench/faults.py                  # every fault, full trial counts: 30-60 min on 2 cores
    python bench/faults.py --quick          # one trial of each, small corpus, hashed vectors
    python bench/faults.py --only ingest,lock --ingest-trials 3

The faults: SIGKILL of the app's whole process tree at seeded random points of an ingest of a
few hundred small real files (then a restart: every file indexed once, the FAISS cache and the
database agree); SIGKILL during a streamed answer (the conversation, the question and an
interrupted mark on the run and on a task run survive); the model server SIGKILLed mid-stream
(remote and embedded: a stated error, a healthy app, the next question answered); the database
held by another process with BEGIN EXCLUSIVE for 3 s and 15 s; the data dir's disk filled up
(a 64 MB tmpfs; needs root, else reported as not run).

The embedded-model fault uses the real llama.cpp server when the built-in model is on disk
(``--model``, default the data dir's copy), else the fake server in its place.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faultkit import db_lock, disk_full, kill_chat, kill_ingest, model_kill  # noqa: E402
from bench.faultkit.report import FaultResult, details, table  # noqa: E402

FAULTS = ("ingest", "chat", "model", "lock", "disk")
BUILT_IN_MODEL = ROOT / "data" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
TOOLS_DIR = Path(tempfile.gettempdir()) / "agentdesk-tests" / "bun"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one trial each, hashed vectors")
    parser.add_argument("--only", default=",".join(FAULTS), help=f"comma list of {FAULTS}")
    parser.add_argument("--ingest-trials", type=int, default=10)
    parser.add_argument("--files", type=int, default=300, help="files per ingest trial")
    parser.add_argument("--chat-trials", type=int, default=5)
    parser.add_argument("--model-trials", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model", type=Path, default=BUILT_IN_MODEL, help="GGUF for llama.cpp")
    parser.add_argument("--fake-model", action="store_true", help="never load the real model")
    parser.add_argument("--hash-embedder", action="store_true", help="hashed vectors, no MiniLM")
    parser.add_argument(
        "--desktop",
        action="store_true",
        help="start the app as the desktop app does (run.py --ui-dir, the UI exported first)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data dirs (printed)")
    return parser.parse_args(argv)


def exported_ui(work: Path) -> Path:
    """The web interface exported once, as the desktop build ships it (Bun kept between runs)."""
    from backend.startup.ui_export import export_ui

    # ``reflex export`` imports the app, which would otherwise set up ./data.
    os.environ["AGENTDESK_DATA_DIR"] = str(work / "export-data")
    try:
        return export_ui(work / "ui", work / "ui-build", TOOLS_DIR)
    finally:
        del os.environ["AGENTDESK_DATA_DIR"]


def run(args: argparse.Namespace, work: Path) -> list[FaultResult]:
    chosen = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = chosen - set(FAULTS)
    if unknown:
        raise SystemExit(f"unknown fault(s): {', '.join(sorted(unknown))}")
    if args.quick:
        args.ingest_trials, args.files, args.chat_trials, args.model_trials = 1, 40, 1, 1
    if args.desktop:
        os.environ["FAULTS_UI_DIR"] = str(exported_ui(work))
    elif args.quick or args.hash_embedder:
        os.environ["FAULTS_STAND_INS"] = "embedder"
        os.environ.setdefault("FAULTS_EMBED_DELAY", "0.02")
    model = None if args.fake_model or args.quick or not args.model.is_file() else args.model
    results: list[FaultResult] = []
    for name in FAULTS:
        if name not in chosen:
            continue
        started = time.monotonic()
        print(f"[faults] {name} ...", flush=True)
        if name == "ingest":
            results.append(kill_ingest.run(work, args.ingest_trials, args.files, args.seed))
        elif name == "chat":
            results.append(kill_chat.run(work, args.chat_trials, args.seed))
        elif name == "model":
            results += model_kill.run(work, args.model_trials, model)
        elif name == "lock":
            results.append(db_lock.run(work, (3.0,) if args.quick else (3.0, 15.0)))
        else:
            results.append(disk_full.run(work, 1, 12 if args.quick else 40, args.seed))
        print(f"[faults] {name} done in {time.monotonic() - started:.0f} s", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="agentdesk-faults-"))
    results = run(args, work)
    print()
    print(table(results))
    problems = details(results)
    if problems:
        print()
        print(problems)
    if args.keep:
        print(f"\ndata dirs kept under {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
