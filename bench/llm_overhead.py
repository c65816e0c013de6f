"""Time to first token and tokens/s through AgentDesk's streamed chat vs the model server
directly, same prompt, same run, alternating so both see the same warm prompt cache.

    python bench/llm_overhead.py            # the embedded model (downloads it once)
    python bench/llm_overhead.py --fake     # the scripted fake model: pure overhead

Prints both sides and the ratios. Targets: first-token overhead <= 50 ms, throughput >= 95 %.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents import prompts  # noqa: E402
from backend.config import load_settings  # noqa: E402
from backend.llm.embedded import EmbeddedServer  # noqa: E402
from backend.startup.ports import free_port  # noqa: E402

PROMPT = "Write a short paragraph about why local software respects privacy."


@dataclass
class Sample:
    first_token: float
    tokens: int
    total: float

    @property
    def tokens_per_second(self) -> float:
        generating = self.total - self.first_token
        return (self.tokens - 1) / generating if generating > 0 and self.tokens > 1 else 0.0


async def direct(http: httpx.AsyncClient, base_url: str, max_tokens: int) -> Sample:
    """Stream straight from the model server with the same messages our chat engine sends."""
    body = {
        "messages": [
            {"role": "system", "content": prompts.load("chat_system")},
            {"role": "user", "content": PROMPT},
        ],
        "stream": True,
        "max_tokens": max_tokens,
        "temperature": 0.0,
        "seed": 1,
    }
    start = time.perf_counter()
    first, tokens = 0.0, 0
    async with http.stream("POST", f"{base_url}/chat/completions", json=body) as response:
        async for line in response.aiter_lines():
            if not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            chunk = json.loads(line[5:])
            for choice in chunk.get("choices") or []:
                if (choice.get("delta") or {}).get("content"):
                    tokens += 1
                    first = first or time.perf_counter() - start
    return Sample(first, tokens, time.perf_counter() - start)


async def through_app(http: httpx.AsyncClient, app_url: str) -> Sample:
    """Stream the same prompt through ``POST /api/agent/query``."""
    body = {"prompt": PROMPT, "mode": "chat", "stream": True, "use_knowledge": False}
    start = time.perf_counter()
    first, tokens = 0.0, 0
    async with http.stream("POST", f"{app_url}/api/agent/query", json=body) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if line.startswith("data:") and json.loads(line[5:])["type"] == "token":
                tokens += 1
                first = first or time.perf_counter() - start
    return Sample(first, tokens, time.perf_counter() - start)


def start_app(
    model_url: str, data_dir: Path, max_tokens: int
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "AGENTDESK_DATA_DIR": str(data_dir),
        "AGENTDESK_LLM_PROVIDER": "openai_compatible",
        "AGENTDESK_LLM_BASE_URL": model_url,
        "AGENTDESK_MAX_TOKENS": str(max_tokens),
        "AGENTDESK_TEMPERATURE": "0",
        "AGENTDESK_HISTORY_MESSAGES": "0",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "backend.main:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the app did not start")


def report(name: str, samples: list[Sample]) -> tuple[float, float]:
    ttft = statistics.median(s.first_token for s in samples) * 1000
    rate = statistics.median(s.tokens_per_second for s in samples)
    tokens = statistics.median(s.tokens for s in samples)
    print(f"{name:<22} first token p50 {ttft:8.1f} ms   {rate:7.1f} tok/s   ({tokens:.0f} tokens)")
    return ttft, rate


async def measure(model_url: str, app_url: str, rounds: int, max_tokens: int) -> None:
    async with httpx.AsyncClient(timeout=300, trust_env=False) as http:
        await direct(http, model_url, max_tokens)
        await through_app(http, app_url)
        raw, ours = [], []
        for _ in range(rounds):
            raw.append(await direct(http, model_url, max_tokens))
            ours.append(await through_app(http, app_url))
    raw_ttft, raw_rate = report("model server directly", raw)
    our_ttft, our_rate = report("AgentDesk /api/agent", ours)
    print(f"first-token overhead: {our_ttft - raw_ttft:+.1f} ms (target <= 50 ms)")
    print(f"throughput ratio:     {our_rate / raw_rate:.3f} (target >= 0.95)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fake", action="store_true", help="use the scripted fake model")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.fake:
            from backend.llm.fake_server import FakeOpenAIServer

            words = " ".join(f"word{i}" for i in range(args.max_tokens))
            model: FakeOpenAIServer | EmbeddedServer = FakeOpenAIServer(
                [{"reply": words, "token_delay": 0.02, "delay": 0.1}]
            ).start()
            model_url = model.base_url
        else:
            from backend.llm.model_fetch import ConsoleProgress, ensure_model

            settings = load_settings()
            path = ensure_model(settings, ConsoleProgress())
            model = EmbeddedServer(path, settings.context_size, settings.cpu_threads, "bench")
            asyncio.run(model.start())
            model_url = model.base_url
        app, app_url = start_app(model_url, Path(tmp), args.max_tokens)
        try:
            print(
                f"model: {'fake (20 ms/token)' if args.fake else path.name}, "
                f"{args.rounds} rounds, {args.max_tokens} tokens max"
            )
            asyncio.run(measure(model_url, app_url, args.rounds, args.max_tokens))
        finally:
            app.terminate()
            app.wait(10)
            if isinstance(model, EmbeddedServer):
                asyncio.run(model.stop())
            else:
                model.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
