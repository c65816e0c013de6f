"""Memory the embedding model keeps: RSS growth over batches of random shapes, with the C
allocator tuned (``backend/allocator.py``) against the same batches untuned.

    python bench/allocator.py            # 1,600 batches, then the same 800 again
    python bench/allocator.py --quick    # 200 batches

Each side runs in its own process (one thread, so only the allocator differs): it loads the
bundled MiniLM, encodes batches of 1-8 texts of 1-250 words drawn from a fixed seed, and
reports its RSS before and after; then it replays the first half, which must add nothing
more when what grows is the allocator's, not a leak. Prints the growth of both and
``ratio tuned/untuned RSS growth``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, print_table

WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "near",
    "the",
    "river",
    "bank",
    "at",
    "dawn",
    "while",
    "grey",
    "herons",
    "wade",
    "in",
    "the",
    "shallows",
    "and",
    "paper",
    "lanterns",
    "hang",
    "over",
    "the",
    "market",
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=1600)
    parser.add_argument("--quick", action="store_true", help="200 batches")
    parser.add_argument("--side", choices=["tuned", "untuned"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.batches = 200
    return args


def batches(count: int) -> list[list[str]]:
    """The same ``count`` batches of random size and length in every process."""
    chosen = random.Random(1)
    return [
        [
            " ".join(chosen.choice(WORDS) for _ in range(chosen.randint(1, 250)))
            for _ in range(chosen.randint(1, 8))
        ]
        for _ in range(count)
    ]


def run_side(tuned: bool, count: int) -> dict[str, float]:
    """One side, in this process: RSS in MB at start, after the batches, after the replay."""
    import psutil
    import torch

    if tuned:
        from backend.allocator import tune_allocator

        assert tune_allocator(), "the allocator could not be tuned here"
    torch.set_num_threads(1)
    from backend.knowledge.embedder import Embedder

    embedder = Embedder()
    embedder.encode(["warm up"])
    process = psutil.Process()
    start = process.memory_info().rss / 1e6
    work = batches(count)
    for texts in work:
        embedder.encode(texts)
    after = process.memory_info().rss / 1e6
    for texts in work[: count // 2]:
        embedder.encode(texts)
    replay = process.memory_info().rss / 1e6
    return {"start": start, "after": after, "replay": replay}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.side:
        print(json.dumps(run_side(args.side == "tuned", args.batches)))
        return 0
    if not sys.platform.startswith("linux"):
        print("allocator: glibc only (Linux); nothing to measure here")
        return 0
    results = {}
    for side in ("untuned", "tuned"):
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        for key in [k for k in env if k.startswith("MALLOC_")]:
            del env[key]
        command = [sys.executable, __file__, "--side", side, "--batches", str(args.batches)]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout, done.stderr, file=sys.stderr)
            return 1
        results[side] = json.loads(done.stdout.strip().splitlines()[-1])
    rows = [
        [
            side,
            f"{r['start']:.0f}",
            f"{r['after']:.0f}",
            f"{r['after'] - r['start']:+.0f}",
            f"{r['replay'] - r['after']:+.0f}",
        ]
        for side, r in results.items()
    ]
    print(f"allocator: {args.batches} batches of 1-8 texts of 1-250 words, one thread")
    print_table(["side", "start MB", "end MB", "growth MB", "replay adds MB"], rows)
    grown = {side: max(1.0, r["after"] - r["start"]) for side, r in results.items()}
    print(f"ratio tuned/untuned RSS growth: {grown['tuned'] / grown['untuned']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
