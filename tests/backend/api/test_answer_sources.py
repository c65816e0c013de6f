"""Sources stay with the answer: each passage number keeps its snippet, the conversation
keeps them after a reload, older answers get theirs back from the run, and exports list them."""

from __future__ import annotations

import json
import re
import sqlite3

import httpx
import pytest

from backend.config import Settings
from backend.llm.fake_server import FakeOpenAIServer
from tests.backend.api.test_agent_grounding import GARDEN, ask
from tests.backend.api.test_knowledge_api import FACT, idle, kb_client, upload

__all__ = ["kb_client"]

SHADE = "Lettuce prefers afternoon shade. Lettuce bolts quickly when nights stay warm."


@pytest.fixture
async def grounded(
    kb_client: tuple[httpx.AsyncClient, Settings], fake: FakeOpenAIServer
) -> tuple[httpx.AsyncClient, Settings, dict[str, object]]:
    """An answer drawn on several passages of several documents, citing them by number."""
    http, settings = kb_client
    for name, text in (("herons.txt", FACT), ("garden.txt", GARDEN), ("shade.txt", SHADE)):
        await upload(http, name, text.encode())
    await idle(http)
    fake.set_rules(
        [{"match": "vegetables", "reply": "Sun for tomatoes [1], shade for lettuce [2]."}]
    )
    body = await ask(http, prompt="What do my vegetables need?", use_knowledge="on")
    return http, settings, body


def passages_in_prompt(fake: FakeOpenAIServer) -> dict[int, str]:
    """The numbered passages the model was given, by number."""
    prompt = fake.requests[-1]["messages"][-1]["content"]
    found = re.findall(
        r"^\[(\d+)\] \([^)]*\)\n(.*?)(?=\n\n\[\d+\] \(|\n\n[A-Z]|\Z)", prompt, re.M | re.S
    )
    return {int(number): text for number, text in found}


def test_every_passage_number_keeps_its_own_snippet(
    grounded: tuple[httpx.AsyncClient, Settings, dict[str, object]], fake: FakeOpenAIServer
) -> None:
    _, _, body = grounded
    given = passages_in_prompt(fake)
    assert len(given) >= 2
    snippets = {}
    for source in body["sources"]:  # type: ignore[attr-defined]
        assert [s["passage"] for s in source["snippets"]] == source["passages"]
        for snippet in source["snippets"]:
            snippets[snippet["passage"]] = snippet
    assert sorted(snippets) == sorted(given)
    for number, text in given.items():
        assert 0 < len(snippets[number]["text"]) <= 300
        assert text.startswith(snippets[number]["text"])


async def test_the_stored_answer_keeps_its_sources(
    grounded: tuple[httpx.AsyncClient, Settings, dict[str, object]],
) -> None:
    http, _, body = grounded
    detail = (await http.get(f"/api/conversations/{body['conversation_id']}")).json()
    user, answer = detail["messages"]
    assert user["sources"] == []
    assert answer["sources"] == body["sources"] and answer["sources"]


async def test_answers_stored_before_sources_were_kept_get_them_from_their_run(
    grounded: tuple[httpx.AsyncClient, Settings, dict[str, object]],
) -> None:
    http, settings, body = grounded
    with sqlite3.connect(settings.data_dir / "agentdesk.db") as db:
        db.execute("UPDATE messages SET sources = NULL")
    detail = (await http.get(f"/api/conversations/{body['conversation_id']}")).json()
    assert detail["messages"][1]["sources"] == body["sources"]


async def test_exports_keep_each_answers_sources(
    grounded: tuple[httpx.AsyncClient, Settings, dict[str, object]],
) -> None:
    http, _, body = grounded
    url = f"/api/conversations/{body['conversation_id']}/export"
    exported = json.loads((await http.get(url, params={"format": "json"})).text)
    assert exported["messages"][1]["sources"] == body["sources"]

    text = (await http.get(url, params={"format": "md"})).text
    sources_at = text.index("Sources")
    assert text.index("shade for lettuce [2].") < sources_at
    for source in body["sources"]:  # type: ignore[attr-defined]
        for snippet in source["snippets"]:
            line = next(
                line
                for line in text[sources_at:].splitlines()
                if line.startswith(f"- [{snippet['passage']}] ")
            )
            assert source["name"] in line
            assert " ".join(snippet["text"].split())[:40] in line
