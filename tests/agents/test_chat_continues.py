"""An answer the model server cuts at its token limit is continued, and one still cut says so."""

from __future__ import annotations

import httpx

from agents.engines.chat import CUT_SHORT
from backend.llm.fake_server import FakeOpenAIServer

ESSAY = "Write a detailed essay about the history of tea."


async def essay(client: httpx.AsyncClient) -> dict[str, object]:
    response = await client.post(
        "/api/agent/query", json={"prompt": ESSAY, "mode": "chat", "use_knowledge": False}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_cut_answer_is_continued_where_it_stopped(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": "Continue exactly where you stopped", "reply": " and it spread west."},
            {"match": "history of tea", "reply": "Tea began in China", "cut": True},
        ]
    )
    body = await essay(client)
    assert body["status"] == "completed"
    assert body["answer"] == "Tea began in China and it spread west."
    # The continuation saw what was written so far.
    assert fake.requests[-1]["messages"][-2] == {
        "role": "assistant",
        "content": "Tea began in China",
    }


async def test_an_answer_still_cut_after_its_continuations_says_so(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "more tea", "cut": True}])
    body = await essay(client)
    answer = str(body["answer"])
    assert answer.endswith(CUT_SHORT) and answer.startswith("more teamore teamore tea")
    assert len(fake.requests) == 3
