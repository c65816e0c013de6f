"""The model server dies in the middle of a streamed answer: the run must end with a stated
error, the app must stay healthy, and the next question must be answered (once the embedded
server is back, for the embedded provider)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil

from backend.startup.ports import free_port
from bench.faultkit import checks
from bench.faultkit.app import ROOT, AppFailed, FaultApp
from bench.faultkit.kill_chat import RULES, write_rules
from bench.faultkit.report import FaultResult

PROMPT = "Please answer slowly: tell me a long story."
STORY = "Write a long story about a lighthouse keeper and her cat."
TERMINAL = ("completed", "error", "stopped", "http_error")


def model_process(app: FaultApp, marker: str) -> psutil.Process | None:
    """The app's child process whose command line contains ``marker``."""
    for member in app.tree()[1:]:
        try:
            if any(marker in part for part in member.cmdline()):
                return member
        except psutil.Error:
            continue
    return None


def stream_and_kill(
    app: FaultApp, kill: Any, tokens_before_kill: int, prompt: str = PROMPT
) -> tuple[dict[str, Any], int]:
    """Ask, call ``kill()`` after some streamed tokens, return the run's last event."""
    tokens = 0
    last: dict[str, Any] = {}
    for event in app.stream_query(prompt, mode="chat"):
        last = event
        if event.get("type") == "token":
            tokens += 1
            if tokens == tokens_before_kill:
                kill()
        if event.get("type") in TERMINAL:
            break
    return last, tokens


def judge_ending(last: dict[str, Any], found: checks.Findings) -> str:
    """The run must end with an error event that says what happened."""
    if last.get("type") != "error":
        found.problems.append(f"the run ended with {last.get('type')!r}, not a stated error")
        return ""
    message = str(last.get("data", {}).get("message", ""))
    if not message:
        found.problems.append("the error event gives no reason")
    return message


def judge_health(app: FaultApp, found: checks.Findings) -> None:
    reply = app.get("/api/health")
    if reply.status_code != 200:
        found.problems.append(f"/api/health answered {reply.status_code} after the model died")


def judge_question_while_down(app: FaultApp, found: checks.Findings) -> int:
    """A question while the model is gone gets an answer or a clear error, never a 500."""
    reply = app.post("/api/agent/query", json={"prompt": "anyone there?", "mode": "chat"})
    if reply.status_code == 200:
        return 200
    detail = reply.json().get("detail") if "json" in reply.headers.get("content-type", "") else ""
    if reply.status_code not in (502, 503, 504) or not detail:
        found.problems.append(f"a question while the model is down: {reply.status_code} {detail}")
    return reply.status_code


def answered(app: FaultApp) -> bool:
    reply = app.post("/api/agent/query", json={"prompt": "hello again", "mode": "chat"})
    return reply.status_code == 200 and reply.json().get("status") == "completed"


def remote_trial(work: Path, tokens_before_kill: int) -> tuple[checks.Findings, str]:
    """An OpenAI-compatible server (the fake, in its own process) is SIGKILLed mid-stream,
    then started again on the same port."""
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    rules = write_rules(data, RULES)
    port = free_port()
    command = [sys.executable, "-m", "backend.llm.fake_server", "--port", str(port)]
    command += ["--rules", str(rules)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE)
    assert server.stdout is not None
    server.stdout.readline()  # FAKE_OPENAI_URL=...: it is listening
    env = {
        "AGENTDESK_LLM_PROVIDER": "openai_compatible",
        "AGENTDESK_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1",
        "AGENTDESK_LLM_RETRIES": "0",
        "AGENTDESK_MODEL_HEALTH_SECONDS": "1",
    }
    found = checks.Findings()
    app = FaultApp(data, env).start()
    try:
        last, tokens = stream_and_kill(app, lambda: os.kill(server.pid, signal.SIGKILL),
                                       tokens_before_kill)  # fmt: skip
        server.wait(10)
        message = judge_ending(last, found)
        judge_health(app, found)
        while_down = judge_question_while_down(app, found)
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE)
        assert server.stdout is not None
        server.stdout.readline()
        try:
            app.wait_for("an answer after the server is back", lambda: answered(app), 60, 1.0)
        except AppFailed as error:
            found.problems.append(str(error)[:200])
    finally:
        app.stop()
        server.kill()
        server.wait(10)
    found.merge(checks.integrity(data / "agentdesk.db"))
    said = f"{message[:60]!r}, a question meanwhile {while_down}"
    return found, f"remote server killed after {tokens} tokens: {said}"


def embedded_trial(
    work: Path, tokens_before_kill: int, model_path: Path | None = None
) -> tuple[checks.Findings, str]:
    """The embedded model server process is SIGKILLed mid-stream; the health watch must
    restart it. With ``model_path`` the real llama.cpp server runs, else the fake in its place."""
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    env = {
        "AGENTDESK_LLM_PROVIDER": "embedded",
        "AGENTDESK_LLM_RETRIES": "0",
        "AGENTDESK_MODEL_HEALTH_SECONDS": "1",
        "AGENTDESK_MODEL_BACKOFF_SECONDS": "0.5",
    }
    if model_path is not None:
        env |= {"AGENTDESK_MODEL_PATH": str(model_path), "AGENTDESK_THREADS": "2"}
        app, marker, prompt = FaultApp(data, env), "backend.llm.llama_server", STORY
    else:
        stand_in = data.parent / "stand-in.gguf"
        stand_in.write_bytes(b"GGUF")  # passes the model-path check; the fake never reads it
        chosen = ",".join(filter(None, [os.environ.get("FAULTS_STAND_INS", ""), "model"]))
        env |= {
            "AGENTDESK_MODEL_PATH": str(stand_in),
            "FAULTS_FAKE_RULES": str(write_rules(data, RULES)),
            "FAULTS_STAND_INS": chosen,
        }
        app, marker, prompt = FaultApp(data, env), "backend.llm.fake_server", PROMPT
    found = checks.Findings()
    app.start()
    try:
        app.wait_for("the model to be ready", lambda: _model_state(app) == "ready", 300, 0.5)
        victim = model_process(app, marker)
        if victim is None:
            raise AppFailed("no model server process under the app")
        last, tokens = stream_and_kill(app, lambda: victim.send_signal(signal.SIGKILL),
                                       tokens_before_kill, prompt)  # fmt: skip
        message = judge_ending(last, found)
        judge_health(app, found)
        while_down = judge_question_while_down(app, found)
        try:
            app.wait_for("the model to be restarted", lambda: _restarted(app, victim.pid), 300)
            app.wait_for("an answer after recovery", lambda: answered(app), 120, 1.0)
        except AppFailed as error:
            found.problems.append(str(error)[:200])
    finally:
        app.stop()
    found.merge(checks.integrity(data / "agentdesk.db"))
    kind = "llama.cpp" if model_path else "embedded (fake stand-in)"
    said = f"{message[:60]!r}, a question meanwhile {while_down}"
    return found, f"{kind} killed after {tokens} tokens: {said}"


def _model_state(app: FaultApp) -> str:
    return str(app.json("/api/health")["llm"]["state"])


def _restarted(app: FaultApp, old_pid: int) -> bool:
    stats = app.json("/api/system/stats")["model"]
    server = model_process(app, "fake_server") or model_process(app, "llama_server")
    return bool(stats["restarts"] >= 1 and stats["health"] == "healthy" and server
                and server.pid != old_pid)  # fmt: skip


def run(work: Path, trials: int = 3, model_path: Path | None = None) -> list[FaultResult]:
    """``trials`` kills of a remote server and of the embedded one, after 2, 5, 8... tokens."""
    remote = FaultResult("model server (OpenAI-compatible) killed mid-stream")
    local = FaultResult("embedded model server killed mid-stream")
    # run.py builds the real app, so the fake cannot stand in for llama.cpp there.
    stand_in_impossible = model_path is None and bool(os.environ.get("FAULTS_UI_DIR"))
    for number in range(trials):
        tokens = 2 + 3 * number
        found, note = remote_trial(work / f"remote-{number}", tokens)
        remote.add(found, note)
        if not stand_in_impossible:
            found, note = embedded_trial(work / f"embedded-{number}", tokens, model_path)
            local.add(found, note)
    if stand_in_impossible:
        local.notes.append("not run: with run.py only the real model can be killed")
    return [remote, local]
