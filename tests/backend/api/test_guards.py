"""Guards: body size caps, rate limits on expensive routes, prompt length: clear 4xx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backend.config import Settings
from backend.llm.fake_server import FakeOpenAIServer
from tests.conftest import SettingsFactory, client_for


async def test_an_oversized_body_is_413_with_the_limit(make_settings: SettingsFactory) -> None:
    async with client_for(make_settings(max_body_kb=4)) as client:
        big = {"prompt": "x" * 5000, "mode": "chat"}
        response = await client.post("/api/agent/query", json=big)
        assert response.status_code == 413
        assert "larger than 4 KB (AGENTDESK_MAX_BODY_KB)" in response.json()["detail"]

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"prompt": "'
            for _ in range(10):
                yield b"y" * 1000
            yield b'"}'

        streamed = await client.post(
            "/api/tasks", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        assert "AGENTDESK_MAX_BODY_KB" in streamed.json()["detail"]
        small = await client.post(
            "/api/tasks/preview", json={"trigger": {"type": "interval", "hours": 1}}
        )
        assert small.status_code == 200


async def test_expensive_routes_are_rate_limited_per_route(
    make_settings: SettingsFactory, fake: FakeOpenAIServer
) -> None:
    async with client_for(make_settings(rate_limit="2/minute")) as client:
        body = {"prompt": "hello", "mode": "chat"}
        for _ in range(2):
            assert (await client.post("/api/agent/query", json=body)).status_code == 200
        refused = await client.post("/api/agent/query", json=body)
        assert refused.status_code == 429
        assert "at most 2 per 1 minute" in refused.json()["detail"]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # Cheap routes and other expensive routes keep their own allowance.
        for _ in range(5):
            assert (await client.get("/api/tasks")).status_code == 200
        models = await client.post(
            "/v1/chat/completions",
            json={"model": "chat", "messages": [{"role": "user", "content": "hello"}]},
        )
        assert models.status_code == 200, models.text


def test_off_in_the_environment_turns_the_rate_limit_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # An empty variable means "not set" (the default limit); "off" is how to say no limit.
    monkeypatch.setenv("AGENTDESK_RATE_LIMIT", "")
    assert Settings(data_dir=tmp_path, _env_file=None).rate_limit == "30/minute"
    monkeypatch.setenv("AGENTDESK_RATE_LIMIT", "off")
    assert Settings(data_dir=tmp_path, _env_file=None).rate_limit == ""


async def test_rate_limit_can_be_turned_off(
    make_settings: SettingsFactory, fake: FakeOpenAIServer
) -> None:
    async with client_for(make_settings(rate_limit="off")) as client:
        for _ in range(4):
            response = await client.post("/api/agent/query", json={"prompt": "hi", "mode": "chat"})
            assert response.status_code == 200


async def test_a_task_prompt_over_the_limit_is_413(make_settings: SettingsFactory) -> None:
    async with client_for(make_settings(max_prompt_chars=50)) as client:
        response = await client.post(
            "/api/tasks",
            json={"prompt": "z" * 51, "trigger": {"type": "interval", "hours": 1}},
        )
        assert response.status_code == 413
        assert "limit is 50" in response.json()["detail"]
        empty = await client.post(
            "/api/tasks", json={"prompt": "  ", "trigger": {"type": "interval", "hours": 1}}
        )
        assert empty.status_code == 422 and "prompt is empty" in empty.json()["detail"]


async def test_the_uis_file_upload_is_not_held_to_the_json_body_cap(
    make_settings: SettingsFactory,
) -> None:
    # The page uploads through Reflex's /_upload; its files are checked against the upload limit.
    async with client_for(make_settings(max_body_kb=4)) as client:
        files = {"files": ("notes.txt", b"z" * 50_000, "text/plain")}
        response = await client.post("/_upload", files=files)
        assert response.status_code != 413
        capped = await client.post("/api/conversations", content=b"z" * 50_000)
        assert capped.status_code == 413
