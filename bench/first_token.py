"""First-token time of an answer in chat, by how many passages go into the prompt.

The built-in model reads a prompt at about 60 tokens a second on 2 cores, so every passage in
front of a question delays the answer's first word. AgentDesk puts passages in only when they
are relevant ("use my documents": auto); before, every question got the top passages, which
is the switch set to "on". This runs the same questions three ways, alternating, on one app
with the built-in model and the bench document set:

- off: no passages at all (the raw floor: the question alone),
- on: the top passages always (how every question was grounded before),
- auto: passages above the relevance cut-off only (how it is now).

Reported per kind of question (about the documents, about the world): the median seconds to the
first streamed token and the mean passages used, and the ratios auto/on and auto/off. The
system prompt and tool list stay the same from run to run, so llama.cpp reuses their part of
its prompt cache; each question is asked in a new conversation.

    python bench/first_token.py                # 3 rounds
    python bench/first_token.py --rounds 1     # a quick look
    python bench/first_token.py --rounds 1 --fake   # the path alone, no real model
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.agent_bench import model_env, wait_indexed  # noqa: E402
from bench.agent_corpus import write_corpus  # noqa: E402
from bench.agent_tasks import TASKS  # noqa: E402
from bench.common import print_table, served_app  # noqa: E402

SWITCHES = ("off", "on", "auto")
KINDS = {"lookup": "about the documents", "general": "about the world"}


def first_token(http: httpx.Client, prompt: str, use: str) -> tuple[float, int]:
    """Seconds to the first answer token of a chat run, and the passages it was given."""
    body = {"prompt": prompt, "mode": "chat", "use_knowledge": use, "stream": True}
    started = time.perf_counter()
    seconds, passages = float("nan"), 0
    with http.stream("POST", "/api/agent/query", json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            event = json.loads(line[5:])
            data = event.get("data") or {}
            if event.get("type") == "step" and data.get("kind") == "retrieval":
                passages = sum(len(s.get("passages") or [1]) for s in data.get("sources") or [])
            elif event.get("type") == "token" and seconds != seconds:
                seconds = time.perf_counter() - started
            elif event.get("type") in ("completed", "stopped", "error", "no_answer"):
                break
    return seconds, passages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model-path", default=None, help="a GGUF to use instead of data/models")
    parser.add_argument("--fake", action="store_true", help="a scripted fake model: the path only")
    args = parser.parse_args()
    questions = [(t.kind, t.turns[0].prompt) for t in TASKS if t.kind in KINDS]
    samples: dict[tuple[str, str], list[tuple[float, int]]] = {}
    with model_env(args) as (env, model, _), tempfile.TemporaryDirectory() as folder:
        print(f"model: {model}", file=sys.stderr)
        data_dir = Path(folder)
        documents = write_corpus(data_dir)
        with (
            served_app(data_dir, **env) as url,
            httpx.Client(base_url=url, timeout=900, trust_env=False) as http,
        ):
            wait_indexed(http, documents)
            first_token(http, "Say hello.", "off")  # loads the model, warms its cache
            for round_ in range(args.rounds):
                # One switch at a time over every question, the switches' order turning each
                # round: the same question is never asked twice in a row, so no answer gets
                # the previous one's prompt from llama.cpp's cache, only the shared prefix.
                shift = round_ % len(SWITCHES)
                for use in SWITCHES[shift:] + SWITCHES[:shift]:
                    for kind, prompt in questions:
                        samples.setdefault((kind, use), []).append(first_token(http, prompt, use))
                print(f"round {round_ + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    rows = []
    for kind, label in KINDS.items():
        median = {u: statistics.median(s for s, _ in samples[(kind, u)]) for u in SWITCHES}
        used = {u: statistics.mean(p for _, p in samples[(kind, u)]) for u in SWITCHES}
        rows.append(
            [
                label,
                *(f"{median[u]:.2f} s / {used[u]:.1f}" for u in SWITCHES),
                f"{median['auto'] / median['on']:.2f}",
                f"{median['auto'] / median['off']:.2f}",
            ]
        )
    count = len(questions) * args.rounds
    print(f"\nfirst token, median of {count} chat answers per column (seconds / mean passages)")
    print_table(
        ["questions", "off (floor)", "on (before)", "auto (now)", "auto/on", "auto/off"], rows
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
