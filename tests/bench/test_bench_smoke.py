"""Each benchmark runs end to end in its smallest setting and prints the lines that compare it
with its baseline or its targets. Timings are never asserted: this machine is not quiet."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.agent_tasks import chosen

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    "allocator.py": ["ratio tuned/untuned RSS growth"],
    "relevance.py": ["ratio answer kept/others given passages"],
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


@pytest.mark.bench
@pytest.mark.timeout(900)
def test_agent_tasks_quick_runs_with_the_fake_model_and_counts_the_wrong_answer(
    tmp_path: Path,
) -> None:
    """``agents.py tasks --quick --fake``: the whole path (documents, workspace, conversations,
    checks, report, results file) with a scripted model that gets one task wrong on purpose."""
    command = ["bench/agents.py", "tasks", "--quick", "--fake"]
    result = subprocess.run(
        [sys.executable, *command, "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=850,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    modes = ("auto", "chat", "single", "code", "team")
    for line in (*(f"| {mode} " for mode in modes), "completed but wrong", "Targets with"):
        assert line in result.stdout, result.stdout
    (saved,) = tmp_path.glob("agents-tasks-*.json")
    records = json.loads(saved.read_text())["records"]
    outcomes = {(r["mode"], r["task"]): r["outcome"] for r in records}
    assert len(records) == len(modes) * len(chosen(quick=True))
    # The first task was answered "[1]" in every mode: never solved, whatever the app makes of it.
    assert all(outcomes[mode, "words-1"] != "solved" for mode in modes), outcomes
    # Answers the checks accept, in one turn and in a follow-up conversation.
    for task in ("percent-1", "date-1", "lookup-1", "follow-up-1"):
        assert outcomes["chat", task] == "solved", records


@pytest.mark.bench
@pytest.mark.timeout(600)
def test_first_token_compares_the_documents_switch_with_the_fake_model() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "first_token.py"), "--rounds", "1", "--fake"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=550,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    header = next(line for line in result.stdout.splitlines() if "auto/on" in line)
    assert header.split()[:4] == ["questions", "off", "(floor)", "on"]
    rows = [line for line in result.stdout.splitlines() if line.strip().startswith("about the")]
    assert len(rows) == 2
    # A general question gets no passages on auto: the cut-off keeps unrelated ones out.
    cells = re.split(r"\s{2,}", next(line for line in rows if "world" in line).strip())
    off, on, auto = cells[1:4]
    assert off.endswith("/ 0.0") and auto.endswith("/ 0.0") and not on.endswith("/ 0.0")
