"""``bench/agents.py tasks``: the task set asked through the HTTP API, each answer checked here.

Each task is asked in a new conversation (a follow-up task keeps its one conversation for its
turns) with ``POST /api/agent/query`` in each chosen mode. A task is *solved* when every turn
completed and passed its check, *completed but wrong* when every turn completed but a check
failed, and *not completed* when any turn ended otherwise (failed, no answer, an HTTP error).
Targets are printed next to the figures, never asserted.

``--fake`` serves a scripted fake model instead of the built-in one: it answers each task with
an answer its check accepts, except the first task, which gets a bare "[1]"; so the whole path
(documents, workspace, conversations, checks, report) runs in seconds without a model.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.agent_checks import Answer
from bench.agent_corpus import WRITTEN_BY_TASKS, write_corpus
from bench.agent_report import report
from bench.agent_tasks import Task, chosen
from bench.common import ROOT, served_app

MODEL = ROOT / "data" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
WRONG_ON_PURPOSE = "[1]"


def fake_reply(answer: str, mode: str) -> str:
    """``answer`` the way ``mode``'s engine expects its model to give a final answer."""
    if mode == "code":
        return f"Thought: done.\n<code>\nfinal_answer({answer!r})\n</code>"
    if mode == "team":
        return f"FINAL ANSWER: {answer}"
    return answer


def fake_rules(tasks: list[Task], mode: str) -> list[dict[str, Any]]:
    """A script for the fake model: each turn's passing sample; the first task gets "[1]"."""
    rules: list[dict[str, Any]] = []
    for index, task in enumerate(tasks):
        # Later turns first: a follow-up's prompt may quote the turn before it.
        for turn in reversed(task.turns):
            reply = WRONG_ON_PURPOSE if index == 0 else turn.check.sample()
            rules.append({"match": re.escape(turn.prompt), "reply": fake_reply(reply, mode)})
    return rules


def ask(http: httpx.Client, prompt: str, mode: str, conversation: str | None) -> dict[str, Any]:
    """One turn: the app's status (or the HTTP error), answer, cited documents, seconds."""
    body = {"prompt": prompt, "mode": mode, "conversation_id": conversation}
    started = time.perf_counter()
    response = http.post("/api/agent/query", json=body)
    seconds = time.perf_counter() - started
    data: dict[str, Any] = response.json() if response.content else {}
    ok = response.status_code == 200
    return {
        "prompt": prompt,
        "status": data.get("status", "?") if ok else f"HTTP {response.status_code}",
        "answer": str(data.get("answer") if ok else data.get("detail", "")),
        "engine": data.get("engine"),
        "sources": [s.get("name", s.get("path", "?")) for s in data.get("sources") or []],
        "conversation_id": data.get("conversation_id"),
        "seconds": round(seconds, 2),
        # Why a run did not complete, and what its tools were asked and said: for reading a
        # failure without running it again.
        "reason": str(data.get("reason") or data.get("error") or ""),
        "tools": [_tool_line(step) for step in data.get("steps") or [] if _is_tool(step)],
    }


def _is_tool(step: dict[str, Any]) -> bool:
    return step.get("type") in ("tool_call", "tool_result")


def _tool_line(step: dict[str, Any]) -> str:
    data = step.get("data") or {}
    if step.get("type") == "tool_call":
        return f"{data.get('tool')}({json.dumps(data.get('arguments'))[:200]})"
    said = data.get("error") or data.get("result") or ""
    return f"  -> {str(said)[:200]}"


def run_task(http: httpx.Client, task: Task, mode: str, workspace: Path) -> dict[str, Any]:
    """Ask every turn of ``task`` in one new conversation and judge the result."""
    for name in WRITTEN_BY_TASKS:
        (workspace / name).unlink(missing_ok=True)
    turns, conversation = [], None
    for turn in task.turns:
        asked = datetime.now()
        result = ask(http, turn.prompt, mode, conversation)
        conversation = result["conversation_id"] or conversation
        answer = Answer(result["answer"], result["sources"], workspace, asked, datetime.now())
        result["passed"] = result["status"] == "completed" and turn.check.passes(answer)
        turns.append(result)
        if result["status"] != "completed":
            break
    if len(turns) < len(task.turns) or any(t["status"] != "completed" for t in turns):
        outcome = "not completed"
    else:
        outcome = "solved" if all(t["passed"] for t in turns) else "completed but wrong"
    return {
        "mode": mode,
        "task": task.id,
        "kind": task.kind,
        "outcome": outcome,
        "seconds": round(sum(t["seconds"] for t in turns), 2),
        "turns": turns,
    }


def wait_indexed(http: httpx.Client, count: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        documents = http.get("/api/knowledge/documents").json()["documents"]
        if sum(1 for d in documents if d["state"] == "indexed") >= count:
            return
        time.sleep(0.5)
    raise SystemExit(f"the {count} documents were not indexed in {timeout:.0f} s")


@contextmanager
def model_env(args: argparse.Namespace) -> Iterator[tuple[dict[str, str], str, Any]]:
    """The app's model settings, a line describing the model, and the fake model (or None)."""
    if args.fake:
        from backend.llm.fake_server import FakeOpenAIServer

        with FakeOpenAIServer() as fake:
            env = {
                "AGENTDESK_LLM_PROVIDER": "openai_compatible",
                "AGENTDESK_LLM_BASE_URL": fake.base_url,
                "AGENTDESK_LLM_RETRIES": "0",
            }
            yield env, "scripted fake model (first task answered '[1]' on purpose)", fake
        return
    env = {"AGENTDESK_LLM_PROVIDER": "embedded"}
    model = Path(args.model_path) if args.model_path else MODEL
    if model.is_file():
        env["AGENTDESK_MODEL_PATH"] = str(model)
    yield env, "built-in model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, embedded llama.cpp)", None


def run(args: argparse.Namespace) -> int:
    """Run the chosen tasks in the chosen modes; print the report and save the results."""
    tasks = chosen(args.quick, args.kinds, args.limit, args.per_kind)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    records: list[dict[str, Any]] = []
    started = time.perf_counter()
    with ExitStack() as stack:
        env, model, fake = stack.enter_context(model_env(args))
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        documents = write_corpus(data_dir)
        url = stack.enter_context(served_app(data_dir, **env))
        http = stack.enter_context(httpx.Client(base_url=url, timeout=900, trust_env=False))
        wait_indexed(http, documents)
        for mode in modes:
            if fake is not None:
                fake.set_rules(fake_rules(tasks, mode))
            for task in tasks:
                record = run_task(http, task, mode, data_dir / "workspace")
                records.append(record)
                last = " ".join(record["turns"][-1]["answer"].split())[:70]
                print(
                    f"{mode:6} {task.id:15} {record['outcome']:20} {record['seconds']:6.1f} s"
                    + ("" if record["outcome"] == "solved" else f"  {last!r}"),
                    file=sys.stderr,
                    flush=True,
                )
    text = report(records, modes, len(tasks), model)
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    summary = {
        "model": model,
        "modes": modes,
        "tasks": [t.id for t in tasks],
        "wall_seconds": round(time.perf_counter() - started, 1),
        "records": records,
    }
    (out / f"agents-tasks-{stamp}.json").write_text(json.dumps(summary, indent=2))
    (out / f"agents-tasks-{stamp}.md").write_text(text + "\n")
    print(f"\nresults: {out / f'agents-tasks-{stamp}.json'} and .md")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--modes", default="auto,chat,single,code,team", help="comma-separated")
    parser.add_argument("--kinds", default=None, help="only these kinds of task, comma-separated")
    parser.add_argument(
        "--per-kind", type=int, default=None, help="only the first N tasks of each kind"
    )
    parser.add_argument("--fake", action="store_true", help="a scripted fake model, no real one")
    parser.add_argument("--model-path", default=None, help="a GGUF to use instead of data/models")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
