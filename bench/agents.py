"""Agent engines: their overhead over the raw model calls they make, and their task success
with the embedded model.

overhead (default): the app (uvicorn, ``create_app``) talks to a scripted fake model that
waits a fixed time per call. Each engine answers a scripted task; the exact requests it sent
are then replayed straight to the fake model, one after the other, as the raw baseline.
Rounds alternate engine and replay. Reported: seconds per run both ways, the ratio and the
overhead per model call. Targets: ratio <= 1.05 and <= 20 ms per model call.

tasks: the built-in model answers the task set in ``bench/agent_tasks.py`` (arithmetic in
words, percentages, dates, workspace files, document lookups, lookups with arithmetic, two
documents, code, general questions that must cite nothing, follow-ups) through the HTTP API in
each mode; ``bench/agent_checks.py`` checks every answer. Reported per mode: solved, completed
but wrong, not completed, median seconds, general questions answered without unrelated sources,
each next to its target (see ``bench/agent_bench.py``).

    python bench/agents.py                       # overhead, 5 rounds, 0.2 s per model call
    python bench/agents.py --quick               # overhead, 2 rounds
    python bench/agents.py tasks                 # all tasks in auto, chat, single, code, team
    python bench/agents.py tasks --quick --modes auto    # the quick few, one mode
    python bench/agents.py tasks --quick --fake  # the path alone, with a scripted fake model
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.routing import installed  # noqa: E402
from backend.llm.fake_server import FakeOpenAIServer  # noqa: E402
from bench import agent_bench  # noqa: E402
from bench.common import print_table, quiet, served_app  # noqa: E402

DATA = ROOT / "bench" / "data"
ENGINES = ("chat", "single", "code", "team")
TARGET_RATIO = 1.05
TARGET_MS_PER_CALL = 20.0


def scripts(delay: float) -> dict[str, list[dict[str, Any]]]:
    """Per engine, fake-model rules for one task: ``How much is 6 times 7?``."""
    ask = "How much is 6 times 7"
    calc = {"name": "calculator", "arguments": {"expression": "6*7"}}
    return {
        "chat": [{"match": ask, "reply": "It is 42.", "delay": delay}],
        "single": [
            {"match": ask, "tool_calls": [calc], "times": 1, "delay": delay},
            {"match": ask, "reply": "It is 42.", "delay": delay},
        ],
        "code": [
            {
                "match": ask,
                "reply": "Thought: multiply.\n<code>\nprint(6 * 7)\n</code>",
                "times": 1,
                "delay": delay,
            },
            {
                "match": "42",
                "reply": "Thought: done.\n<code>\nfinal_answer('42')\n</code>",
                "delay": delay,
            },
        ],
        "team": [
            {"match": ask, "reply": "1. Use the calculator.", "times": 1, "delay": delay},
            {"match": "calculator", "tool_calls": [calc], "times": 1, "delay": delay},
            {"match": "calculator", "reply": "The calculator says 42.", "times": 1, "delay": delay},
            {"match": "says 42", "reply": "FINAL ANSWER: 42", "delay": delay},
        ],
    }


def run_engine(http: httpx.Client, engine: str) -> tuple[float, dict[str, Any]]:
    body = {"prompt": "How much is 6 times 7?", "mode": engine, "use_knowledge": False}
    started = time.perf_counter()
    response = http.post("/api/agent/query", json=body)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()


def replay(fake: FakeOpenAIServer, requests: list[dict[str, Any]]) -> float:
    """The same model calls sent straight to the model, one after the other."""
    started = time.perf_counter()
    with httpx.Client(base_url=fake.base_url, timeout=60, trust_env=False) as raw:
        for request in requests:
            if request.get("stream"):
                with raw.stream("POST", "/chat/completions", json=request) as response:
                    for _ in response.iter_lines():
                        pass
            else:
                raw.post("/chat/completions", json=request).raise_for_status()
    return time.perf_counter() - started


def overhead(args: argparse.Namespace) -> int:
    engines = [e for e in args.engines.split(",") if installed(e)]
    rules = scripts(args.delay)
    rows: list[list[object]] = []
    with FakeOpenAIServer() as fake, tempfile.TemporaryDirectory() as tmp:
        env = {
            "AGENTDESK_LLM_PROVIDER": "openai_compatible",
            "AGENTDESK_LLM_BASE_URL": fake.base_url,
            "AGENTDESK_LLM_RETRIES": "0",
        }
        with (
            served_app(Path(tmp), **env) as url,
            httpx.Client(base_url=url, timeout=300, trust_env=False) as http,
        ):
            for engine in engines:
                fake.set_rules(rules[engine])
                run_engine(http, engine)  # warm-up: imports the engine's framework
                ours, raw, calls = [], [], 0
                for _ in range(args.rounds):
                    fake.set_rules(rules[engine])
                    fake.clear_requests()
                    seconds, body = run_engine(http, engine)
                    if body.get("status") != "completed" or "42" not in body.get("answer", ""):
                        raise SystemExit(f"{engine}: unexpected result {body}")
                    sent = fake.requests
                    fake.set_rules(rules[engine])
                    raw.append(replay(fake, sent))
                    ours.append(seconds)
                    calls = len(sent)
                mine, base = statistics.median(ours), statistics.median(raw)
                per_call = (mine - base) / calls * 1000
                rows.append(
                    [
                        engine,
                        calls,
                        f"{base:.3f}",
                        f"{mine:.3f}",
                        f"{mine / base:.3f}",
                        f"{per_call:+.1f}",
                    ]
                )
    print(
        f"fake model waits {args.delay:g} s per call; {args.rounds} rounds; medians; "
        "raw = the same requests sent straight to the model"
    )
    print_table(["engine", "model calls", "raw s", "AgentDesk s", "ratio", "ms/call over"], rows)
    print(f"targets: ratio <= {TARGET_RATIO}, <= {TARGET_MS_PER_CALL:g} ms per model call")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=("overhead", "tasks"), default="overhead")
    parser.add_argument("--engines", default=",".join(ENGINES), help="overhead: which engines")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds per fake model call")
    parser.add_argument("--limit", type=int, default=None, help="tasks: only the first N tasks")
    parser.add_argument(
        "--quick", action="store_true", help="overhead: 2 rounds; tasks: the quick few"
    )
    agent_bench.add_arguments(parser)
    args = parser.parse_args()
    quiet()
    if args.what == "tasks":
        return agent_bench.run(args)
    if args.quick:
        args.rounds = 2
    return overhead(args)


if __name__ == "__main__":
    sys.exit(main())
