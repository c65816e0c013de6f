"""Documents only when they help, through the API: the relevance cut-off, the "use my
documents" switch, one chip per document, and follow-ups searched as standalone questions."""

from __future__ import annotations

import json

import httpx
import pytest

from backend.config import Settings
from backend.llm.fake_server import FakeOpenAIServer
from tests.backend.api.test_knowledge_api import FACT, idle, kb_client, upload

__all__ = ["kb_client"]

GARDEN = "Tomatoes need six hours of sun. Tomatoes need water every morning in summer."


async def ask(http: httpx.AsyncClient, **body: object) -> dict[str, object]:
    response = await http.post("/api/agent/query", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def retrieval_step(body: dict[str, object]) -> dict[str, object]:
    steps = body["steps"]
    assert isinstance(steps, list)
    (step,) = [s["data"] for s in steps if s["type"] == "step" and s["data"]["kind"] == "retrieval"]
    return dict(step)


@pytest.fixture
async def library(kb_client: tuple[httpx.AsyncClient, Settings]) -> httpx.AsyncClient:
    http, _ = kb_client
    await upload(http, "herons.txt", FACT.encode())
    await upload(http, "garden.txt", GARDEN.encode())
    await idle(http)
    return http


async def test_a_general_question_gets_no_passages_from_unrelated_documents(
    library: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    body = await ask(library, prompt="What is the capital of Australia?")
    assert body["sources"] == []
    assert fake.requests[-1]["messages"][-1]["content"] == "What is the capital of Australia?"
    step = retrieval_step(body)
    assert step["sources"] == [] and int(step["below_threshold"]) >= 1  # type: ignore[call-overload]


@pytest.mark.parametrize("switch", [True, "auto"])
async def test_auto_and_true_use_passages_only_above_the_cut_off(
    library: httpx.AsyncClient, switch: object
) -> None:
    body = await ask(
        library, prompt="How many hours of sun do tomatoes need?", use_knowledge=switch
    )
    assert [s["name"] for s in body["sources"]] == ["garden.txt"]  # type: ignore[union-attr]


async def test_on_always_uses_the_best_passages_and_off_never_searches(
    library: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    forced = await ask(library, prompt="What is the capital of Australia?", use_knowledge="on")
    assert forced["sources"] and "[1] (" in fake.requests[-1]["messages"][-1]["content"]
    off = await ask(library, prompt="How many hours of sun do tomatoes need?", use_knowledge="off")
    assert off["sources"] == [] and not [
        s
        for s in off["steps"]
        if s["data"].get("kind") == "retrieval"  # type: ignore[union-attr]
    ]
    bad = await library.post("/api/agent/query", json={"prompt": "hi", "use_knowledge": "maybe"})
    assert bad.status_code == 422


async def test_asking_about_my_documents_uses_them_even_below_the_cut_off(
    library: httpx.AsyncClient,
) -> None:
    body = await ask(library, prompt="What do my notes say about herons?")
    step = retrieval_step(body)
    # Every hit is below the cut-off here, yet the best ones go in: the user asked for them.
    assert step["sources"] and "herons.txt" in [s["name"] for s in step["sources"]]  # type: ignore[union-attr]
    assert len(step["sources"]) <= 2  # type: ignore[arg-type]


async def test_a_calculation_does_not_search_the_documents(library: httpx.AsyncClient) -> None:
    body = await ask(library, prompt="What is 23% of 4,180 tomatoes?", mode="chat")
    assert body["sources"] == []
    assert not [s for s in body["steps"] if s["data"].get("kind") == "retrieval"]  # type: ignore[union-attr]


async def test_passages_of_one_document_are_one_chip_with_their_numbers(
    kb_client: tuple[httpx.AsyncClient, Settings],
) -> None:
    http, _ = kb_client
    # Two chunks of one file, both about tomatoes; small chunks split them.
    again = "Tomatoes need six hours of sun, and their water every summer morning."
    text = GARDEN + "\n\n" + ("x " * 600) + "\n\n" + again
    await upload(http, "garden.txt", text.encode())
    await upload(http, "herons.txt", FACT.encode())
    await idle(http)
    body = await ask(http, prompt="How many hours of sun do tomatoes need?", use_knowledge="on")
    sources = body["sources"]
    assert isinstance(sources, list)
    names = [s["name"] for s in sources]
    assert len(names) == len(set(names)), names
    garden = next(s for s in sources if s["name"] == "garden.txt")
    assert len(garden["passages"]) >= 2, sources


async def test_a_follow_up_is_searched_as_a_standalone_question(
    library: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    first = await ask(library, prompt="Tell me about the Vantablack heron.")
    fake.set_rules(
        [
            {
                "match": r"Question: Where does it nest\?",
                "reply": "Where does the Vantablack heron nest on basalt cliffs?",
            }
        ]
    )
    follow = await ask(
        library, prompt="Where does it nest?", conversation_id=first["conversation_id"]
    )
    step = retrieval_step(follow)
    assert step["query"] == "Where does the Vantablack heron nest on basalt cliffs?"
    assert [s["name"] for s in follow["sources"]] == ["herons.txt"]  # type: ignore[union-attr]
    rewrite = next(r for r in fake.requests if "Question: Where does it nest?" in json.dumps(r))
    assert "Vantablack heron" in rewrite["messages"][-1]["content"]  # the earlier turn
    # The rewrite is the run's work: charged to its budget like an engine's call.
    steps = follow["steps"]
    assert isinstance(steps, list)
    charged = [s["data"] for s in steps if s["data"].get("state") == "model_call"]
    assert charged and charged[0]["model_calls"] == 1 and charged[0]["tokens"] > 0


async def test_a_question_that_stands_alone_is_searched_as_typed(
    library: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    first = await ask(library, prompt="Tell me about the Vantablack heron.")
    fake.clear_requests()
    follow = await ask(
        library,
        prompt="How many hours of sun do tomatoes need?",
        conversation_id=first["conversation_id"],
    )
    assert retrieval_step(follow)["query"] == "How many hours of sun do tomatoes need?"
    assert len(fake.requests) == 1  # no rewrite call


async def test_search_results_show_the_similarity_the_cut_off_reads(
    library: httpx.AsyncClient,
) -> None:
    query = {"q": "How many hours of sun do tomatoes need?"}
    hybrid = (await library.get("/api/knowledge/search", params=query)).json()["results"]
    assert hybrid[0]["name"] == "garden.txt" and hybrid[0]["similarity"] > 0.35
    assert all(r["similarity"] < 0.35 for r in hybrid if r["name"] != "garden.txt")
    keyword = (await library.get("/api/knowledge/search", params={**query, "mode": "bm25"})).json()
    assert all(r["similarity"] is None for r in keyword["results"])


async def test_the_code_engine_gets_the_passages_that_help_up_front(
    library: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    # Left to search by itself, a small code model typed in figures of its own instead.
    answer = "Thought: The passage says six.\n<code>\nfinal_answer('Six hours of sun.')\n</code>"
    fake.set_rules([{"match": "New task", "reply": answer}])
    body = await ask(library, prompt="How many hours of sun do tomatoes need?", mode="code")
    assert [s["name"] for s in body["sources"]] == ["garden.txt"], body  # type: ignore[index]
    task = fake.requests[-1]["messages"][-1]["content"]
    task_text = task if isinstance(task, str) else task[0]["text"]
    assert "Tomatoes need six hours of sun." in task_text
    # A pure computation still gets none.
    sums = await ask(library, prompt="What is 17 * 23?", mode="code")
    assert sums["sources"] == [] and not retrieval_steps(sums)


def retrieval_steps(body: dict[str, object]) -> list[object]:
    steps = body["steps"]
    assert isinstance(steps, list)
    return [s for s in steps if s["data"].get("kind") == "retrieval"]


@pytest.mark.parametrize("mode", ["code", "team"])
async def test_a_follow_up_is_set_to_the_code_and_team_engines_as_it_stands_alone(
    library: httpx.AsyncClient, fake: FakeOpenAIServer, mode: str
) -> None:
    # Given only "And in 12 kilometres?", a small code model once answered 12 factorial plus 1
    # (its prompt's example), not the metres the conversation was about.
    code = "Thought: compute.\n<code>\nfinal_answer({})\n</code>"
    fake.set_rules(
        [
            {"match": r"Question: And in 12 km\?", "reply": "How many metres are in 12 km?"},
            {"match": "New task", "reply": code.format("5 * 1000")},
        ]
    )
    # Documents off: no search rewrites it on the way.
    asked = {"mode": mode, "use_knowledge": False}
    first = await ask(library, prompt="How many metres are in 5 kilometres?", **asked)
    fake.clear_requests()
    follow = await ask(
        library, prompt="And in 12 km?", conversation_id=first["conversation_id"], **asked
    )
    assert follow["status"] != "error", follow
    rewrites = [r for r in fake.requests if "Question: And in 12 km?" in json.dumps(r)]
    assert len(rewrites) == 1 and retrieval_steps(follow) == []
    engine_calls = [r for r in fake.requests if r not in rewrites]
    assert engine_calls and "How many metres are in 12 km?" in json.dumps(engine_calls[0])
