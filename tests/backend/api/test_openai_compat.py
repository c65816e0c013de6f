"""The OpenAI-compatible API (/v1), driven by the official ``openai`` client over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from agents.manager import AVAILABLE_MODES, MODES
from backend.llm.fake_server import FakeOpenAIServer
from tests.conftest import LiveServer, SettingsFactory, free_port


def client_for(server: LiveServer, api_key: str = "x") -> openai.OpenAI:
    # No retries: every error must surface as the exact response the server gave.
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0)


@pytest.fixture
def ai(live: LiveServer) -> openai.OpenAI:
    return client_for(live)


@pytest.fixture
def serve(make_settings: SettingsFactory) -> Iterator[Any]:
    """Start a live app with setting overrides; every app started is stopped afterwards."""
    started: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        started.append(LiveServer(make_settings(**overrides)).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_models_are_the_available_agent_modes(ai: openai.OpenAI) -> None:
    models = ai.models.list().data
    assert [m.id for m in models] == [f"agentdesk-{mode}" for mode in AVAILABLE_MODES]
    assert {"agentdesk-auto", "agentdesk-chat"} <= {m.id for m in models}
    assert all(m.object == "model" and m.owned_by == "agentdesk" for m in models)
    assert all(isinstance(m.created, int) and m.created > 0 for m in models)
    assert ai.models.retrieve("agentdesk-chat").id == "agentdesk-chat"


def test_completion_answers_the_last_user_message_and_is_recorded(
    live: LiveServer, ai: openai.OpenAI, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {
                "match": "capital of France",
                "reply": "Paris is the capital.",
                "usage": {"prompt_tokens": 17, "completion_tokens": 4},
            }
        ]
    )
    completion = ai.chat.completions.create(
        model="agentdesk-chat",
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Hi!"},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        temperature=0.2,
        user="someone",
        extra_body={"agentdesk": {"use_knowledge": False}, "top_k": 3},
    )
    assert completion.object == "chat.completion"
    assert completion.model == "agentdesk-chat"
    choice = completion.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "Paris is the capital."
    assert choice.finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (17, 4)
    assert completion.usage.total_tokens == 21
    sent = fake.requests[-1]["messages"]
    assert sent[-1]["content"] == "What is the capital of France?"
    # The earlier turns are the conversation so far; the client's system message is not.
    assert [(m["role"], m["content"]) for m in sent[1:-1]] == [
        ("user", "Hello"),
        ("assistant", "Hi!"),
    ]

    extra = (completion.model_extra or {})["agentdesk"]
    assert extra["mode"] == "chat" and extra["engine"] == "chat"
    assert extra["status"] == "completed" and extra["sources"] == []
    assert completion.id == f"chatcmpl-{extra['run_id']}"
    conversation = httpx.get(f"{live.url}/api/conversations/{extra['conversation_id']}").json()
    assert [(m["role"], m["content"], m["run_id"]) for m in conversation["messages"]] == [
        ("user", "What is the capital of France?", extra["run_id"]),
        ("assistant", "Paris is the capital.", extra["run_id"]),
    ]
    listed = httpx.get(f"{live.url}/api/conversations").json()["conversations"]
    assert extra["conversation_id"] in [c["id"] for c in listed]


def test_a_bare_mode_name_and_conversation_id_continue_a_chat(
    ai: openai.OpenAI, fake: FakeOpenAIServer
) -> None:
    first = ai.chat.completions.create(
        model="chat", messages=[{"role": "user", "content": "My name is Ada."}]
    )
    conversation_id = (first.model_extra or {})["agentdesk"]["conversation_id"]
    second = ai.chat.completions.create(
        model="chat",
        messages=[{"role": "user", "content": [{"type": "text", "text": "What is my name?"}]}],
        extra_body={"agentdesk": {"conversation_id": conversation_id}},
    )
    assert (second.model_extra or {})["agentdesk"]["conversation_id"] == conversation_id
    sent = [(m["role"], m["content"]) for m in fake.requests[-1]["messages"][1:]]
    assert sent[:2] == [("user", "My name is Ada."), ("assistant", "Echo: My name is Ada.")]
    assert sent[-1][1].endswith("What is my name?")


def test_streamed_completion_sends_the_reply_as_deltas(
    ai: openai.OpenAI, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "one two three four", "usage": {"completion_tokens": 4}}])
    stream = ai.chat.completions.create(
        model="agentdesk-chat",
        messages=[{"role": "user", "content": "count to four"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    with_choices = [c for c in chunks if c.choices]
    deltas = [c.choices[0].delta.content for c in with_choices if c.choices[0].delta.content]
    assert len(deltas) == 4
    assert "".join(deltas) == "one two three four"
    assert [c.choices[0].finish_reason for c in with_choices][-1] == "stop"
    assert all(c.choices[0].finish_reason is None for c in with_choices[:-1])
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 4
    extra = (with_choices[-1].model_extra or {})["agentdesk"]
    assert extra["status"] == "completed" and extra["mode"] == "chat"


def test_a_model_dropping_mid_stream_ends_with_an_error_chunk(
    live: LiveServer, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"drop": True}])
    payload = {
        "model": "agentdesk-chat",
        "stream": True,
        "messages": [{"role": "user", "content": "tell me a story"}],
    }
    with httpx.stream("POST", f"{live.url}/v1/chat/completions", json=payload) as response:
        assert response.status_code == 200
        data = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert data[-1] == "[DONE]"
    assert '"error"' in data[-2] and "stopped in the middle" in data[-2]
    assert any('"content": "Echo' in line for line in data[:-2])

    ai = client_for(live)
    stream = ai.chat.completions.create(
        model="agentdesk-chat", messages=[{"role": "user", "content": "again"}], stream=True
    )
    received: list[str] = []
    with pytest.raises(openai.APIError, match="stopped in the middle"):
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)
    assert received


def test_unknown_and_unavailable_models_are_404(ai: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        ai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert caught.value.code == "model_not_found"
    assert "agentdesk-chat" in caught.value.message
    with pytest.raises(openai.NotFoundError):
        ai.models.retrieve("gpt-4o")
    for mode in (m for m in MODES if m not in AVAILABLE_MODES):
        with pytest.raises(openai.NotFoundError, match="not available yet"):
            ai.chat.completions.create(
                model=f"agentdesk-{mode}", messages=[{"role": "user", "content": "hi"}]
            )


def test_bad_prompts_are_rejected_in_openai_shape(live: LiveServer, ai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as empty:
        ai.chat.completions.create(
            model="agentdesk-chat", messages=[{"role": "user", "content": "   "}]
        )
    assert empty.value.code == "empty_prompt"
    with pytest.raises(openai.BadRequestError):
        ai.chat.completions.create(
            model="agentdesk-chat", messages=[{"role": "system", "content": "no question"}]
        )
    with pytest.raises(openai.APIStatusError) as long:
        ai.chat.completions.create(
            model="agentdesk-chat", messages=[{"role": "user", "content": "x" * 8001}]
        )
    assert long.value.status_code == 413
    assert "AGENTDESK_MAX_PROMPT_CHARS" in long.value.message

    missing = httpx.post(f"{live.url}/v1/chat/completions", json={"model": "agentdesk-chat"})
    assert missing.status_code == 400
    error = missing.json()["error"]
    assert error["type"] == "invalid_request_error" and "messages" in error["message"]
    assert set(error) == {"message", "type", "code"}


def test_model_down_is_503_streamed_or_not(serve: Any) -> None:
    closed = f"http://127.0.0.1:{free_port()}/v1"
    ai = client_for(serve(llm_base_url=closed, llm_retries=0))
    for stream in (False, True):
        with pytest.raises(openai.InternalServerError) as caught:
            ai.chat.completions.create(
                model="agentdesk-chat",
                messages=[{"role": "user", "content": "hello"}],
                stream=stream,
            )
        assert caught.value.status_code == 503
        assert "not reachable" in caught.value.message


def test_model_error_before_any_token_is_its_status(
    ai: openai.OpenAI, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"error": {"status": 500, "message": "out of memory"}}])
    with pytest.raises(openai.InternalServerError) as caught:
        ai.chat.completions.create(
            model="agentdesk-chat", messages=[{"role": "user", "content": "hi"}], stream=True
        )
    assert caught.value.status_code == 502
    assert "out of memory" in caught.value.message


def test_the_api_token_is_the_api_key(serve: Any) -> None:
    server = serve(api_token="s3cret")
    with pytest.raises(openai.AuthenticationError) as caught:
        client_for(server, api_key="nope").models.list()
    assert caught.value.code == "invalid_api_key"
    # The openai client refuses an empty key, so "no key at all" is checked with plain HTTP.
    bare = httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "agentdesk-chat", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert bare.status_code == 401
    assert bare.headers["www-authenticate"] == "Bearer"
    assert bare.json()["error"]["type"] == "authentication_error"

    ai = client_for(server, api_key="s3cret")
    assert "agentdesk-chat" in [m.id for m in ai.models.list().data]
    answer = ai.chat.completions.create(
        model="agentdesk-chat", messages=[{"role": "user", "content": "ping"}]
    )
    assert answer.choices[0].message.content == "Echo: ping"
