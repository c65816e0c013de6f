"""Tokens per second: measured on real calls to the fake model, shown in /api/system/stats."""

from __future__ import annotations

import httpx

from backend.llm.fake_server import FakeOpenAIServer
from backend.llm.throughput import ThroughputMeter


def test_the_rate_covers_recent_calls_only() -> None:
    now = [1000.0]
    meter = ThroughputMeter(calls=3, window_seconds=60, clock=lambda: now[0])
    assert meter.rate() is None
    meter.record({"completion_tokens": 30}, 1.0)
    meter.record({"completion_tokens": 10}, 1.0)
    assert meter.rate() == 20.0
    meter.record(None, 2.0, text="x" * 40)  # no usage reported: ~4 characters a token
    assert meter.rate() == 12.5
    now[0] += 61
    assert meter.rate() is None
    meter.record({"completion_tokens": 0}, 1.0)  # nothing produced: not a sample
    assert meter.rate() is None


async def test_stats_show_tokens_per_second_after_an_answer(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    before = (await client.get("/api/system/stats")).json()
    assert before["model"]["tokens_per_second"] is None
    fake.set_rules([{"match": "count", "reply": "one two three four five six seven eight"}])
    answer = await client.post("/api/agent/query", json={"prompt": "count", "mode": "chat"})
    assert answer.status_code == 200
    rate = (await client.get("/api/system/stats")).json()["model"]["tokens_per_second"]
    assert isinstance(rate, float) and rate > 0


async def test_streamed_answers_are_measured_too(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "stream", "reply": "a b c d e f g h"}])
    async with client.stream(
        "POST", "/api/agent/query", json={"prompt": "stream", "mode": "chat", "stream": True}
    ) as response:
        assert response.status_code == 200
        body = "".join([chunk async for chunk in response.aiter_text()])
    assert "completed" in body
    rate = (await client.get("/api/system/stats")).json()["model"]["tokens_per_second"]
    assert isinstance(rate, float) and rate > 0
