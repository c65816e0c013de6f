"""A lone surrogate in any JSON body is a 422 with a message, never a 500."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from backend.api.json_text import lone_surrogate

TASK = {
    "name": "t",
    "prompt": "p",
    "mode": "chat",
    "trigger": {"type": "cron", "cron": "0 9 * * *", "timezone": "UTC"},
    "enabled": False,
}
CHAT = {"model": "agentdesk-chat", "messages": [{"role": "user", "content": "hi"}]}

# (method, path, a valid body) for routes that keep or pass on text.
ROUTES = [
    ("POST", "/api/agent/query", {"prompt": "hi", "mode": "chat"}),
    ("POST", "/api/tasks", TASK),
    ("POST", "/v1/chat/completions", CHAT),
    ("POST", "/api/knowledge/folders", {"path": "/tmp/agentdesk-surrogate-check"}),
]
JSON = {"content-type": "application/json"}
SURROGATES = ["\\ud800", "\\udfff", "\\uDBFF tail", "a\\udc00b"]


def with_text(body: object, text: str) -> bytes:
    """``body`` as JSON with its first string replaced by ``text`` (spelled as JSON)."""
    raw = json.dumps(body)
    first = raw.index('"', raw.index(":") + 1)
    end = raw.index('"', first + 1)
    return (raw[: first + 1] + text + raw[end:]).encode()


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
@pytest.mark.parametrize("text", SURROGATES)
async def test_a_lone_surrogate_in_any_field_is_a_422(
    client: httpx.AsyncClient, method: str, path: str, body: object, text: str
) -> None:
    answer = await client.request(method, path, content=with_text(body, text), headers=JSON)
    assert answer.status_code == 422, answer.text
    shown = answer.json()
    detail = shown["error"]["message"] if path.startswith("/v1/") else shown["detail"]
    assert "lone surrogate" in detail


async def test_deep_in_a_body_in_a_key_or_as_raw_bytes_too(client: httpx.AsyncClient) -> None:
    deep = {"prompt": "hi", "mode": "chat", "extra": [[{"x": ["\ud800"]}]]}
    bodies = [
        json.dumps(deep).encode(),
        b'{"prompt": "hi", "\\ud801": 1}',
        b'{"prompt": "hi \xed\xa0\x80"}',  # a surrogate encoded as bytes
    ]
    for sent in bodies:
        answer = await client.post("/api/agent/query", content=sent)  # no content type either
        assert answer.status_code == 422, (sent, answer.text)
        assert "lone surrogate" in answer.json()["detail"]


async def test_paired_surrogates_and_escaped_backslashes_pass(client: httpx.AsyncClient) -> None:
    # A real pair is one character (an emoji); "\\ud800" spelled with an escaped backslash is
    # six ordinary characters.
    for text in ("\\ud83d\\ude00", "\\\\ud800"):
        sent = with_text({"prompt": "hi", "mode": "chat"}, text)
        answer = await client.post("/api/agent/query", content=sent, headers=JSON)
        assert answer.status_code == 200, answer.text
        assert answer.json()["answer"].startswith("Echo: ")


def test_the_check_itself() -> None:
    assert lone_surrogate(b'{"a": "\\ud800"}') == "\\ud800"
    assert lone_surrogate(b'["\\ud83d\\ude00"]') is None
    assert lone_surrogate(b'{"a": "\\ud800') is None  # not JSON: the route says so
    assert lone_surrogate(b"[" * 100_000 + b'"\\ud800"') is None  # too deep to read here
    assert lone_surrogate(b"plain") is None


async def test_an_mcp_call_with_a_lone_surrogate_is_refused(client: httpx.AsyncClient) -> None:
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "calculator", "arguments": {"expression": "1+1 \ud800"}},
    }
    headers = {**JSON, "accept": "application/json, text/event-stream"}
    answer = await client.post("/mcp", content=json.dumps(call).encode(), headers=headers)
    assert answer.status_code == 422, answer.text
    assert "lone surrogate" in answer.json()["detail"]


async def test_every_route_that_takes_json_refuses_a_lone_surrogate(
    client: httpx.AsyncClient,
) -> None:
    schema = (await client.get("/openapi.json")).json()
    checked = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            sent = b'{"prompt": "\\ud800", "name": "\\udc00", "path": "\\ud800"}'
            answer = await client.request(method.upper(), url, content=sent, headers=JSON)
            assert answer.status_code == 422, (method, path, answer.text)
            assert "lone surrogate" in answer.text
            checked.append(f"{method.upper()} {path}")
    assert len(checked) >= 7, checked
