"""Engine cards, run rows and agent modes built from API payloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontend.state import agents_models, chat_models
from frontend.state.chat_models import ChatMessage
from tests.frontend.state import payloads


def test_engine_card_shows_state_record_and_plain_name() -> None:
    raw = {
        "engine": "single",
        "state": "working",
        "runs": 12,
        "completed": 11,
        "success_rate": 0.917,
        "p50_seconds": 4.25,
        "p95_seconds": 75,
    }
    card = agents_models.to_engine_card(payloads.engine(**raw))
    assert (card.label, card.state, card.state_color) == ("Agent with tools", "working", "green")
    assert (card.runs, card.success, card.p50, card.p95) == (12, "92%", "4.2 s", "1 min 15 s")


def test_engine_without_finished_runs_shows_dashes() -> None:
    raw = {"engine": "team", "state": "idle", "runs": 0, "success_rate": None, "p50_seconds": None}
    card = agents_models.to_engine_card(payloads.engine(**raw))
    assert (card.state_color, card.success, card.p50, card.p95) == ("gray", "—", "—", "—")


def test_run_row_times_status_and_excerpt() -> None:
    local_start = datetime(2026, 3, 1, 11, 59, tzinfo=UTC).astimezone()
    prompt = "Compare the two reports and then list the differences " * 4
    raw = {
        "run_id": "r9",
        "conversation_id": "c1",
        "mode": "team",
        "engine": "team",
        "prompt": prompt,
        "status": "stopped",
        "answer": "partial",
        "error": "stopped by the user",
        # As SQLite gives it back: UTC without a zone.
        "started_at": "2026-03-01T11:59:00",
        "finished_at": "2026-03-01T11:59:12.500000",
    }
    row = agents_models.to_run_row(payloads.run(**raw), now=local_start)
    # A run from today shows its local time of day.
    assert row.time == local_start.strftime("%H:%M:%S")
    assert (row.status, row.status_color, row.duration) == ("stopped", "amber", "12 s")
    assert row.excerpt.endswith("…") and len(row.excerpt) <= 91
    assert prompt.startswith(row.excerpt[:-1])
    assert row.prompt == prompt


def test_a_running_run_has_no_duration_yet() -> None:
    raw = {"run_id": "r1", "status": "running", "started_at": "2026-03-01T11:59:00+00:00"}
    row = agents_models.to_run_row(payloads.run(**raw))
    assert (row.duration, row.status_color) == ("running", "blue")


def test_older_runs_show_their_date() -> None:
    started = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    later = started.astimezone() + timedelta(days=4)
    shown = agents_models.run_time(started.isoformat(), later)
    assert shown == started.astimezone().strftime("%Y-%m-%d %H:%M")
    assert agents_models.run_time("", later) == ""


def test_mode_choices_follow_what_the_server_offers() -> None:
    choices = chat_models.mode_choices(["auto", "chat", "single", "team"])
    assert [c.value for c in choices] == ["auto", "chat", "single", "team"]
    assert [c.label for c in choices] == ["Auto", "Chat", "Agent with tools", "Team"]
    # Auto is always offered, even by a server that lists nothing.
    assert [c.value for c in chat_models.mode_choices([])] == ["auto"]
    assert "Planner" in chat_models.mode_hint("team")
    assert chat_models.mode_hint("nope") == ""


def test_stored_answer_keeps_its_run_id() -> None:
    raw = {"id": "m2", "role": "assistant", "content": "5", "run_id": "r1"}
    assert chat_models.to_chat_message(raw).run_id == "r1"


def test_answers_with_runs_lists_the_newest_answers_once() -> None:
    messages = [
        ChatMessage("1", "user", "q1", run_id="r1"),
        ChatMessage("2", "assistant", "a1", run_id="r1"),
        ChatMessage("3", "user", "q2", run_id="r2"),
        ChatMessage("4", "assistant", "a2", run_id="r2"),
        ChatMessage("5", "assistant", "old answer without a run"),
    ]
    assert chat_models.answers_with_runs(messages, 10) == ["r1", "r2"]
    assert chat_models.answers_with_runs(messages, 1) == ["r2"]
    assert chat_models.answers_with_runs(messages, 0) == []
