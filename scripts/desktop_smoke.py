"""Use a built desktop app the way a new user would, from the outside, and report each step.

    python scripts/desktop_smoke.py dist/AgentDesk            # with the scripted fake model
    python scripts/desktop_smoke.py dist/AgentDesk --embedded # with the real embedded model

It first runs ``AgentDesk --self-check``, which imports every heavy module the app loads only
when needed and embeds a sentence (a missing one fails with its name). Then it starts the
app's executable in an environment without this project's virtual environment, with the
platform's default data folder: on Linux and macOS under a fresh temporary home
(``~/.local/share/AgentDesk``, ``~/Library/Application Support/AgentDesk``); on Windows the
real default only with ``--default-data-dir`` (a fresh CI machine), a temporary folder
otherwise. It waits for ``/api/health``, loads the page, uploads a document, searches it,
drops a second one into the inbox and finds it by search, gets a chat and a code answer,
quits through the API the Quit button uses, and checks that no process of the app is left.
Exit status 0 only if every step passed. Preparing the app's environment and finding its
processes is in ``desktop_app.py``, shared with the build script and the desktop benchmark.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

# Run as a file (``python scripts/desktop_smoke.py``), the project is not on the path yet.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.desktop_app import (
    app_processes,
    clean_environment,
    default_data_dir,
    executable_in,
    free_port,
    tail,
)

FACT = "The Larkspur greenhouse is watered every 37 minutes by the Mistral pump."
QUESTION = "How often is the Larkspur greenhouse watered?"
# The fake model's replies to it are ``desktop_app.CODE_RULES``.
CODE_QUESTION = "Sandbox check: what is 17 * 23? Compute it with Python."
INBOX_FACT = "The Quillwort archive is kept in vault 58 beside the old observatory."
STEPS = 11


@dataclass
class Step:
    """One thing the smoke test checked: its name, whether it passed, time taken, what it saw."""

    name: str
    ok: bool
    seconds: float
    detail: str = ""


@dataclass
class Smoke:
    """A started app and the steps checked so far."""

    executable: Path
    data_dir: Path
    port: int
    home: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    steps: list[Step] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def step(self, name: str, check: Callable[[], str]) -> bool:
        """Run ``check``; it returns what it saw, or raises to fail the step."""
        started = time.monotonic()
        try:
            detail, ok = check(), True
        except Exception as error:  # a failed step is reported, not raised
            detail, ok = f"{type(error).__name__}: {error}", False
        self.steps.append(Step(name, ok, time.monotonic() - started, detail))
        print(f"[{'ok' if ok else 'FAILED'}] {name} ({self.steps[-1].seconds:.1f} s): {detail}")
        return ok


def wait_for(what: str, probe: Callable[[], Any], timeout: float, every: float = 0.25) -> Any:
    """Call ``probe`` until it returns something truthy; TimeoutError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = probe()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"no {what} after {timeout:.0f} s")


def run(
    executable: Path,
    embedded: bool,
    model_path: Path | None,
    keep: bool,
    default_data_dir_on_windows: bool = False,
) -> Smoke:
    """Every step in order; later steps are skipped once one fails."""
    scratch = Path(tempfile.mkdtemp(prefix="agentdesk-smoke-"))
    home: Path | None = scratch / "home"
    if sys.platform == "win32" and not default_data_dir_on_windows:
        home = None
    data_dir = scratch / "data" if home is None else default_data_dir(home)
    if home is not None and sys.platform == "win32" and data_dir.exists():
        raise SystemExit(f"{data_dir} exists: the smoke test needs a machine without one")
    smoke = Smoke(executable.resolve(), data_dir, free_port(), home)
    env = clean_environment(data_dir, home, embedded, model_path)
    log = scratch / "console.log"
    http = httpx.Client(base_url=smoke.url, timeout=30, trust_env=False)
    print(f"data folder: {data_dir}")

    def self_check() -> str:
        done = subprocess.run(
            [str(smoke.executable), "--self-check"],
            env=env,
            cwd=scratch,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
        assert done.returncode == 0 and not failed, (
            "\n".join(failed) or f"exit code {done.returncode}: {done.stdout}{done.stderr}"
        )
        return f"{sum(line.startswith('ok ') for line in done.stdout.splitlines())} checks passed"

    if not smoke.step("self-check", self_check):
        return finish(smoke, http, scratch, log, keep)
    started = time.monotonic()
    with log.open("wb") as sink:
        smoke.process = subprocess.Popen(
            [str(smoke.executable), "--no-browser", "--port", str(smoke.port)],
            env=env,
            cwd=scratch,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def healthy() -> str:
        def probe() -> Any:
            if smoke.process is not None and smoke.process.poll() is not None:
                raise RuntimeError(f"exited with {smoke.process.returncode}: {tail(log)}")
            return http.get("/api/health").status_code == 200

        wait_for("health answer", probe, 120)
        return f"healthy {time.monotonic() - started:.1f} s after start"

    def model_ready() -> str:
        def probe() -> Any:
            health = http.get("/api/health").json()
            if health["llm"]["state"] == "degraded":
                raise RuntimeError(f"the model is degraded: {health['llm']['detail']}")
            return health["llm"]["state"] == "ready" and health

        body = wait_for("ready model", probe, 600 if embedded else 30, every=1)
        return f"{body['llm']['provider']} model {body['llm']['model']} ready"

    def page() -> str:
        response = http.get("/")
        response.raise_for_status()
        assert "<html" in response.text.lower(), "the page is not HTML"
        return f"{len(response.content):,} bytes of HTML"

    def upload() -> str:
        files = {"files": ("greenhouse.md", f"# Greenhouse\n\n{FACT}\n".encode(), "text/markdown")}
        http.post("/api/knowledge/upload", files=files).raise_for_status()
        wait_for(
            "indexed document",
            lambda: http.get("/api/knowledge/status").json()["totals"]["indexed"] >= 1,
            120,
        )
        return "greenhouse.md indexed"

    def search() -> str:
        results = http.get("/api/knowledge/search", params={"q": "Larkspur greenhouse"}).json()
        top = results["results"][0]
        assert "37 minutes" in top["text"], f"top result is {top['text'][:80]!r}"
        return f"top hit from {Path(top['source']).name}, score {top['score']:.3f}"

    def inbox() -> str:
        # The watcher's road, not the upload's: a file copied into the inbox by hand.
        indexed = http.get("/api/knowledge/status").json()["totals"]["indexed"]
        (data_dir / "inbox" / "quillwort.txt").write_text(INBOX_FACT, encoding="utf-8")

        def found() -> Any:
            results = http.get("/api/knowledge/search", params={"q": "Quillwort archive"}).json()
            top = results["results"][:1]
            return top and "vault 58" in top[0]["text"] and top[0]

        top = wait_for("search hit for the file dropped into the inbox", found, 120)
        now = http.get("/api/knowledge/status").json()["totals"]["indexed"]
        assert now == indexed + 1, f"indexed went from {indexed} to {now}"
        return f"{Path(top['source']).name} found in {data_dir / 'inbox'}"

    def chat() -> str:
        body = {"prompt": QUESTION, "mode": "chat", "use_knowledge": True}
        answer = http.post("/api/agent/query", json=body, timeout=600).json()
        assert answer.get("answer"), f"no answer: {answer}"
        sources = [s["name"] for s in answer.get("sources", [])]
        assert "greenhouse.md" in sources, f"sources were {sources}"
        if embedded:
            assert "37" in answer["answer"], f"answer missed the fact: {answer['answer'][:200]!r}"
        return f"{answer['answer'][:80]!r}, cites {sources}"

    def code_answer() -> str:
        body = {"prompt": CODE_QUESTION, "mode": "code", "use_knowledge": False}
        answer = http.post("/api/agent/query", json=body, timeout=600).json()
        assert "391" in str(answer.get("answer")), f"code mode answered {answer}"
        ran = [s for s in answer.get("steps", []) if "product is 391" in json.dumps(s)]
        assert ran or embedded, "the sandbox's printed output is not among the steps"
        return f"{answer['answer']!r} from the sandbox, engine {answer.get('engine')}"

    def quit_app() -> str:
        http.post("/api/system/shutdown", json={}).raise_for_status()
        assert smoke.process is not None
        code = smoke.process.wait(timeout=60)
        assert code == 0, f"exit code {code}: {tail(log)}"
        return "exit code 0"

    def nothing_left() -> str:
        left = wait_for(
            "clean exit", lambda: not app_processes(smoke.executable, data_dir, home) or None, 15
        )
        assert left is True
        return "no process left"

    steps = [
        ("start to health", healthy),
        ("model ready", model_ready),
        ("page", page),
        ("upload and index", upload),
        ("search", search),
        ("inbox drop found by search", inbox),
        ("chat answer", chat),
        ("code answer", code_answer),
        ("quit", quit_app),
        ("processes", nothing_left),
    ]
    for name, check in steps:
        if not smoke.step(name, check):
            break
    return finish(smoke, http, scratch, log, keep)


def finish(smoke: Smoke, http: httpx.Client, scratch: Path, log: Path, keep: bool) -> Smoke:
    """Close the client, kill what is left, and keep the scratch folder only on failure."""
    import shutil

    http.close()
    for process in app_processes(smoke.executable, smoke.data_dir, smoke.home):
        process.kill()
    if not keep and all(step.ok for step in smoke.steps):
        shutil.rmtree(scratch, ignore_errors=True)
    elif not all(step.ok for step in smoke.steps):
        print(f"console output and data kept in {scratch}:\n{tail(log)}")
    return smoke


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the built folder, e.g. dist/AgentDesk")
    parser.add_argument("--embedded", action="store_true", help="use the real embedded model")
    parser.add_argument("--model-path", type=Path, help="a GGUF to use instead of fetching one")
    parser.add_argument("--keep", action="store_true", help="keep the data folder afterwards")
    parser.add_argument(
        "--default-data-dir",
        action="store_true",
        help="on Windows, use the real default data folder (a fresh CI machine only)",
    )
    args = parser.parse_args(argv)
    smoke = run(
        executable_in(args.bundle), args.embedded, args.model_path, args.keep, args.default_data_dir
    )
    passed = sum(step.ok for step in smoke.steps)
    print(f"smoke test: {passed} of {STEPS} steps passed")
    return 0 if passed == STEPS else 1


if __name__ == "__main__":
    sys.exit(main())
