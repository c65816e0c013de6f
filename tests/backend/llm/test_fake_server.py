"""The scripted fake OpenAI server, driven through httpx and the official openai client."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from pydantic import ValidationError

from backend.llm.fake_server import FakeOpenAIServer, load_rules

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture
def client(server: FakeOpenAIServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as oai:
        yield oai


def ask(client: openai.OpenAI, prompt: str, **kwargs: Any) -> Any:
    return client.chat.completions.create(
        model="fake-model", messages=[{"role": "user", "content": prompt}], **kwargs
    )


def root(server: FakeOpenAIServer) -> str:
    return server.base_url.removesuffix("/v1")


def test_plain_reply_is_a_full_chat_completion(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.set_rules([{"reply": "Hello there, friend"}])
    result = client.chat.completions.create(
        model="fake-model",
        messages=[
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "say hi"},
        ],
    )
    assert result.object == "chat.completion"
    assert result.model == "fake-model"
    choice = result.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "Hello there, friend"
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    assert result.usage is not None
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (4, 3)
    assert result.usage.total_tokens == 7


def test_default_echoes_the_last_user_message(client: openai.OpenAI) -> None:
    result = client.chat.completions.create(
        model="fake-model",
        messages=[
            {"role": "user", "content": "first question"},
            {"role": "assistant", "content": "an answer"},
            {"role": "user", "content": [{"type": "text", "text": "second question"}]},
        ],
    )
    assert result.choices[0].message.content == "Echo: second question"


def test_first_matching_rule_wins_case_insensitively(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.set_rules(
        [
            {"match": "weather", "reply": "sunny"},
            {"match": "weather|rain", "reply": "wet"},
            {"reply": "fallback"},
        ]
    )
    assert ask(client, "What is the WEATHER like?").choices[0].message.content == "sunny"
    assert ask(client, "will it rain").choices[0].message.content == "wet"
    assert ask(client, "hello").choices[0].message.content == "fallback"


def test_rule_with_times_retires_after_its_uses(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.set_rules([{"reply": "scripted", "times": 2}])
    answers = [ask(client, "go").choices[0].message.content for _ in range(3)]
    assert answers == ["scripted", "scripted", "Echo: go"]


def test_tool_call_without_streaming(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.set_rules(
        [{"tool_calls": [{"name": "search", "arguments": {"query": "faiss", "k": 3}}]}]
    )
    result = ask(client, "find faiss docs")
    choice = result.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert choice.message.tool_calls is not None
    (call,) = choice.message.tool_calls
    assert call.type == "function"
    assert re.fullmatch(r"call_\d+", call.id)
    assert call.function.name == "search"
    assert json.loads(call.function.arguments) == {"query": "faiss", "k": 3}


def test_tool_calls_when_streaming(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.set_rules(
        [
            {
                "tool_calls": [
                    {"name": "read_file", "arguments": {"path": "a.txt"}},
                    {"name": "now"},
                ]
            }
        ]
    )
    calls: dict[int, dict[str, Any]] = {}
    finish = None
    for chunk in ask(client, "read it", stream=True):
        if not chunk.choices:
            continue
        for delta in chunk.choices[0].delta.tool_calls or []:
            entry = calls.setdefault(delta.index, {"name": "", "arguments": ""})
            entry["id"] = delta.id or entry.get("id")
            assert delta.function is not None
            entry["name"] += delta.function.name or ""
            entry["arguments"] += delta.function.arguments or ""
        finish = chunk.choices[0].finish_reason or finish
    assert finish == "tool_calls"
    assert [calls[i]["name"] for i in sorted(calls)] == ["read_file", "now"]
    assert json.loads(calls[0]["arguments"]) == {"path": "a.txt"}
    assert json.loads(calls[1]["arguments"]) == {}
    assert calls[0]["id"] != calls[1]["id"]


def test_stream_sends_tokens_in_order_then_usage_and_done(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    reply = "  The quick\tbrown fox.\n\nJumps!  "
    server.set_rules([{"reply": reply, "token_delay": 0.01}])
    chunks = list(ask(client, "story", stream=True, stream_options={"include_usage": True}))
    assert chunks[0].choices[0].delta.role == "assistant"
    pieces = [c.choices[0].delta.content for c in chunks[1:] if c.choices]
    pieces = [p for p in pieces if p]
    assert pieces == re.findall(r"\S+\s*|\s+", reply)
    assert len(pieces) == 6
    assert "".join(pieces) == reply
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 5

    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "x"}]}
    raw = httpx.post(f"{server.base_url}/chat/completions", json=body)
    assert raw.headers["content-type"].startswith("text/event-stream")
    events = [line for line in raw.text.split("\n\n") if line]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    assert all(json.loads(e[6:])["object"] == "chat.completion.chunk" for e in events[:-1])


def test_delay_holds_the_response_back(server: FakeOpenAIServer) -> None:
    server.set_rules([{"reply": "late", "delay": 1.0, "times": 1}, {"reply": "late"}])
    with (
        openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0, timeout=0.1) as fast,
        pytest.raises(openai.APITimeoutError),
    ):
        ask(fast, "hurry")
    with openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as patient:
        assert ask(patient, "hurry").choices[0].message.content == "late"


def test_error_rule_surfaces_as_api_status_error(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.set_rules([{"match": "busy", "error": {"status": 503, "message": "model busy"}}])
    with pytest.raises(openai.APIStatusError) as caught:
        ask(client, "are you busy")
    assert caught.value.status_code == 503
    assert "model busy" in caught.value.message
    with pytest.raises(openai.APIStatusError) as streamed:
        ask(client, "busy?", stream=True)
    assert streamed.value.status_code == 503

    body = {"model": "m", "messages": [{"role": "user", "content": "busy"}]}
    raw = httpx.post(f"{server.base_url}/chat/completions", json=body)
    assert raw.status_code == 503
    assert raw.json() == {"error": {"message": "model busy", "type": "fake_error", "code": 503}}


def test_drop_breaks_the_connection(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.set_rules([{"match": "crash", "drop": True}])
    with pytest.raises(openai.APIConnectionError):
        ask(client, "crash now")

    received: list[str] = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in ask(client, "crash while streaming please", stream=True):
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    assert received == ["Echo: ", "crash "]

    assert ask(client, "still alive?").choices[0].message.content == "Echo: still alive?"


def test_rules_and_requests_over_http(server: FakeOpenAIServer) -> None:
    base = root(server)
    assert httpx.get(f"{base}/health").json() == {"status": "ok"}
    models = httpx.get(f"{server.base_url}/models").json()
    assert models["object"] == "list"
    assert [m["id"] for m in models["data"]] == ["fake-model"]

    posted = httpx.post(f"{base}/_rules", json=[{"match": "ping", "reply": "pong"}])
    assert posted.status_code == 200
    body = {
        "model": "fake-model",
        "messages": [{"role": "user", "content": "ping"}],
        "response_format": {"type": "json_object"},
    }
    answer = httpx.post(f"{server.base_url}/chat/completions", json=body).json()
    assert answer["choices"][0]["message"]["content"] == "pong"
    assert httpx.get(f"{base}/_requests").json() == [body]
    assert server.requests == [body]

    rejected = httpx.post(f"{base}/_rules", json=[{"match": "x"}])
    assert rejected.status_code == 400
    assert "exactly one of" in rejected.json()["error"]["message"]
    again = httpx.post(f"{server.base_url}/chat/completions", json=body).json()
    assert again["choices"][0]["message"]["content"] == "pong"

    server.clear_requests()
    assert httpx.get(f"{base}/_requests").json() == []


def test_requests_property_is_a_copy(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    ask(client, "one")
    snapshot = server.requests
    snapshot[0]["messages"].clear()
    assert server.requests[0]["messages"] == [{"role": "user", "content": "one"}]


def test_bad_request_body_gets_openai_style_400(server: FakeOpenAIServer) -> None:
    url = f"{server.base_url}/chat/completions"
    for body in ({"model": "m"}, {"model": "m", "messages": []}):
        response = httpx.post(url, json=body)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == 400
        assert "messages" in error["message"]
    assert httpx.post(url, content=b"{not json").status_code == 400


def test_usage_override(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.set_rules([{"reply": "a b c", "usage": {"prompt_tokens": 100}}])
    usage = ask(client, "count me").usage
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (100, 3, 103)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"match": "x"}, "exactly one of"),
        ({"reply": "a", "drop": True}, "found: reply, drop"),
        ({"reply": "a", "match": "("}, "not a valid regular expression"),
        ({"reply": "a", "times": 0}, "times"),
        ({"reply": "a", "colour": "red"}, "colour"),
        ({"error": {"status": 200, "message": "ok"}}, "status"),
    ],
)
def test_bad_rule_raises_a_clear_validation_error(rule: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(expected)):
        FakeOpenAIServer([rule])


def test_invalid_set_rules_keeps_the_old_script(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.set_rules([{"reply": "kept"}])
    with pytest.raises(ValidationError):
        server.set_rules([{"reply": "new"}, {"tool_calls": []}])
    assert ask(client, "hi").choices[0].message.content == "kept"


def test_stop_frees_the_port_and_is_idempotent() -> None:
    first = FakeOpenAIServer().start()
    port = first.port
    assert httpx.get(f"{root(first)}/health").status_code == 200
    first.stop()
    first.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health")
    with FakeOpenAIServer(port=port) as second:
        assert second.port == port
        assert httpx.get(f"{root(second)}/health").json() == {"status": "ok"}


def test_port_is_unknown_before_start() -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = FakeOpenAIServer().base_url


async def test_async_client_streams_against_the_threaded_server(
    server: FakeOpenAIServer,
) -> None:
    server.set_rules([{"reply": "async works"}])
    async with openai.AsyncOpenAI(base_url=server.base_url, api_key="x", max_retries=0) as oai:
        stream = await oai.chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": "go"}], stream=True
        )
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "async works"


def test_load_rules_reads_and_validates(tmp_path: Path) -> None:
    good = tmp_path / "rules.json"
    good.write_text(json.dumps([{"match": "hi", "reply": "hello"}]), encoding="utf-8")
    assert load_rules(good) == [{"match": "hi", "reply": "hello"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"reply": "a", "error": {"status": 500, "message": "m"}}]))
    with pytest.raises(ValidationError, match="exactly one of"):
        load_rules(bad)
    not_a_list = tmp_path / "obj.json"
    not_a_list.write_text("{}")
    with pytest.raises(ValueError, match="list"):
        load_rules(not_a_list)


def test_cli_prints_the_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"reply": "from the cli"}]), encoding="utf-8")
    command = [sys.executable, "-m", "backend.llm.fake_server", "--port", "0"]
    command += ["--rules", str(rules)]
    with subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            match = re.fullmatch(r"FAKE_OPENAI_URL=(http://127\.0\.0\.1:\d+/v1)", line)
            assert match, line
            with openai.OpenAI(base_url=match.group(1), api_key="x", max_retries=0) as oai:
                assert ask(oai, "hi").choices[0].message.content == "from the cli"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()


def test_only_the_most_recent_requests_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.llm import fake_server

    monkeypatch.setattr(fake_server, "KEEP_REQUESTS", 3)
    server = FakeOpenAIServer().start()
    try:
        for n in range(5):
            httpx.post(
                f"{server.base_url}/chat/completions",
                json={"model": "fake", "messages": [{"role": "user", "content": f"q{n}"}]},
                timeout=10,
            ).raise_for_status()
        assert [r["messages"][0]["content"] for r in server.requests] == ["q2", "q3", "q4"]
    finally:
        server.stop()
