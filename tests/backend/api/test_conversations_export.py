"""Clearing a conversation and exporting it as Markdown or JSON."""

import json
from typing import Any

import httpx

from backend.api.conversations import slugify
from backend.llm.fake_server import FakeOpenAIServer


async def ask(
    client: httpx.AsyncClient, prompt: str, conversation_id: str | None = None
) -> dict[str, Any]:
    body = {"prompt": prompt, "mode": "chat", "conversation_id": conversation_id}
    response = await client.post("/api/agent/query", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_clear_deletes_the_messages_and_keeps_the_conversation(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    first = await ask(client, "My name is Ada.")
    cid = first["conversation_id"]
    await client.patch(f"/api/conversations/{cid}", json={"title": "About Ada"})

    cleared = await client.post(f"/api/conversations/{cid}/clear")
    assert cleared.status_code == 200
    assert cleared.json()["message_count"] == 0 and cleared.json()["title"] == "About Ada"
    detail = (await client.get(f"/api/conversations/{cid}")).json()
    assert detail["messages"] == [] and detail["title"] == "About Ada"
    listed = (await client.get("/api/conversations")).json()["conversations"]
    assert [(c["id"], c["message_count"]) for c in listed] == [(cid, 0)]

    # A cleared conversation goes on without the old history.
    fake.clear_requests()
    await ask(client, "What is my name?", cid)
    sent = [m["content"] for m in fake.requests[-1]["messages"][1:]]
    assert not any("Ada" in text for text in sent)
    messages = (await client.get(f"/api/conversations/{cid}")).json()["messages"]
    assert [m["content"] for m in messages] == ["What is my name?", "Echo: What is my name?"]


async def test_clear_of_a_missing_conversation_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/conversations/nope/clear")
    assert response.status_code == 404
    assert "does not exist" in response.json()["detail"]


async def test_markdown_export_is_a_readable_transcript(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "capital", "reply": "Paris is the capital of France."}])
    answer = await ask(client, "What is the capital of France?")
    cid = answer["conversation_id"]
    await client.patch(f"/api/conversations/{cid}", json={"title": "Capitals: Wörld tour!"})

    response = await client.get(f"/api/conversations/{cid}/export", params={"format": "md"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert (
        response.headers["content-disposition"] == 'attachment; filename="capitals-world-tour.md"'
    )
    text = response.text
    assert text.startswith("# Capitals: Wörld tour!\n")
    assert "Started: " in text and "Last active: " in text and "UTC" in text
    user_at = text.index("## User · ")
    assistant_at = text.index("## Assistant · ")
    assert user_at < text.index("What is the capital of France?") < assistant_at
    assert f"run `{answer['run_id']}`" in text[assistant_at:]
    assert "Paris is the capital of France." in text[assistant_at:]
    default = await client.get(f"/api/conversations/{cid}/export")
    assert default.text == text


async def test_json_export_round_trips(client: httpx.AsyncClient) -> None:
    first = await ask(client, "hello there")
    cid = first["conversation_id"]
    await ask(client, "and again", cid)

    response = await client.get(f"/api/conversations/{cid}/export", params={"format": "json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"] == 'attachment; filename="hello-there.json"'
    exported = json.loads(response.content)
    assert exported == (await client.get(f"/api/conversations/{cid}")).json()
    assert [m["content"] for m in exported["messages"]] == [
        "hello there",
        "Echo: hello there",
        "and again",
        "Echo: and again",
    ]


async def test_export_rejects_a_bad_format_and_a_missing_conversation(
    client: httpx.AsyncClient,
) -> None:
    cid = (await ask(client, "hi"))["conversation_id"]
    bad = await client.get(f"/api/conversations/{cid}/export", params={"format": "pdf"})
    assert bad.status_code == 422
    assert "format" in bad.json()["detail"]
    missing = await client.get("/api/conversations/nope/export", params={"format": "md"})
    assert missing.status_code == 404


def test_slugify_makes_safe_file_names() -> None:
    assert slugify("Hello, Wörld!") == "hello-world"
    assert slugify("  ../etc/passwd  ") == "etc-passwd"
    assert slugify("日本語") == "conversation"
    assert len(slugify("word " * 50)) <= 60
