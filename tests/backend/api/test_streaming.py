"""Streamed answers over a real loopback connection: SSE run events, replay and stop."""

import json
import threading
from typing import Any

import httpx

from backend.llm.fake_server import FakeOpenAIServer
from tests.conftest import LiveServer

EVENT_KEYS = {"run_id", "seq", "ts", "type", "agent", "data"}


def read_events(response: httpx.Response) -> list[dict[str, Any]]:
    events = []
    for line in response.iter_lines():
        if line.startswith("data:"):
            events.append(json.loads(line[5:]))
    return events


def test_stream_sends_run_events_token_by_token(live: LiveServer, fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": "one two three four"}])
    with httpx.stream(
        "POST", f"{live.url}/api/agent/query", json={"prompt": "count", "stream": True}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_events(response)
    assert all(set(e) == EVENT_KEYS for e in events)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    types = [e["type"] for e in events]
    assert types[0] == "started" and types[-1] == "completed"
    tokens = [e["data"]["text"] for e in events if e["type"] == "token"]
    assert len(tokens) == 4
    assert "".join(tokens) == "one two three four" == events[-1]["data"]["answer"]

    run_id = events[0]["run_id"]
    with httpx.stream("GET", f"{live.url}/api/agent/runs/{run_id}/events") as replay:
        replayed = read_events(replay)
    # The replay is the stored transcript: every event but the streamed tokens.
    assert [e["type"] for e in replayed] == [t for t in types if t != "token"]
    assert replayed[0]["type"] == "started" and replayed[-1]["type"] == "completed"
    assert replayed[-1]["data"]["answer"] == "one two three four"


def test_stop_interrupts_a_running_answer_and_keeps_the_partial_text(
    live: LiveServer, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "word " * 200, "token_delay": 0.05}])
    seen: list[dict[str, Any]] = []
    first_token = threading.Event()

    def listen() -> None:
        with httpx.stream(
            "POST", f"{live.url}/api/agent/query", json={"prompt": "long", "stream": True}
        ) as response:
            for line in response.iter_lines():
                if line.startswith("data:"):
                    seen.append(json.loads(line[5:]))
                    if seen[-1]["type"] == "token":
                        first_token.set()

    listener = threading.Thread(target=listen)
    listener.start()
    assert first_token.wait(30)
    run_id = seen[0]["run_id"]
    stopped = httpx.post(f"{live.url}/api/agent/runs/{run_id}/stop").json()
    listener.join(30)
    assert stopped == {"run_id": run_id, "stopped": True}
    assert seen[-1]["type"] == "stopped"
    tokens = [e for e in seen if e["type"] == "token"]
    assert 0 < len(tokens) < 200
    run = httpx.get(f"{live.url}/api/agent/runs/{run_id}").json()
    assert run["status"] == "stopped"
    assert run["answer"] == "".join(e["data"]["text"] for e in tokens)
    again = httpx.post(f"{live.url}/api/agent/runs/{run_id}/stop").json()
    assert again["stopped"] is False


def test_a_dropped_model_stream_ends_with_an_error_event(
    live: LiveServer, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"drop": True}])
    with httpx.stream(
        "POST", f"{live.url}/api/agent/query", json={"prompt": "x", "stream": True}
    ) as response:
        events = read_events(response)
    assert events[-1]["type"] == "error"
    assert "stopped in the middle" in events[-1]["data"]["message"]


def test_unknown_run_is_404(live: LiveServer) -> None:
    assert httpx.get(f"{live.url}/api/agent/runs/nope").status_code == 404
    assert httpx.get(f"{live.url}/api/agent/runs/nope/events").status_code == 404
    assert httpx.post(f"{live.url}/api/agent/runs/nope/stop").status_code == 404
