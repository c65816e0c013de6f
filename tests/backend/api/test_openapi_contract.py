"""The API contract: /openapi.json documents every response, and the bodies the server sends
carry no field their response model (backend/api/schemas/) leaves out."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from backend.api.schemas import (
    agent,
    conversations,
    health,
    knowledge,
    openai,
    system,
    tasks,
    workspace,
)
from backend.api.schemas import settings as settings_schema
from backend.config import Settings
from backend.llm.fake_server import FakeOpenAIServer
from tests.backend.knowledge.conftest import HashEmbedder
from tests.conftest import SettingsFactory, client_for

JSON = "application/json"
FREE_FORM = {"type": "object", "additionalProperties": True}
NO_BODY = {"204"}  # No Content: HTTP itself says there is no body to describe


def undocumented(spec: dict[str, Any]) -> list[str]:
    """``METHOD path`` of every operation without a 2xx response that has a schema."""
    missing = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            ok = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
            if not any(
                code in NO_BODY or _described(response.get("content", {}))
                for code, response in ok.items()
            ):
                missing.append(f"{method.upper()} {path}")
    return missing


def _described(content: dict[str, Any]) -> bool:
    # FastAPI writes ``{"schema": {}}`` for a route without a model, and a free-form object for
    # ``-> dict[str, Any]``: neither documents a field.
    return any(_names_a_shape(entry.get("schema") or {}) for entry in content.values())


def _names_a_shape(schema: dict[str, Any]) -> bool:
    if "$ref" in schema or "properties" in schema:
        return True
    return bool(schema.get("type")) and schema.get("type") != "object"


def test_the_check_names_a_route_without_a_response_schema() -> None:
    spec = {
        "paths": {
            "/a": {"get": {"responses": {"200": {"content": {JSON: {"schema": {}}}}}}},
            "/b": {"delete": {"responses": {"204": {"description": "gone"}}}},
            "/c": {"get": {"responses": {"200": {"content": {"text/markdown": {"schema": {}}}}}}},
            "/d": {"get": {"responses": {"200": {"content": {JSON: {"schema": {"$ref": "x"}}}}}}},
            "/e": {"get": {"responses": {"200": {"content": {JSON: {"schema": FREE_FORM}}}}}},
        }
    }
    assert undocumented(spec) == ["GET /a", "GET /c", "GET /e"]


async def test_every_route_documents_its_response(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert len(spec["paths"]) > 30
    assert undocumented(spec) == []


async def test_streams_and_downloads_name_their_media_type(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]

    def media(path: str, method: str = "get") -> set[str]:
        return set(paths[path][method]["responses"]["200"]["content"])

    assert "text/event-stream" in media("/api/agent/runs/{run_id}/events")
    assert "text/event-stream" in media("/api/knowledge/status/events")
    assert media("/api/agent/query", "post") == {JSON, "text/event-stream"}
    assert media("/v1/chat/completions", "post") == {JSON, "text/event-stream"}
    assert media("/api/conversations/{conversation_id}/export") == {JSON, "text/markdown"}
    assert media("/api/agent/runs/{run_id}/export") == {JSON, "text/markdown"}
    assert media("/api/workspace/download") == {"application/octet-stream"}


def extra_fields(model: BaseModel, where: str = "") -> list[str]:
    """Fields a body carried that its model does not declare, with where they were."""
    found = [f"{where}.{name}" for name in model.model_extra or {}]
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, BaseModel):
                found += extra_fields(item, f"{where}.{name}[{index}]")
    return found


Bodies = list[tuple[type[BaseModel], Any]]


async def fetched(client: httpx.AsyncClient, gets: list[tuple[type[BaseModel], str]]) -> Bodies:
    bodies: Bodies = []
    for model, url in gets:
        response = await client.get(url)
        assert response.status_code == 200, (url, response.text)
        bodies.append((model, response.json()))
    return bodies


def undeclared(bodies: Bodies) -> list[str]:
    return [
        f"{model.__name__}{field}"
        for model, body in bodies
        for field in extra_fields(model.model_validate(body))
    ]


def write_note(folder: Path) -> None:
    (folder / "notes").mkdir(parents=True, exist_ok=True)
    (folder / "notes" / "a.txt").write_text("some notes")


async def test_bodies_carry_only_documented_fields(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, settings: Settings
) -> None:
    fake.set_rules([{"match": "capital", "reply": "Paris."}])
    answer = (await client.post("/api/agent/query", json={"prompt": "The capital?"})).json()
    run_id, conversation_id = answer["run_id"], answer["conversation_id"]
    cron = {"type": "cron", "cron": "0 9 * * *", "timezone": "UTC"}
    created = await client.post("/api/tasks", json={"prompt": "capital", "trigger": cron})
    task_id = created.json()["id"]
    started = (await client.post(f"/api/tasks/{task_id}/run")).json()
    entry_id = started["task_run"]["id"]
    completion = await client.post(
        "/v1/chat/completions",
        json={"model": "agentdesk-chat", "messages": [{"role": "user", "content": "capital"}]},
    )
    renamed = await client.patch(f"/api/conversations/{conversation_id}", json={"title": "T"})
    saved = await client.put("/api/settings", json={"temperature": 0.4, "context_size": 2048})
    tested = await client.post("/api/settings/test-connection", json={"base_url": fake.base_url})
    posts: Bodies = [
        (agent.QueryAnswer, answer),
        (tasks.TaskDetail, created.json()),
        (tasks.TaskRunStarted, started),
        (openai.ChatCompletion, completion.json()),
        (conversations.ConversationSummary, renamed.json()),
        (tasks.TaskDetail, (await client.post(f"/api/tasks/{task_id}/pause")).json()),
        (
            tasks.TriggerPreview,
            (await client.post("/api/tasks/preview", json={"trigger": cron})).json(),
        ),
        (agent.StopResult, (await client.post(f"/api/agent/runs/{run_id}/stop")).json()),
        (settings_schema.SettingsSaved, saved.json()),
        (settings_schema.ConnectionResult, tested.json()),
    ]
    gets = await fetched(
        client,
        [
            (health.Health, "/api/health"),
            (agent.Run, f"/api/agent/runs/{run_id}"),
            (agent.RunList, "/api/agent/runs"),
            (agent.EngineList, "/api/agent/engines"),
            (agent.ToolCallList, f"/api/agent/runs/{run_id}/tools"),
            (agent.RunTranscript, f"/api/agent/runs/{run_id}/export?format=json"),
            (conversations.ConversationList, "/api/conversations"),
            (conversations.ConversationDetail, f"/api/conversations/{conversation_id}"),
            (
                conversations.ConversationDetail,
                f"/api/conversations/{conversation_id}/export?format=json",
            ),
            (tasks.TaskList, "/api/tasks"),
            (tasks.TaskDetail, f"/api/tasks/{task_id}"),
            (tasks.TaskHistory, f"/api/tasks/{task_id}/history"),
            (tasks.TaskRun, f"/api/tasks/{task_id}/history/{entry_id}"),
            (system.SystemStats, "/api/system/stats"),
            (system.SystemHistory, "/api/system/history"),
            (settings_schema.SettingsPage, "/api/settings"),
            (openai.ModelList, "/v1/models"),
            (openai.ModelCard, "/v1/models/agentdesk-chat"),
        ],
    )
    write_note(settings.workspace_dir)
    gets += await fetched(
        client,
        [
            (workspace.WorkspaceListing, "/api/workspace"),
            (workspace.WorkspacePreview, "/api/workspace/preview?path=notes/a.txt"),
        ],
    )
    assert gets[-2][1]["entries"], "the workspace listed nothing to check"
    deleted = await client.delete("/api/workspace", params={"path": "notes/a.txt"})
    posts.append((workspace.WorkspaceDeleted, deleted.json()))
    cleared = await client.post(f"/api/conversations/{conversation_id}/clear")
    assert undeclared([*posts, *gets, (conversations.ConversationSummary, cleared.json())]) == []


async def ingested(client: httpx.AsyncClient) -> None:
    """Once the ingester has finished a file (the upload)."""
    while True:
        if (await client.get("/api/knowledge/status")).json()["recent"]:
            return
        await asyncio.sleep(0.05)


async def test_knowledge_bodies_carry_only_documented_fields(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("backend.knowledge.service.Embedder", lambda *a, **k: HashEmbedder())
    async with client_for(make_settings()) as client:
        files = [("files", ("herons.txt", b"The heron nests on basalt cliffs."))]
        uploaded = await client.post("/api/knowledge/upload", files=files)
        await ingested(client)
        (tmp_path / "notes").mkdir()
        added = await client.post("/api/knowledge/folders", json={"path": str(tmp_path / "notes")})
        document_id = (await client.get("/api/knowledge/documents")).json()["documents"][0]["id"]
        posts: Bodies = [
            (knowledge.UploadResult, uploaded.json()),
            (knowledge.NewFolder, added.json()),
            (knowledge.Reindex, (await client.post("/api/knowledge/reindex")).json()),
        ]
        gets = await fetched(
            client,
            [
                (knowledge.KnowledgeStatus, "/api/knowledge/status"),
                (knowledge.FolderList, "/api/knowledge/folders"),
                (knowledge.DocumentList, "/api/knowledge/documents"),
                (knowledge.DocumentDetail, f"/api/knowledge/documents/{document_id}"),
                (knowledge.SearchResults, "/api/knowledge/search?q=heron"),
            ],
        )
    assert gets[-1][1]["results"], "the search found nothing to check"
    assert undeclared([*posts, *gets]) == []
