"""The built desktop app: bundle size, cold start to healthy and to first paint, idle memory.

    python bench/desktop.py                  # dist/AgentDesk, 5 starts, the embedded model
    python bench/desktop.py --quick          # 2 starts, the fake model, no memory figure
    python bench/desktop.py --bundle DIR --model-path model.gguf

Each start uses a fresh data folder. The baseline, measured in the same run, is the bundle's
own floor: ``AgentDesk --version`` (the executable starts, its Python loads run.py, and it
exits). "Cold" means a first start after the file cache was dropped when this process is
allowed to drop it (root on Linux); otherwise every start is warm and the output says so.
Targets: bundle under 1.2 GB without the chat model; start to first paint under 10 s.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.startup.ports import free_port  # noqa: E402
from bench.common import print_table  # noqa: E402
from scripts.build_desktop import folder_size  # noqa: E402
from scripts.desktop_app import (  # noqa: E402
    app_processes,
    clean_environment,
    executable_in,
)

SIZE_TARGET_GB = 1.2
PAINT_TARGET_S = 10.0
DEFAULT_MODEL = ROOT / "data" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def biggest_parts(bundle: Path, count: int = 6) -> list[tuple[str, int]]:
    """The largest top-level entries of the bundle's library folder, by size."""
    internal = bundle / "_internal"
    sizes = [
        (entry.name, folder_size(entry) if entry.is_dir() else entry.stat().st_size)
        for entry in internal.iterdir()
    ]
    return sorted(sizes, key=lambda item: -item[1])[:count]


def drop_file_cache() -> bool:
    """Empty the OS file cache so the next start reads the bundle from disk (needs root)."""
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def version_start(executable: Path) -> float:
    """Seconds for ``AgentDesk --version``: the floor under any start."""
    started = time.monotonic()
    subprocess.run([str(executable), "--version"], check=True, capture_output=True, timeout=120)
    return time.monotonic() - started


def launch(
    executable: Path, embedded: bool, model: Path | None
) -> tuple[subprocess.Popen[bytes], Path, int]:
    """Start the app quietly with a fresh data folder and a free port."""
    data_dir = Path(tempfile.mkdtemp(prefix="agentdesk-bench-"))
    port = free_port()
    process = subprocess.Popen(
        [str(executable), "--no-browser", "--port", str(port)],
        env=clean_environment(data_dir, None, embedded, model),
        cwd=data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    return process, data_dir, port


def start_once(
    executable: Path, browser: Any, embedded: bool, model: Path | None
) -> dict[str, float]:
    """Start the app with a fresh data folder; seconds to health and to first paint."""
    started = time.monotonic()
    process, data_dir, port = launch(executable, embedded, model)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/api/health", timeout=1, trust_env=False).status_code == 200:
                    break
            time.sleep(0.05)
        healthy = time.monotonic() - started
        page = browser.new_page()
        page.goto(f"{url}/", wait_until="commit")
        page.wait_for_selector("[data-testid=health-indicator]", state="visible", timeout=60_000)
        painted = time.monotonic() - started
        page.close()
        return {"health": healthy, "paint": painted}
    finally:
        stop(process, executable, data_dir)


def stop(process: subprocess.Popen[bytes], executable: Path, data_dir: Path) -> None:
    """Quit the app the way the UI does, and clean up whatever is left."""
    with contextlib.suppress(httpx.HTTPError, OSError):
        port = next(
            c.laddr.port
            for c in psutil.Process(process.pid).net_connections()
            if c.status == "LISTEN"
        )
        httpx.post(f"http://127.0.0.1:{port}/api/system/shutdown", json={}, timeout=5)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    for leftover in app_processes(executable, data_dir, None):
        leftover.kill()
    process.wait(timeout=10)
    shutil.rmtree(data_dir, ignore_errors=True)


def idle_memory(executable: Path, model: Path, settle: float) -> dict[str, float]:
    """RSS of the whole app, and of its model server alone, once the model is loaded and idle."""
    process, data_dir, port = launch(executable, True, model)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError, ValueError):
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).json()
                if health["llm"]["state"] == "ready":
                    break
            time.sleep(1)
        else:
            raise TimeoutError("the embedded model did not become ready in 600 s")
        time.sleep(settle)
        root = psutil.Process(process.pid)
        children = root.children(recursive=True)
        model_rss = sum(c.memory_info().rss for c in children if "--serve-model" in c.cmdline())
        total = root.memory_info().rss + sum(c.memory_info().rss for c in children)
        return {
            "total_mb": total / 1e6,
            "model_mb": model_rss / 1e6,
            "app_mb": (total - model_rss) / 1e6,
        }
    finally:
        stop(process, executable, data_dir)


def met(condition: bool) -> str:
    return "met" if condition else "missed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "AgentDesk")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--model-path", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--settle", type=float, default=30.0, help="idle seconds before RSS")
    parser.add_argument("--quick", action="store_true", help="2 starts, fake model, no memory")
    args = parser.parse_args(argv)
    executable = executable_in(args.bundle)
    starts = 2 if args.quick else args.starts
    size = folder_size(args.bundle)
    print(f"bundle {args.bundle}: {size / 1e9:.2f} GB (target < {SIZE_TARGET_GB} GB)")
    print_table(
        ["largest parts", "MB"], [(n, f"{b / 1e6:,.0f}") for n, b in biggest_parts(args.bundle)]
    )

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is needed for the first-paint figure (apt-get install chromium)")
    load = psutil.getloadavg()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        cold = drop_file_cache()
        first = start_once(executable, browser, False, None)
        floors = [version_start(executable) for _ in range(3)]
        warm = [start_once(executable, browser, False, None) for _ in range(starts - 1)]
        browser.close()
    floor = statistics.median(floors)
    rows = [("first" + (" (cold)" if cold else " (warm: cache not dropped)"), first)]
    rows += [(f"warm {n + 1}", run) for n, run in enumerate(warm)]
    print_table(
        ["start", "to health s", "to first paint s"],
        [(name, f"{run['health']:.2f}", f"{run['paint']:.2f}") for name, run in rows],
    )
    paint = statistics.median(run["paint"] for _, run in rows)
    print(f"baseline: `AgentDesk --version` median {floor:.2f} s (3 runs)")
    print(f"ratio first paint / baseline: {paint / floor:.2f} (median paint {paint:.2f} s)")
    print(f"first paint target {PAINT_TARGET_S:.0f} s: {met(paint < PAINT_TARGET_S)}")
    print(f"bundle size target {SIZE_TARGET_GB} GB: {met(size / 1e9 < SIZE_TARGET_GB)}")
    if not args.quick:
        if not args.model_path.is_file():
            raise SystemExit(f"{args.model_path} is missing: `python -m backend.cli model pull`")
        memory = idle_memory(executable, args.model_path, args.settle)
        print_table(
            ["idle memory, model loaded", "MB"],
            [(k, f"{v:,.0f}") for k, v in memory.items()],
        )
        print(
            f"ratio app total / model server alone: {memory['total_mb'] / memory['model_mb']:.2f}"
        )
    print(f"load average at start {load[0]:.2f}, at end {psutil.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
