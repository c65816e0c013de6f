"""GET /metrics in Prometheus format, and a request id on responses and in the JSON log."""

from __future__ import annotations

import asyncio
import json
import re

import httpx

from backend.llm.fake_server import FakeOpenAIServer
from tests.conftest import SettingsFactory, client_for


def value(text: str, series: str) -> float | None:
    """The value of one exact series line (``name{labels}``) in a Prometheus scrape."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_metrics_count_requests_runs_and_model_health(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "hello", "reply": "Hi."}])
    for _ in range(3):
        assert (await client.get("/api/tasks")).status_code == 200
    answer = await client.post("/api/agent/query", json={"prompt": "hello", "mode": "chat"})
    assert answer.status_code == 200
    await client.get("/api/no-such-thing")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    ok = 'agentdesk_http_requests_total{method="GET",route="/api/tasks",status="200"}'
    assert value(text, ok) == 3.0
    assert (
        value(text, 'agentdesk_http_requests_total{method="GET",route="unmatched",status="404"}')
        == 1.0
    )
    count = 'agentdesk_http_request_duration_seconds_count{method="POST",route="/api/agent/query"}'
    assert value(text, count) == 1.0
    assert value(text, 'agentdesk_agent_runs_total{engine="chat",status="completed"}') == 1.0
    assert value(text, "agentdesk_model_up") == 1.0
    assert value(text, 'agentdesk_model_state{state="ready"}') == 1.0
    assert value(text, "agentdesk_model_restarts_total") == 0.0


async def test_scheduler_job_runs_are_counted(make_settings: SettingsFactory) -> None:
    async with client_for(make_settings(monitor_interval_seconds=0.2)) as client:
        series = 'agentdesk_scheduler_job_runs_total{job="resource-monitor",outcome="ok"}'
        while True:
            if (value((await client.get("/metrics")).text, series) or 0) >= 2:
                break
            await asyncio.sleep(0.1)
        text = (await client.get("/metrics")).text
        assert value(text, "agentdesk_cpu_percent") is not None
        assert (value(text, "agentdesk_process_rss_bytes") or 0) > 0


async def test_each_response_has_a_request_id_that_is_in_the_log(
    client: httpx.AsyncClient, settings: object
) -> None:
    mine = await client.post("/api/tasks/preview", json={"trigger": {"type": "cron", "cron": "x"}},
                             headers={"X-Request-ID": "trace-42"})  # fmt: skip
    assert mine.headers["x-request-id"] == "trace-42"
    fresh = await client.get("/api/tasks")
    assert re.fullmatch(r"[0-9a-f]{16}", fresh.headers["x-request-id"])
    hostile = await client.get("/api/tasks", headers={"X-Request-ID": "x" * 500})
    assert hostile.headers["x-request-id"] != "x" * 500
    log_file = settings.logs_dir / "agentdesk.jsonl"  # type: ignore[attr-defined]
    entries = [json.loads(line) for line in log_file.read_text().splitlines()]
    tagged = [e for e in entries if e.get("request_id") == "trace-42"]
    assert any("POST /api/tasks/preview -> 422" in e["message"] for e in tagged)


async def test_metrics_need_the_token_when_one_is_set(make_settings: SettingsFactory) -> None:
    async with client_for(make_settings(api_token="s3cret")) as client:
        assert (await client.get("/metrics")).status_code == 401
        ok = await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and "agentdesk_http_requests_total" in ok.text
