"""An answer must pass the answer check before a run ends *completed*: the real engines, the
manager and the task runner against the scripted fake model over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from agents.answer_gate import NoAnswer, shown_reason
from backend.config import Settings
from backend.llm.fake_server import FakeOpenAIServer
from tests.backend.api.test_tasks_api import make_task, wait_for_entry

PERCENT_CALL = {"name": "calculator", "arguments": {"expression": "23% of 4,180"}}
CLOCK_CALL = {"name": "current_time", "arguments": {}}
BARE = "To calculate 23% of 4,180, you can use the following expression: [1]"
TOOL_DESCRIBED = "The current local date, time, weekday, and timezone is [1]."
# The repair turn's prompt says this; the fake model answers it with its own rule.
REPAIR = "was not accepted"


async def ask(client: httpx.AsyncClient, prompt: str, mode: str) -> dict[str, Any]:
    response = await client.post(
        "/api/agent/query", json={"prompt": prompt, "mode": mode, "use_knowledge": False}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def read_then_answer(
    client: httpx.AsyncClient,
    fake: FakeOpenAIServer,
    settings: Settings,
    file: tuple[str, str],
    question: str,
    answers: tuple[str, str],
) -> dict[str, Any]:
    """A single-agent run that reads ``file`` (name, text) from the workspace, then answers
    ``answers[0]``; an answer sent back is repaired with ``answers[1]``."""
    name, text = file
    settings.workspace_dir.mkdir(parents=True, exist_ok=True)
    (settings.workspace_dir / name).write_text(text)
    read_call = {"name": "read_file", "arguments": {"path": name}}
    fake.set_rules(
        [
            {"match": name, "tool_calls": [read_call], "times": 1},
            {"match": REPAIR, "reply": answers[1]},
            {"reply": answers[0]},
        ]
    )
    return await ask(client, question, "single")


def checks(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s["data"]
        for s in body["steps"]
        if s["type"] == "step" and s["data"].get("kind") == "answer_check"
    ]


async def test_a_bare_citation_is_sent_back_once_and_the_repair_carries_the_tool_result(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": "23% of 4,180", "tool_calls": [PERCENT_CALL], "times": 1},
            {"match": REPAIR, "reply": "23% of 4,180 is 961.4."},
            {"match": "23% of 4,180", "reply": BARE},
        ]
    )
    body = await ask(client, "What is 23% of 4,180?", "single")
    assert body["status"] == "completed", body
    assert body["answer"] == "23% of 4,180 is 961.4."
    first, second = checks(body)
    assert not first["passed"] and "stops where its result should be" in first["reason"]
    assert first["answer"] == BARE and second["passed"]
    # The repair turn was given the calculator's result verbatim, and the reason.
    repair = fake.requests[-1]["messages"][-1]["content"]
    assert "- calculator: 961.4" in repair and "stops where its result should be" in repair
    record = (await client.get(f"/api/agent/runs/{body['run_id']}")).json()
    assert record["status"] == "completed" and record["answer"] == "23% of 4,180 is 961.4."


async def test_an_answer_that_fails_twice_ends_no_answer_with_the_reason(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": "What time is it", "tool_calls": [CLOCK_CALL], "times": 1},
            {"reply": TOOL_DESCRIBED},
        ]
    )
    body = await ask(client, "What time is it?", "single")
    assert body["status"] == "no_answer", body
    assert body["answer"] == ""
    assert "stops where its result should be" in body["reason"]
    end = body["steps"][-1]
    assert end["type"] == "no_answer"
    assert end["data"]["rejected"] == TOOL_DESCRIBED
    assert end["data"]["message"] == f"no answer: {body['reason']}"
    (check,) = checks(body)
    assert not check["passed"]
    # One answer and one repair turn: sent back once, not again.
    assert len([r for r in fake.requests if REPAIR in str(r["messages"][-1]["content"])]) == 1

    record = (await client.get(f"/api/agent/runs/{body['run_id']}")).json()
    assert record["status"] == "no_answer" and record["answer"] is None
    assert record["error"] == body["reason"]
    engines = {e["engine"]: e for e in (await client.get("/api/agent/engines")).json()["engines"]}
    assert engines["single"]["runs"] == 1 and engines["single"]["completed"] == 0
    assert engines["single"]["no_answer"] == 1 and engines["single"]["success_rate"] == 0
    markdown = (await client.get(f"/api/agent/runs/{body['run_id']}/export?format=md")).text
    assert "status: no_answer" in markdown and body["reason"] in markdown


async def test_chat_gets_one_retry(client: httpx.AsyncClient, fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [{"match": REPAIR, "reply": "Paris is the capital of France."}, {"reply": "[1]"}]
    )
    body = await ask(client, "What is the capital of France?", "chat")
    assert body["status"] == "completed", body
    assert body["answer"] == "Paris is the capital of France."
    assert "only a citation marker" in checks(body)[0]["reason"]


async def test_a_team_answer_that_drops_the_tool_result_is_repaired(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": REPAIR, "reply": "6 times 7 is 42."},
            {"match": "How much is 6 times 7", "reply": "1. Use the calculator.", "times": 1},
            {
                "match": "calculator",
                "tool_calls": [{"name": "calculator", "arguments": {"expression": "6*7"}}],
                "times": 1,
            },
            {"match": "calculator", "reply": "The calculator gave the result.", "times": 1},
            {"match": "gave the result", "reply": "FINAL ANSWER: The calculator gave the result."},
        ]
    )
    body = await ask(client, "How much is 6 times 7?", "team")
    assert body["status"] == "completed", body
    assert body["answer"] == "6 times 7 is 42."
    assert "asks for a number" in checks(body)[0]["reason"]


async def test_openai_clients_get_an_error_not_the_rejected_text(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "[1]"}])
    response = await client.post(
        "/v1/chat/completions",
        json={
            "model": "agentdesk-chat",
            "messages": [{"role": "user", "content": "Who wrote it?"}],
        },
    )
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert error["code"] == "no_answer" and "only a citation marker" in error["message"]


async def test_task_history_records_no_answer_with_the_reason(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": "What time is it", "tool_calls": [CLOCK_CALL], "times": 1},
            {"reply": TOOL_DESCRIBED},
        ]
    )
    task = await make_task(client, name="Clock", prompt="What time is it?", mode="single")
    await client.post(f"/api/tasks/{task['id']}/run")
    entry = await wait_for_entry(client, task["id"])
    assert entry["status"] == "no_answer", entry
    assert entry["output"] is None
    assert entry["error"].startswith("no answer: the answer stops where its result should be")
    again = (await client.get(f"/api/tasks/{task['id']}")).json()
    assert again["last_run"]["status"] == "no_answer"


async def test_a_file_answer_with_nothing_read_ends_no_answer(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "The total of the units column in sales.csv is 12345."}])
    body = await ask(client, "What is the total of the units column in sales.csv?", "single")
    assert body["status"] == "no_answer", body
    assert "none was read" in body["reason"]


async def test_a_made_up_figure_after_reading_the_file_is_sent_back_with_the_reason(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, settings: Settings
) -> None:
    body = await read_then_answer(
        client,
        fake,
        settings,
        ("sales.csv", "region,units\nnorth,120\nwest,80\n"),
        "How many units did north sell in sales.csv?",
        ("The north region sold 12345 units.", "The north region sold 120 units."),
    )
    assert body["status"] == "completed", body
    assert body["answer"] == "The north region sold 120 units."
    first, _ = checks(body)
    assert "12345" in first["reason"] and "none of the tool results" in first["reason"]


async def test_a_follow_up_about_a_file_is_held_to_the_file_too(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "The west region sold 150 units."}])
    first = await ask(client, "How many units did north sell in sales.csv?", "chat")
    # Plain chat can read nothing, so it is not held to having read the file.
    assert first["status"] == "completed", first
    response = await client.post(
        "/api/agent/query",
        json={
            "prompt": "And the west region?",
            "mode": "single",
            "conversation_id": first["conversation_id"],
            "use_knowledge": False,
        },
    )
    body = response.json()
    assert body["status"] == "no_answer" and "none was read" in body["reason"], body


async def test_a_sum_answered_wrong_is_sent_back_with_the_calculators_value(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": REPAIR, "reply": "23% of 4,180 is 961.4."},
            {"reply": "23% of 4,180 is 965.4."},
        ]
    )
    body = await ask(client, "What is 23% of 4,180?", "chat")
    assert body["status"] == "completed" and body["answer"] == "23% of 4,180 is 961.4.", body
    (first, _) = checks(body)
    assert "which is 961.4" in first["reason"]


def code_reply(source: str) -> str:
    """A code model's reply in smolagents' format."""
    return f"Thought: Work it out.\n<code>\n{source}\n</code>"


@pytest.mark.parametrize(
    ("typed", "answer", "status"),
    [("price = 100", "400", "no_answer"), ("price = 38", "152", "completed")],
)
async def test_code_output_from_a_figure_the_code_made_up_is_not_evidence(
    client: httpx.AsyncClient,
    fake: FakeOpenAIServer,
    settings: Settings,
    typed: str,
    answer: str,
    status: str,
) -> None:
    settings.workspace_dir.mkdir(parents=True, exist_ok=True)
    (settings.workspace_dir / "prices.csv").write_text("item,price\nlamp,38\nrug,215\n")
    source = f"print(read_file('prices.csv'))\n{typed}\nprint(price * 4)\nfinal_answer('{answer}')"
    fake.set_rules(
        [
            {"match": "prices.csv", "reply": code_reply(source), "times": 1},
            {"reply": f"Four lamps cost {answer} euros."},
        ]
    )
    body = await ask(client, "What do 4 lamps from prices.csv in my workspace cost?", "code")
    assert body["status"] == status, body
    if status == "no_answer":
        # The printed 400 stood on nothing read; the reason names the figure the code typed in.
        assert "gives 400" in body["reason"] and "price = 100" in body["reason"], body
    else:
        assert body["answer"] == "152" and not checks(body), body


async def test_code_that_matched_nothing_for_a_value_in_the_wrong_case_is_sent_back(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, settings: Settings
) -> None:
    settings.workspace_dir.mkdir(parents=True, exist_ok=True)
    (settings.workspace_dir / "sales.csv").write_text("region,units\nnorth,120\nwest,97\n")
    source = (
        "import csv, io\nrows = list(csv.DictReader(io.StringIO(read_file(path='sales.csv'))))\n"
        "final_answer(sum(int(r['units']) for r in rows if r['region'] == 'North'))"
    )
    fake.set_rules(
        [
            {"match": REPAIR, "reply": "The north region sold 120 units."},
            {"match": "sales.csv", "reply": code_reply(source), "times": 1},
        ]
    )
    question = "How many units did the north region sell according to sales.csv in my workspace?"
    body = await ask(client, question, "code")
    # The 0 the code printed was a filter that matched nothing, not a count.
    assert body["status"] == "completed" and "120" in body["answer"], body
    (first, second) = checks(body)
    assert "compared with 'North', but what was read writes it 'north'" in first["reason"]
    assert second["passed"]


async def test_a_word_problem_answered_wrong_is_sent_back_with_the_worked_result(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": REPAIR, "reply": "1² + 2² + … + 30² = 9,455."},
            {"reply": "The sum of the squares is 31030."},
        ]
    )
    question = "What is the sum of the squares of the whole numbers from 1 to 30?"
    body = await ask(client, question, "chat")
    assert body["status"] == "completed" and body["answer"] == "1² + 2² + … + 30² = 9,455.", body
    (first, second) = checks(body)
    assert not first["passed"] and first["reason"].endswith("which is 9455")
    assert second["passed"]


async def test_a_slip_in_the_working_is_sent_back_with_the_value_asked_for_too(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": REPAIR, "reply": "The sum of the squares from 1 to 30 is 9,455."},
            {"reply": "30 * 31 * 61 / 6: 930 * 61 = 57030, so the sum is 9505."},
        ]
    )
    question = "What is the sum of the squares of the whole numbers from 1 to 30?"
    body = await ask(client, question, "chat")
    assert body["status"] == "completed" and "9,455" in body["answer"], body
    (first, _) = checks(body)
    # The slip and the value itself: with the slip alone the repair did not know the sum.
    assert "it comes to 56,730" in first["reason"] and first["reason"].endswith("which is 9455")


async def test_the_value_the_question_works_out_to_needs_no_needless_tool_result(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    # A small model called the calculator for a word to reverse, then answered its 1.5.
    needless = {"name": "calculator", "arguments": {"expression": "1/2 * 3"}}
    fake.set_rules(
        [
            {"match": REPAIR, "reply": "'stressed' reversed is desserts."},
            {"match": "stressed", "tool_calls": [needless], "times": 1},
            {"reply": "The result of the calculation is 1.5."},
        ]
    )
    body = await ask(client, "Reverse the word 'stressed'.", "single")
    assert body["status"] == "completed" and "desserts" in body["answer"], body
    (first, second) = checks(body)
    assert first["reason"] == "the answer does not give 'stressed' reversed, which is desserts"
    assert second["passed"]


async def test_nothing_found_after_reading_what_holds_it_is_sent_back(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, settings: Settings
) -> None:
    body = await read_then_answer(
        client,
        fake,
        settings,
        ("club.txt", "The chess club meets in Room 4 on Thursdays."),
        "Where does the chess club meet, according to club.txt?",
        (
            "The file does not mention where the chess club meets.",
            "The chess club meets in Room 4.",
        ),
    )
    assert body["status"] == "completed" and body["answer"] == "The chess club meets in Room 4."
    first, second = checks(body)
    assert "nothing was found" in first["reason"] and second["passed"]


async def test_a_chat_sum_refused_twice_points_to_the_modes_with_the_calculator(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "12 factorial is 490968000."}])
    body = await ask(client, "What is 12 factorial?", "chat")
    assert body["status"] == "no_answer", body
    assert "which is 479001600" in body["reason"]
    assert "Auto or Agent mode can work this out with the calculator" in body["reason"]
    assert body["steps"][-1]["data"]["message"] == f"no answer: {body['reason']}"
    record = (await client.get(f"/api/agent/runs/{body['run_id']}")).json()
    assert "Auto or Agent mode" in str(record), record


async def test_no_pointer_when_the_agent_or_another_check_refused(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    # The agent has the calculator already: no pointer to itself.
    fake.set_rules([{"reply": "12 factorial is 490968000."}])
    agent = await ask(client, "What is 12 factorial?", "single")
    assert agent["status"] == "no_answer" and "which is 479001600" in agent["reason"], agent
    assert "mode can work this out" not in agent["reason"]
    # Chat refused for something other than its arithmetic: no pointer either.
    fake.set_rules([{"reply": "[1]"}])
    other = await ask(client, "Who wrote the report?", "chat")
    assert other["status"] == "no_answer" and "citation marker" in other["reason"], other
    assert "mode can work this out" not in other["reason"]


def test_when_auto_chose_chat_the_pointer_names_the_agent() -> None:
    refused = NoAnswer("the answer does not give the value of 2^10, which is 1024", "", True)
    shown = shown_reason(refused, "auto", "chat")
    assert shown.endswith(". Agent mode can work this out with the calculator."), shown
    in_chat = shown_reason(refused, "chat", "chat")
    assert in_chat.endswith(" Auto or Agent mode can work this out with the calculator.")
    empty = NoAnswer("the answer is empty", "")
    assert shown_reason(empty, "chat", "chat") == "the answer is empty"


async def test_a_looked_up_figure_given_for_a_sum_with_the_questions_figure_is_sent_back(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, settings: Settings
) -> None:
    body = await read_then_answer(
        client,
        fake,
        settings,
        ("rates.txt", "The day rate is 38 euros."),
        "How much do 3 days cost at the day rate in rates.txt?",
        ("38 euros.", "3 * 38 = 114 euros."),
    )
    assert body["status"] == "completed" and body["answer"] == "3 * 38 = 114 euros.", body
    first, second = checks(body)
    assert "3 is not used" in first["reason"] and second["passed"]
