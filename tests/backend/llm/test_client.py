"""The OpenAI-wire client against the scripted fake server over real HTTP."""

import json
import time
from typing import Any

import pytest

from backend.llm.client import ChatClient, ClientOptions
from backend.llm.errors import ModelError, ModelUnavailable
from backend.llm.fake_server import FakeOpenAIServer
from backend.llm.toolcalls import extract_tool_calls
from tests.conftest import free_port

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "calculator",
            "description": "Evaluate arithmetic",
            "parameters": {"type": "object", "properties": {"expression": {"type": "string"}}},
        },
    }
]
USER = [{"role": "user", "content": "hi"}]


def client_for(url: str, **options: float) -> ChatClient:
    return ChatClient(ClientOptions(base_url=url, retries=1, backoff=0.01, **options))  # type: ignore[arg-type]


async def test_stream_yields_the_reply_in_order(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": "alpha beta gamma"}])
    client = client_for(fake.base_url)
    usage: dict[str, int] = {}
    parts = [part async for part in client.stream(USER, usage=usage)]
    await client.aclose()
    assert len(parts) == 3
    assert "".join(parts) == "alpha beta gamma"
    assert usage["completion_tokens"] == 3
    assert fake.requests[-1]["stream"] is True


async def test_native_tool_calls_pass_through(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"tool_calls": [{"name": "calculator", "arguments": {"expression": "2+2"}}]}])
    client = client_for(fake.base_url)
    result = await client.complete(USER, tools=TOOLS)
    await client.aclose()
    assert result.finish_reason == "tool_calls"
    call = result.tool_calls[0]["function"]
    assert call["name"] == "calculator"
    assert json.loads(call["arguments"]) == {"expression": "2+2"}
    assert fake.requests[-1]["tools"] == TOOLS


async def test_fenced_json_tool_call_is_normalized(fake: FakeOpenAIServer) -> None:
    call = '{"name": "calculator", "arguments": {"expression": "6*7"}}'
    text = f"I will use a tool.\n```json\n{call}\n```"
    fake.set_rules([{"reply": text}])
    client = client_for(fake.base_url)
    with_tools = await client.complete(USER, tools=TOOLS)
    without_tools = await client.complete(USER)
    await client.aclose()
    assert with_tools.content == ""
    assert json.loads(with_tools.tool_calls[0]["function"]["arguments"]) == {"expression": "6*7"}
    assert without_tools.tool_calls == [] and without_tools.content == text


def test_tagged_and_unknown_tool_calls() -> None:
    tagged = '<tool_call>{"name": "calculator", "arguments": {"expression": "1"}}</tool_call>'
    assert extract_tool_calls(tagged, TOOLS)[0]["function"]["name"] == "calculator"
    unknown = '```json\n{"name": "rm_rf", "arguments": {}}\n```'
    assert extract_tool_calls(unknown, TOOLS) == []
    assert extract_tool_calls("just words", TOOLS) == []


async def test_refused_connection_is_retried_then_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    client = ChatClient(ClientOptions(base_url=url, retries=2, backoff=0.05))
    started = time.monotonic()
    with pytest.raises(ModelUnavailable, match="not reachable"):
        await client.complete(USER)
    await client.aclose()
    # Two retries with backoff 0.05 and 0.1 must have waited at least their sum.
    assert time.monotonic() - started >= 0.15


async def test_slow_model_times_out_as_unavailable(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"reply": "late", "delay": 3}])
    client = client_for(fake.base_url, timeout=0.5)
    with pytest.raises(ModelUnavailable, match="did not answer in time"):
        await client.complete(USER)
    await client.aclose()


async def test_server_error_is_a_model_error(fake: FakeOpenAIServer) -> None:
    fake.set_rules([{"error": {"status": 400, "message": "context too long"}}])
    client = client_for(fake.base_url)
    with pytest.raises(ModelError, match="context too long") as caught:
        await client.complete(USER)
    await client.aclose()
    assert caught.value.status == 400


async def test_list_models(fake: FakeOpenAIServer) -> None:
    client = client_for(fake.base_url)
    assert await client.list_models() == ["fake-model"]
    await client.aclose()


async def test_clients_share_one_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each run gets a client of its own; loading the CA bundle for each would cost ~20 ms.
    import ssl

    built: list[object] = []
    real = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    clients = [client_for(f"http://127.0.0.1:{free_port()}/v1") for _ in range(3)]
    for client in clients:
        await client.aclose()
    assert len(built) <= 1
