"""Each knowledge-base benchmark runs end to end in its smallest setting and prints the lines
that compare it with its baseline. Timings are never asserted: this machine is not quiet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    "allocator.py": ["ratio tuned/untuned RSS growth"],
    "calculator.py": ["ratio slowest calculator call/process start"],
    "retrieval.py": ["ratio hybrid/dense answer R@5", "ratio hybrid/bm25 answer R@5"],
    "ingest.py": ["pipeline / raw throughput ratio"],
    "search.py": [
        "ratio API/raw p95 dense",
        "ratio API/raw p95 bm25",
        "ratio API/raw p95 hybrid",
    ],
    "watch_latency.py": ["ratio p50/debounce", "ratio p95/target"],
    # The two that start run.py: three minutes of soak, 2 x 20 s of load.
    "soak.py": ["slope/hour after warm-up", "scheduled task runs", "dropped files indexed"],
    "load.py": ["ratio p50", "ratio p95", "total errors: 0"],
}


@pytest.mark.bench
@pytest.mark.timeout(900)
@pytest.mark.parametrize("script", sorted(CASES))
def test_benchmark_runs_and_prints_its_ratios(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=850,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    for line in CASES[script]:
        assert line in result.stdout, result.stdout
