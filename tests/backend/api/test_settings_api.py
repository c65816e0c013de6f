"""/api/settings: what the Settings page reads and saves, and a change reaching the next run."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from backend.config import Settings
from backend.llm.fake_server import FakeOpenAIServer
from backend.startup.ports import free_port
from tests.backend.api.test_agent_grounding import GARDEN, retrieval_step
from tests.backend.api.test_knowledge_api import FACT, idle, kb_client, upload
from tests.conftest import SettingsFactory, client_for

__all__ = ["kb_client"]


def field(page: dict[str, Any], key: str) -> dict[str, Any]:
    (found,) = [f for f in page["settings"] if f["key"] == key]
    return dict(found)


async def page_of(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/settings")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_page_lists_each_setting_with_its_rules_and_source(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    page = await page_of(client)
    assert [s["id"] for s in page["sections"]] == ["model", "generation", "documents", "agents"]
    temperature = field(page, "temperature")
    assert temperature["kind"] == "number" and temperature["applies"] == "now"
    assert (temperature["minimum"], temperature["maximum"]) == (0.0, 2.0)
    assert temperature["source"] == "default" and not temperature["locked"]
    assert field(page, "context_size")["applies"] == "restart"
    assert field(page, "agent_max_seconds")["minimum_excluded"] is True
    mode = field(page, "default_mode")
    assert mode["kind"] == "choice" and "code" in [c["value"] for c in mode["choices"]]
    # The test's own settings (the fake model's address) were given at start-up: locked.
    base_url = field(page, "llm_base_url")
    assert base_url["locked"] and base_url["value"] == settings.llm_base_url
    assert page["data_dir"] == str(settings.data_dir.resolve())
    assert not page["api_token"]["set"] and "AGENTDESK_API_TOKEN" in page["api_token"]["where"]


async def test_the_api_token_is_said_to_be_set_and_where_but_never_sent(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTDESK_API_TOKEN", "tok-hidden-42")
    async with client_for(make_settings()) as client:
        response = await client.get(
            "/api/settings", headers={"Authorization": "Bearer tok-hidden-42"}
        )
        refused = await client.get("/api/settings")
    assert response.status_code == 200 and refused.status_code == 401
    assert "tok-hidden-42" not in response.text
    token = response.json()["api_token"]
    assert token == {"set": True, "where": "set by AGENTDESK_API_TOKEN in the environment"}


async def test_a_change_is_saved_applied_and_kept_after_a_restart(
    make_settings: SettingsFactory,
) -> None:
    async with client_for(make_settings()) as client:
        response = await client.put("/api/settings", json={"temperature": 0.9, "rag_top_k": 7})
        assert response.status_code == 200, response.text
        body = response.json()
        assert sorted(body["applied_now"]) == ["rag_top_k", "temperature"]
        assert field(body["page"], "temperature")["source"] == "settings.json"
        services = client.app.state.services  # type: ignore[attr-defined]
        assert (services.settings.temperature, services.agents.settings.rag_top_k) == (0.9, 7)
    async with client_for(make_settings()) as client:
        page = await page_of(client)
    assert (field(page, "temperature")["value"], field(page, "rag_top_k")["value"]) == (0.9, 7)


async def test_a_value_set_in_the_environment_cannot_be_changed(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTDESK_TEMPERATURE", "1.2")
    async with client_for(make_settings()) as client:
        temperature = field(await page_of(client), "temperature")
        refused = await client.put("/api/settings", json={"temperature": 0.1, "rag_top_k": 2})
        after = await page_of(client)
    assert temperature["locked"] and temperature["value"] == 1.2
    assert temperature["locked_reason"] == "set by AGENTDESK_TEMPERATURE in the environment"
    assert refused.status_code == 409
    assert "AGENTDESK_TEMPERATURE" in refused.json()["detail"]
    assert set(refused.json()["errors"]) == {"temperature"}
    # Nothing of a refused change is saved.
    assert field(after, "rag_top_k")["value"] == Settings.model_fields["rag_top_k"].default


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"temperature": 2.5, "rag_top_k": "many"}, {"temperature", "rag_top_k"}),
        ({"agent_max_seconds": 0}, {"agent_max_seconds"}),
        ({"default_mode": "fastest"}, {"default_mode"}),
        ({"max_tokens": 12.5, "agent_max_steps": 101}, {"max_tokens", "agent_max_steps"}),
        ({"port": 80}, {"port"}),
    ],
)
async def test_bad_values_get_a_message_each_and_nothing_is_saved(
    make_settings: SettingsFactory, changes: dict[str, Any], expected: set[str]
) -> None:
    settings = make_settings(llm_provider="fake", llm_base_url="")
    async with client_for(settings) as client:
        response = await client.put("/api/settings", json=changes)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert set(errors) == expected and all(errors.values())
    assert not (settings.data_dir / "settings.json").exists()


async def test_a_change_that_needs_a_restart_waits_for_it(client: httpx.AsyncClient) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    before = services.settings.context_size
    response = await client.put("/api/settings", json={"context_size": 8192, "max_tokens": 300})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["applied_now"], body["after_restart"]) == (["max_tokens"], ["context_size"])
    context = field(body["page"], "context_size")
    assert context["value"] == 8192 and context["pending_restart"]
    assert (services.settings.context_size, services.settings.max_tokens) == (before, 300)


async def test_an_api_key_is_saved_but_never_sent_back(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await client.put("/api/settings", json={"llm_api_key": "sk-very-secret"})
    assert response.status_code == 200, response.text
    assert "sk-very-secret" not in response.text
    key = field(await page_of(client), "llm_api_key")
    assert key["value"] == "" and key["is_set"] and key["kind"] == "secret"
    stored = json.loads((settings.data_dir / "settings.json").read_text())
    assert stored["llm_api_key"] == "sk-very-secret"
    # Saving the form with the key field left empty keeps the key.
    await client.put("/api/settings", json={"llm_api_key": "", "temperature": 0.3})
    assert field(await page_of(client), "llm_api_key")["is_set"]


async def test_the_next_run_uses_the_new_temperature_and_default_mode(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "weather", "reply": "Sunny."}])
    changes = {"temperature": 1.35, "default_mode": "chat", "use_documents": "off"}
    assert (await client.put("/api/settings", json=changes)).status_code == 200
    answer = (await client.post("/api/agent/query", json={"prompt": "The weather?"})).json()
    assert answer["mode"] == "chat"
    assert [r["temperature"] for r in fake.requests] == [1.35] * len(fake.requests)
    assert not [s for s in answer["steps"] if s["data"].get("kind") == "retrieval"]


async def test_the_next_run_gets_the_new_number_of_passages(
    kb_client: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, _ = kb_client
    for number in range(4):
        await upload(http, f"notes-{number}.txt", f"{GARDEN} {FACT} Note {number}.".encode())
    await idle(http)

    async def passages() -> int:
        body = {"prompt": "How many hours of sun do tomatoes need?", "use_knowledge": "on"}
        answer = (await http.post("/api/agent/query", json={**body, "mode": "chat"})).json()
        step = retrieval_step(answer)
        return len(step["sources"]) + int(step.get("below_threshold", 0))  # type: ignore[arg-type]

    assert await passages() == Settings.model_fields["rag_top_k"].default
    assert (await http.put("/api/settings", json={"rag_top_k": 2})).status_code == 200
    assert await passages() == 2


async def test_connection_to_a_server_lists_its_models(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    response = await client.post(
        "/api/settings/test-connection", json={"base_url": fake.base_url, "api_key": "k"}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["ok"] and result["models"] and fake.base_url in result["message"]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("http://127.0.0.1:{port}/v1", "Cannot reach"),
        ("localhost:11434", "must start with http"),
        ("{fake}/nothing-here", "/v1 at the end"),
    ],
)
async def test_connection_failures_say_why(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, address: str, reason: str
) -> None:
    base = fake.base_url.removesuffix("/v1")
    url = address.format(port=free_port(), fake=base)
    response = await client.post("/api/settings/test-connection", json={"base_url": url})
    result = response.json()
    assert response.status_code == 200 and not result["ok"] and result["models"] == []
    assert reason in result["message"]


async def test_the_built_in_model_is_tested_where_agentdesk_serves_it(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    from backend.config import LLMProvider
    from backend.llm.service import ModelState

    models = client.app.state.services.models  # type: ignore[attr-defined]
    # The built-in model server answers where the fake one listens (same OpenAI endpoint).
    models.provider, models.base_url = LLMProvider.embedded, fake.base_url
    models.state, models.model_name = ModelState.ready, "qwen2.5-coder-1.5b-instruct"
    response = await client.post("/api/settings/test-connection", json={"built_in": True})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["ok"] and "qwen2.5-coder-1.5b-instruct" in result["message"]
    assert fake.base_url in result["message"]

    models.state, models.detail = ModelState.down, "llama-server exited with code 1"
    result = (await client.post("/api/settings/test-connection", json={"built_in": True})).json()
    assert not result["ok"] and "llama-server exited with code 1" in result["message"]


async def test_the_built_in_model_test_says_when_another_provider_runs(
    client: httpx.AsyncClient,
) -> None:
    result = (await client.post("/api/settings/test-connection", json={"built_in": True})).json()
    assert not result["ok"] and "restart" in result["message"]
