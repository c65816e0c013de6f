"""A benchmark ended with SIGTERM stops the app it serves: none is left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from bench.app_process import ROOT

SCRIPT = """
import sys, time
from pathlib import Path
from bench.common import quiet, served_app
quiet()
with served_app(Path(sys.argv[1])) as url:
    print("serving", flush=True)
    time.sleep(120)
"""


def test_sigterm_stops_the_served_app(tmp_path: Path) -> None:
    bench = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert bench.stdout is not None
        assert bench.stdout.readline().strip() == b"serving"
        children = psutil.Process(bench.pid).children(recursive=True)
        assert children, "the app runs as a child of the benchmark"
        bench.send_signal(signal.SIGTERM)
        bench.wait(timeout=60)
        deadline = time.monotonic() + 30
        while any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children):
            assert time.monotonic() < deadline, "the app outlived the benchmark"
            time.sleep(0.2)
    finally:
        bench.kill()
