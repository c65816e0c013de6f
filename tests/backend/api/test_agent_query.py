"""POST /api/agent/query in chat mode, against the scripted fake model."""

import httpx
import pytest

from backend.llm.fake_server import FakeOpenAIServer
from tests.conftest import SettingsFactory, free_port


async def test_chat_answer_is_returned_and_persisted(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "capital of france", "reply": "Paris is the capital."}])
    response = await client.post(
        "/api/agent/query", json={"prompt": "What is the capital of France?", "mode": "chat"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["answer"] == "Paris is the capital."
    assert body["mode"] == "chat" and body["engine"] == "chat"
    # The model call went through the run's budget, which reports it like any engine's.
    assert [s["type"] for s in body["steps"]] == ["started", "progress", "completed"]
    assert body["steps"][1]["data"]["state"] == "model_call"

    conversation = (await client.get(f"/api/conversations/{body['conversation_id']}")).json()
    assert [(m["role"], m["content"]) for m in conversation["messages"]] == [
        ("user", "What is the capital of France?"),
        ("assistant", "Paris is the capital."),
    ]
    assert conversation["title"] == "What is the capital of France?"
    run = (await client.get(f"/api/agent/runs/{body['run_id']}")).json()
    assert run["status"] == "completed" and run["answer"] == "Paris is the capital."


async def test_continuing_a_conversation_sends_its_history(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    first = (await client.post("/api/agent/query", json={"prompt": "My name is Ada."})).json()
    fake.clear_requests()
    await client.post(
        "/api/agent/query",
        json={"prompt": "What is my name?", "conversation_id": first["conversation_id"]},
    )
    sent = fake.requests[-1]["messages"]
    assert sent[0]["role"] == "system"
    assert [(m["role"], m["content"]) for m in sent[1:]] == [
        ("user", "My name is Ada."),
        ("assistant", "Echo: My name is Ada."),
        ("user", "What is my name?"),
    ]
    listing = (await client.get("/api/conversations")).json()["conversations"]
    assert listing[0]["id"] == first["conversation_id"]
    assert listing[0]["message_count"] == 4


async def test_empty_prompt_is_422_with_a_message(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/agent/query", json={"prompt": "   "})
    assert response.status_code == 422
    assert "prompt is empty" in response.json()["detail"]


async def test_missing_prompt_is_422_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/agent/query", json={"mode": "chat"})
    assert response.status_code == 422
    assert "prompt" in response.json()["detail"]


async def test_overlong_prompt_is_413_with_the_limit(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/agent/query", json={"prompt": "x" * 8001})
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "8,001" in detail and "8,000" in detail and "AGENTDESK_MAX_PROMPT_CHARS" in detail


async def test_unknown_conversation_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/agent/query", json={"prompt": "hi", "conversation_id": "nope"}
    )
    assert response.status_code == 404
    assert "does not exist" in response.json()["detail"]


async def test_unavailable_mode_is_422(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in a build whose team engine (and its framework) is not installed.
    import agents.routing

    monkeypatch.setattr(agents.routing, "installed", lambda engine: engine != "team")
    response = await client.post("/api/agent/query", json={"prompt": "hi", "mode": "team"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "mode 'team' is not available" in detail and "single" in detail


async def test_model_error_is_reported_as_502(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"error": {"status": 500, "message": "out of memory"}}])
    response = await client.post("/api/agent/query", json={"prompt": "hi", "stream": True})
    assert response.status_code == 502
    assert "out of memory" in response.json()["detail"]


async def test_model_down_is_503_with_the_reason(make_settings: SettingsFactory) -> None:
    from asgi_lifespan import LifespanManager

    from backend.main import create_app

    closed = f"http://127.0.0.1:{free_port()}/v1"
    app = create_app(make_settings(llm_base_url=closed, llm_retries=0))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            health = (await http.get("/api/health")).json()
            assert health["status"] == "degraded"
            assert health["llm"]["state"] == "down"
            for stream in (False, True):
                response = await http.post(
                    "/api/agent/query", json={"prompt": "hello", "stream": stream}
                )
                assert response.status_code == 503
                assert "not reachable" in response.json()["detail"]
                assert response.json()["conversation_id"]
            run_ids = [
                m["run_id"]
                for c in (await http.get("/api/conversations")).json()["conversations"]
                for m in (await http.get(f"/api/conversations/{c['id']}")).json()["messages"]
            ]
            runs = [(await http.get(f"/api/agent/runs/{r}")).json() for r in run_ids]
            assert {r["status"] for r in runs} == {"error"}


async def test_health_reports_ok_with_version_and_model(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/health")).json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["llm"]["provider"] == "openai_compatible"
    assert body["llm"]["state"] == "ready"
    assert body["version"]


async def test_conversation_rename_and_delete(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/agent/query", json={"prompt": "hello"})).json()
    cid = created["conversation_id"]
    renamed = await client.patch(f"/api/conversations/{cid}", json={"title": "Greetings"})
    assert renamed.json()["title"] == "Greetings"
    assert (await client.delete(f"/api/conversations/{cid}")).status_code == 204
    assert (await client.get(f"/api/conversations/{cid}")).status_code == 404
    assert (await client.delete(f"/api/conversations/{cid}")).status_code == 404


async def test_a_rename_keeps_the_conversation_in_its_place(client: httpx.AsyncClient) -> None:
    # Newest first: renaming the older one is not new activity, so it must not jump to the top.
    ids = []
    for prompt in ("hello first", "hello second", "hello third"):
        created = (await client.post("/api/agent/query", json={"prompt": prompt})).json()
        ids.append(created["conversation_id"])
    listed = (await client.get("/api/conversations")).json()["conversations"]
    before = [c["id"] for c in listed]
    renamed = await client.patch(f"/api/conversations/{ids[0]}", json={"title": "Renamed"})
    assert (
        renamed.json()["updated_at"] == next(c for c in listed if c["id"] == ids[0])["updated_at"]
    )
    listed = (await client.get("/api/conversations")).json()["conversations"]
    assert [c["id"] for c in listed] == before
    assert next(c for c in listed if c["id"] == ids[0])["title"] == "Renamed"
