"""Asking again from a message (regenerate, edit and resend) and searching conversations."""

from typing import Any

import httpx

from backend.llm.fake_server import FakeOpenAIServer


async def ask(client: httpx.AsyncClient, prompt: str, **extra: Any) -> dict[str, Any]:
    body = {"prompt": prompt, "mode": "chat", **extra}
    response = await client.post("/api/agent/query", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def messages_of(client: httpx.AsyncClient, cid: str) -> list[dict[str, Any]]:
    return list((await client.get(f"/api/conversations/{cid}")).json()["messages"])


async def test_replace_from_drops_that_turn_and_asks_again(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "capital", "reply": "Lyon.", "times": 1}])
    first = await ask(client, "What is the capital of France?")
    cid = first["conversation_id"]
    fake.set_rules([{"match": "capital", "reply": "Paris."}])
    before = await messages_of(client, cid)
    again = await ask(
        client, "What is the capital of France?", conversation_id=cid, replace_from=before[0]["id"]
    )
    after = await messages_of(client, cid)
    assert [m["content"] for m in after] == ["What is the capital of France?", "Paris."]
    assert again["run_id"] != first["run_id"]
    # Both runs stay on record.
    for run_id in (first["run_id"], again["run_id"]):
        assert (await client.get(f"/api/agent/runs/{run_id}")).status_code == 200
    assert (await client.get(f"/api/agent/runs/{first['run_id']}")).json()["answer"] == "Lyon."


async def test_replace_from_an_earlier_message_drops_everything_after_it(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    cid = (await ask(client, "one"))["conversation_id"]
    await ask(client, "two", conversation_id=cid)
    await ask(client, "three", conversation_id=cid)
    second = (await messages_of(client, cid))[2]
    await ask(client, "two, edited", conversation_id=cid, replace_from=second["id"])
    contents = [m["content"] for m in await messages_of(client, cid)]
    assert contents == ["one", "Echo: one", "two, edited", "Echo: two, edited"]


async def test_replace_from_refused_prompt_or_foreign_message_keeps_the_transcript(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    cid = (await ask(client, "keep me"))["conversation_id"]
    other = (await ask(client, "elsewhere"))["conversation_id"]
    foreign = (await messages_of(client, other))[0]["id"]
    kept = await messages_of(client, cid)
    body = {"prompt": "x" * 60_000, "mode": "chat", "conversation_id": cid}
    refused = await client.post("/api/agent/query", json={**body, "replace_from": kept[0]["id"]})
    assert refused.status_code == 413
    wrong = await client.post(
        "/api/agent/query", json={**body, "prompt": "hi", "replace_from": foreign}
    )
    assert wrong.status_code == 404
    assert await messages_of(client, cid) == kept


async def test_search_finds_whole_words_in_titles_and_messages(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "lighthouse", "reply": "The keeper lit the lamp at dusk."}])
    old = (await ask(client, "Tell me about the lighthouse"))["conversation_id"]
    other = (await ask(client, "Operations report for March"))["conversation_id"]

    found = (await client.get("/api/conversations/search", params={"q": "keeper"})).json()
    assert [hit["id"] for hit in found["results"]] == [old]
    assert "keeper" in found["results"][0]["snippet"]
    assert found["results"][0]["title"] == "Tell me about the lighthouse"

    # Whole words from their start: "per" is in "Operations" and "keeper" but begins neither.
    none = (await client.get("/api/conversations/search", params={"q": "per"})).json()
    assert none["results"] == []
    titled = (await client.get("/api/conversations/search", params={"q": "operations"})).json()
    assert [hit["id"] for hit in titled["results"]] == [other]
    empty = await client.get("/api/conversations/search", params={"q": "  "})
    assert empty.status_code == 200 and empty.json()["results"] == []


async def test_search_finds_a_number_with_separators_as_one_word(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"match": "sold", "reply": "They sold 4,180 units at 961.4 each."}])
    cid = (await ask(client, "How many were sold?"))["conversation_id"]
    await ask(client, "A 180 degree turn")
    found = (await client.get("/api/conversations/search", params={"q": "4,180"})).json()
    assert [hit["id"] for hit in found["results"]] == [cid]
    decimal = (await client.get("/api/conversations/search", params={"q": "961.4"})).json()
    assert [hit["id"] for hit in decimal["results"]] == [cid]
    # "4" is too short to search, and "180" alone is not a word of "4,180".
    tail = (await client.get("/api/conversations/search", params={"q": "180"})).json()
    assert cid not in [hit["id"] for hit in tail["results"]]


async def test_editing_the_first_question_renames_and_forgets_the_old_words(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    cid = (await ask(client, "Tell me about zeppelins"))["conversation_id"]
    first = (await messages_of(client, cid))[0]
    await ask(client, "Tell me about gliders", conversation_id=cid, replace_from=first["id"])
    body = (await client.get(f"/api/conversations/{cid}")).json()
    assert body["title"] == "Tell me about gliders"
    old = (await client.get("/api/conversations/search", params={"q": "zeppelins"})).json()
    assert old["results"] == []
    new = (await client.get("/api/conversations/search", params={"q": "gliders"})).json()
    assert [hit["id"] for hit in new["results"]] == [cid]


async def test_editing_the_first_question_keeps_a_title_the_person_chose(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    cid = (await ask(client, "Tell me about zeppelins"))["conversation_id"]
    await client.patch(f"/api/conversations/{cid}", json={"title": "Airships"})
    await ask(client, "and blimps?", conversation_id=cid)
    first = (await messages_of(client, cid))[0]
    await ask(client, "Tell me about gliders", conversation_id=cid, replace_from=first["id"])
    assert (await client.get(f"/api/conversations/{cid}")).json()["title"] == "Airships"
    # Editing a later question leaves a derived title alone.
    other = (await ask(client, "Rivers of Spain"))["conversation_id"]
    await ask(client, "and of France?", conversation_id=other)
    second = (await messages_of(client, other))[2]
    await ask(client, "and of Italy?", conversation_id=other, replace_from=second["id"])
    assert (await client.get(f"/api/conversations/{other}")).json()["title"] == "Rivers of Spain"
