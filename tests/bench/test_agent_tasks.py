"""The agent task set is what the issue asks for, its expected answers cannot be passed by
saying the question back, and a run is judged from the app's status first, then the check."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench import agent_corpus
from bench.agent_bench import run_task
from bench.agent_checks import Answer, FileHas, Number, numbers_in
from bench.agent_report import mode_figures, report
from bench.agent_tasks import TASKS, chosen

KINDS = {
    "arithmetic",
    "percent",
    "date",
    "files",
    "lookup",
    "lookup-math",
    "two-docs",
    "code",
    "general",
    "follow-up",
}


def test_at_least_forty_tasks_of_every_kind_with_unique_ids() -> None:
    assert len(TASKS) >= 40
    assert len({t.id for t in TASKS}) == len(TASKS)
    kinds = Counter(t.kind for t in TASKS)
    assert set(kinds) == KINDS
    assert all(count >= 3 for count in kinds.values()), kinds
    assert all(len(t.turns) >= 2 for t in TASKS if t.kind == "follow-up")
    assert 4 <= len(chosen(quick=True)) <= 8


def test_no_expected_number_can_be_met_by_restating_the_prompt() -> None:
    for task in TASKS:
        for turn in task.turns:
            if isinstance(turn.check, Number):
                assert not turn.check.passes(Answer(turn.prompt)), task.id


def test_every_sample_answer_passes_except_written_files() -> None:
    for task in TASKS:
        for turn in task.turns:
            if not isinstance(turn.check, FileHas):
                assert turn.check.passes(Answer(turn.check.sample())), task.id


def test_documents_state_the_facts_the_tasks_expect(tmp_path: Path) -> None:
    assert agent_corpus.write_corpus(tmp_path) == 4
    policy = (tmp_path / "inbox" / "marrowgate-travel-policy.md").read_text()
    assert agent_corpus.MEAL_ALLOWANCE in numbers_in(policy)
    sales = (tmp_path / "workspace" / "sales.csv").read_text().splitlines()
    assert sales[0] == "region,units,unit_price" and len(sales) == 5
    assert (tmp_path / "workspace" / "notes" / "meeting.txt").is_file()


def replying(*bodies: tuple[int, dict[str, Any]]) -> httpx.Client:
    """A client whose successive queries get these (status, body) replies."""
    queue = list(bodies)

    def handler(request: httpx.Request) -> httpx.Response:
        status, body = queue.pop(0)
        return httpx.Response(status, json=body)

    return httpx.Client(base_url="http://app", transport=httpx.MockTransport(handler))


def done(answer: str, sources: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "status": "completed",
        "answer": answer,
        "conversation_id": "c1",
        "engine": "chat",
        "sources": sources,
    }


def task(task_id: str) -> Any:
    return next(t for t in TASKS if t.id == task_id)


def test_a_run_is_solved_wrong_or_not_completed(tmp_path: Path) -> None:
    words = task("words-1")
    solved = run_task(replying((200, done("It is 27,056."))), words, "auto", tmp_path)
    wrong = run_task(replying((200, done("[1]"))), words, "auto", tmp_path)
    no_answer = {"status": "no answer", "answer": "27056", "conversation_id": "c1"}
    refused = run_task(replying((200, no_answer)), words, "auto", tmp_path)
    failed = run_task(replying((503, {"detail": "model down"})), words, "auto", tmp_path)
    assert [r["outcome"] for r in (solved, wrong, refused, failed)] == [
        "solved",
        "completed but wrong",
        "not completed",
        "not completed",
    ]
    assert failed["turns"][0]["status"] == "HTTP 503"


def test_a_follow_up_keeps_its_conversation_and_needs_every_turn(tmp_path: Path) -> None:
    sent: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=done("It is 9." if len(sent) == 1 else "It is 62."))

    http = httpx.Client(base_url="http://app", transport=httpx.MockTransport(handler))
    record = run_task(http, task("follow-up-1"), "chat", tmp_path)
    assert [s["conversation_id"] for s in sent] == [None, "c1"]
    assert [t["passed"] for t in record["turns"]] == [True, False]
    assert record["outcome"] == "completed but wrong"


def test_report_counts_general_answers_that_cite_documents(tmp_path: Path) -> None:
    cited = [{"name": "fenwick-r7.md"}]
    records = [
        run_task(replying((200, done("Au", cited))), task("general-1"), "auto", tmp_path),
        run_task(replying((200, done("Mars"))), task("general-3"), "auto", tmp_path),
    ]
    figures = mode_figures(records)
    assert (figures["solved"], figures["general_clean"], figures["general_cited"]) == (1, 1, 1)
    text = report(records, ["auto"], 2, "test")
    assert "| auto" in text and ">= 85%" in text
    assert "auto general-1: completed but wrong" in text
    assert "auto answered with: chat 2 (turns)" in text


def test_per_kind_takes_the_first_tasks_of_every_kind() -> None:
    from collections import Counter

    from bench.agent_tasks import TASKS, chosen

    sample = chosen(per_kind=2)
    counts = Counter(t.kind for t in sample)
    assert set(counts) == {t.kind for t in TASKS} and set(counts.values()) == {2}
    firsts = [next(t for t in TASKS if t.kind == kind) for kind in counts]
    assert all(t in sample for t in firsts)
