"""SIGKILL the whole app while the model is streaming an answer (and a task run waits its
turn), start it again: the conversation and the question are kept, both runs say they were
interrupted, and the next question is answered."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from bench.faultkit import checks
from bench.faultkit.app import FaultApp
from bench.faultkit.report import FaultResult

SLOW_REPLY = " ".join(f"word{i}" for i in range(400))
RULES = [{"match": "slowly", "reply": SLOW_REPLY, "token_delay": 0.05}]


def write_rules(data: Path, rules: list[dict[str, Any]]) -> Path:
    path = data.parent / f"{data.name}-rules.json"
    path.write_text(json.dumps(rules))
    return path


def start_task(app: FaultApp, prompt: str) -> tuple[str, int]:
    """A paused task run now: its run waits for the chat answer's slot."""
    trigger = {"type": "interval", "hours": 24}
    body = {"name": "fault task", "prompt": prompt, "trigger": trigger, "enabled": False}
    task = app.post("/api/tasks", json=body).json()
    entry = app.post(f"/api/tasks/{task['id']}/run").json()
    return task["id"], int(entry["task_run"]["id"])


def run_trial(work: Path, tokens_before_kill: int) -> tuple[checks.Findings, str]:
    """Kill the app while its answer streams (the stream still open), then start it again."""
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    rules = write_rules(data, RULES)
    env = {"AGENTDESK_FAKE_RULES": str(rules)}
    found = checks.Findings()
    prompt = "Please answer slowly: what is in my notes?"
    app = FaultApp(data, env).start()
    run_id = conversation_id = ""
    tokens = 0
    task_id, task_run = "", 0
    members = []
    try:
        for event in app.stream_query(prompt, mode="chat"):
            if event.get("type") == "started":
                run_id, conversation_id = event["run_id"], event["data"]["conversation_id"]
                task_id, task_run = start_task(app, "Please summarise slowly")
            elif event.get("type") == "token":
                tokens += 1
                if tokens >= tokens_before_kill:
                    members = app.tree()
                    app.kill()  # with the stream still open, as a power cut would
                    break
            elif event.get("type") in ("completed", "error", "stopped", "http_error"):
                found.problems.append(f"the answer ended before the kill: {event}")
                break
    finally:
        members = members or app.tree()
        app.kill()
    if left := app.survivors(members):
        found.problems.append(f"processes outlived the kill: {left}")
    again = FaultApp(data, env).start()
    try:
        found.merge(_after_restart(again, prompt, run_id, conversation_id, task_id, task_run))
    finally:
        again.stop()
    found.merge(checks.integrity(data / "agentdesk.db"))
    return found, f"killed after {tokens} streamed tokens"


def _after_restart(
    app: FaultApp, prompt: str, run_id: str, conversation_id: str, task_id: str, task_run: int
) -> checks.Findings:
    found = checks.Findings()
    chat = app.get(f"/api/conversations/{conversation_id}")
    if chat.status_code != 200:
        found.lost.append(f"conversation {conversation_id}: HTTP {chat.status_code}")
        return found
    said = [m["content"] for m in chat.json()["messages"] if m["role"] == "user"]
    if prompt not in said:
        found.lost.append("the user's message")
    run = app.json(f"/api/agent/runs/{run_id}")
    if run["status"] != "interrupted" or not run["error"]:
        found.problems.append(f"chat run is {run['status']!r} ({run['error']}), not interrupted")
    replay = app.get(f"/api/agent/runs/{run_id}/events").text.strip().splitlines()
    if not replay or '"type": "error"' not in replay[-1]:
        found.problems.append("the run's replayed transcript does not end")
    reply = app.get(f"/api/tasks/{task_id}/history/{task_run}")
    entry = reply.json() if reply.status_code == 200 else None
    if entry is None:
        found.lost.append("the task's history entry")
    elif entry["status"] != "interrupted":
        found.problems.append(f"task run is {entry['status']!r}, not interrupted")
    if entry and entry.get("run_id"):
        linked = app.json(f"/api/agent/runs/{entry['run_id']}")
        if linked["status"] != "interrupted":
            found.problems.append(f"task's agent run is {linked['status']!r}, not interrupted")
    answer = app.post(
        "/api/agent/query",
        json={"prompt": "and now?", "conversation_id": conversation_id, "mode": "chat"},
    )
    if answer.status_code != 200 or answer.json().get("status") != "completed":
        found.problems.append(f"the next question failed: {answer.status_code} {answer.text[:200]}")
    return found


def run(work: Path, trials: int = 5, seed: int = 1) -> FaultResult:
    """``trials`` kills after a seeded random number of streamed tokens."""
    result = FaultResult("SIGKILL app tree during a chat answer")
    rng = random.Random(seed)
    for number in range(trials):
        found, note = run_trial(work / f"chat-{number}", rng.randint(1, 40))
        result.add(found, note)
    return result
