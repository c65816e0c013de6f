"""A task's "use my documents" switch: auto, on or off as in chat (true and false from older
clients), kept as a word, and handed to the agent run as it is."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend.llm.fake_server import FakeOpenAIServer
from tests.backend.api.test_agent_grounding import library
from tests.backend.api.test_knowledge_api import kb_client
from tests.backend.api.test_tasks_api import CRON, make_task, wait_for_entry

__all__ = ["kb_client", "library"]


async def switch_of(client: httpx.AsyncClient, task_id: str) -> Any:
    listed = (await client.get("/api/tasks")).json()["tasks"]
    one = (await client.get(f"/api/tasks/{task_id}")).json()["use_knowledge"]
    assert [t["use_knowledge"] for t in listed if t["id"] == task_id] == [one]
    return one


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("auto", "auto"), ("on", "on"), ("off", "off"), (True, "auto"), (False, "off")],
)
async def test_a_task_keeps_its_documents_choice_as_a_word(
    client: httpx.AsyncClient, sent: object, kept: str
) -> None:
    task = await make_task(client, use_knowledge=sent)
    assert task["use_knowledge"] == kept
    assert await switch_of(client, task["id"]) == kept


async def test_a_task_uses_documents_when_relevant_unless_told(client: httpx.AsyncClient) -> None:
    task = await make_task(client)
    assert task["use_knowledge"] == "auto"


async def test_editing_the_choice_takes_words_and_booleans(client: httpx.AsyncClient) -> None:
    task_id = (await make_task(client))["id"]
    for sent, kept in (("on", "on"), (False, "off"), (True, "auto"), ("off", "off")):
        edited = await client.patch(f"/api/tasks/{task_id}", json={"use_knowledge": sent})
        assert edited.status_code == 200, edited.text
        assert edited.json()["use_knowledge"] == kept
        assert await switch_of(client, task_id) == kept
    # An edit that does not mention the switch leaves it as it was.
    await client.patch(f"/api/tasks/{task_id}", json={"name": "Renamed"})
    assert await switch_of(client, task_id) == "off"


@pytest.mark.parametrize("bad", ["maybe", "yes", "ON", 1, None])
async def test_anything_else_is_422_and_changes_nothing(
    client: httpx.AsyncClient, bad: object
) -> None:
    body = {"prompt": "Summarise my notes", "trigger": CRON, "use_knowledge": bad}
    assert (await client.post("/api/tasks", json=body)).status_code == 422
    task_id = (await make_task(client, use_knowledge="on"))["id"]
    edited = await client.patch(f"/api/tasks/{task_id}", json={"use_knowledge": bad})
    if bad is None:  # null in an edit means "leave it", as for every other field
        assert edited.status_code == 200, edited.text
    else:
        assert edited.status_code == 422
    assert await switch_of(client, task_id) == "on"


async def run_task(client: httpx.AsyncClient, prompt: str, switch: object) -> None:
    task = await make_task(client, prompt=prompt, use_knowledge=switch)
    started = await client.post(f"/api/tasks/{task['id']}/run")
    assert started.status_code == 202, started.text
    entry = await wait_for_entry(client, task["id"])
    assert entry["status"] == "completed", entry


async def test_a_run_grounds_as_its_task_says(
    library: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    general = "What is the capital of Australia?"
    # On: the best passages go in even for a question they do not match.
    await run_task(library, general, "on")
    assert "[1] (" in fake.requests[-1]["messages"][-1]["content"]
    # Auto (and true, from older clients): only relevant passages, so none here.
    for switch in ("auto", True):
        await run_task(library, general, switch)
        assert fake.requests[-1]["messages"][-1]["content"] == general
    # Off: not even a question about the documents gets them.
    await run_task(library, "What do my notes say about herons?", "off")
    assert "[1] (" not in fake.requests[-1]["messages"][-1]["content"]
