"""Task rows, history entries and the form's trigger, built from API payloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontend.state import tasks_models
from frontend.state.chat_models import DOCUMENT_CHOICES, DOCUMENT_LABELS
from frontend.state.tasks_models import trigger_spec, when
from tests.frontend.state import payloads

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC).astimezone()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def test_when_names_today_tomorrow_and_other_days() -> None:
    today = NOW.replace(hour=14, minute=30)
    assert when(_iso(today), NOW) == "today 14:30"
    assert when(_iso(today + timedelta(days=1)), NOW) == "tomorrow 14:30"
    assert when(_iso(today - timedelta(days=1)), NOW) == "yesterday 14:30"
    later = today + timedelta(days=5)
    assert when(_iso(later), NOW) == f"{later:%a} {later.day} {later:%b} 14:30"
    assert when(_iso(today.replace(year=2027)), NOW).endswith("2027 14:30")
    assert when(_iso(today.replace(second=7)), NOW) == "today 14:30:07"
    assert when(None, NOW) == when("not a time", NOW) == ""


def test_task_row_shows_state_next_run_and_last_outcome() -> None:
    start = NOW.replace(hour=9)
    raw = {
        "id": "t1",
        "name": "Digest",
        "prompt": "Summarise   my notes",
        "mode": "chat",
        "schedule": "cron '0 9 * * *' (UTC)",
        "enabled": True,
        "state": "scheduled",
        "next_run_at": _iso(start + timedelta(days=1)),
        "last_run": {"status": "error", "started_at": _iso(start)},
    }
    row = tasks_models.to_task_row(payloads.task(**raw), NOW)
    assert (row.id, row.name, row.excerpt, row.state_color) == (
        "t1",
        "Digest",
        "Summarise my notes",
        "green",
    )
    assert (row.next_run, row.last_status, row.last_status_color, row.last_time) == (
        "tomorrow 09:00",
        "error",
        "red",
        "today 09:00",
    )


def test_a_paused_task_never_run_has_no_next_run() -> None:
    raw = {"id": "t2", "state": "paused", "enabled": False, "next_run_at": None, "last_run": None}
    row = tasks_models.to_task_row(payloads.task(**raw), NOW)
    assert (row.state, row.state_color, row.enabled) == ("paused", "amber", False)
    assert (row.next_run, row.last_status, row.last_time) == ("—", "never run", "")


def test_history_row_reason_status_duration_and_output() -> None:
    raw = {
        "id": 7,
        "reason": "manual",
        "status": "completed",
        "started_at": _iso(NOW),
        "duration_seconds": 1.25,
        "output": "Done.",
        "error": None,
        "run_id": "r1",
    }
    row = tasks_models.to_history_row(payloads.task_run(**raw), NOW)
    assert (row.id, row.reason, row.status_color, row.started) == (
        7,
        "run now",
        "green",
        "today 12:00",
    )
    assert (row.duration, row.output, row.error, row.run_id) == ("1.2 s", "Done.", "", "r1")
    running = tasks_models.to_history_row(
        payloads.task_run(id=8, status="running", reason="schedule")
    )
    assert (running.reason, running.duration, running.status_color) == (
        "scheduled",
        "running",
        "blue",
    )
    missed = tasks_models.to_history_row(
        payloads.task_run(id=9, status="missed", scheduled_for=_iso(NOW))
    )
    assert (missed.status_color, missed.started) == ("amber", when(_iso(NOW)))


def test_trigger_spec_from_the_form() -> None:
    assert trigger_spec("cron", "  */15  * * * * ", "", "", "") == {
        "type": "cron",
        "cron": "*/15 * * * *",
    }
    assert trigger_spec("interval", "", " 45 ", "minutes", "") == {
        "type": "interval",
        "minutes": 45,
    }
    assert trigger_spec("date", "", "", "", "2026-05-01T10:00") == {
        "type": "date",
        "run_at": "2026-05-01T10:00",
    }


@pytest.mark.parametrize(
    ("kind", "every", "unit", "run_at", "message"),
    [
        ("interval", "soon", "minutes", "", "'soon' is not a whole number of minutes"),
        ("interval", "0", "hours", "", "at least 1"),
        ("interval", "5", "weeks", "", "Unknown unit 'weeks'"),
        ("date", "", "", " ", "Pick the date and time"),
        ("yearly", "", "", "", "Unknown schedule type 'yearly'"),
    ],
)
def test_trigger_spec_explains_what_it_cannot_read(
    kind: str, every: str, unit: str, run_at: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        trigger_spec(kind, "", every, unit, run_at)


def test_cron_fields_name_each_part_and_preview_lines_skip_bad_times() -> None:
    assert tasks_models.cron_fields("0 9 * * 1-5") == [
        "minute 0",
        "hour 9",
        "day *",
        "month *",
        "weekday 1-5",
    ]
    assert tasks_models.cron_fields("0 9 * *") == []
    assert tasks_models.preview_lines([_iso(NOW.replace(hour=13)), "bad"], NOW) == ["today 13:00"]


def test_a_preview_is_stale_once_its_first_run_has_passed() -> None:
    runs = [_iso(NOW + timedelta(minutes=m)) for m in (1, 2, 3)]
    shown = tasks_models.preview_lines(runs, NOW)
    assert not tasks_models.preview_is_stale(runs, shown, NOW)
    assert not tasks_models.preview_is_stale(runs, shown, NOW + timedelta(seconds=59))
    assert tasks_models.preview_is_stale(runs, shown, NOW + timedelta(minutes=1))
    assert tasks_models.preview_is_stale(runs, shown, NOW + timedelta(hours=5))


def test_a_preview_is_stale_when_its_words_no_longer_hold() -> None:
    # "tomorrow 09:00" written last evening is "today 09:00" after midnight.
    evening = NOW.replace(hour=23, minute=50)
    runs = [_iso((evening + timedelta(days=d)).replace(hour=9, minute=0)) for d in (1, 2)]
    shown = tasks_models.preview_lines(runs, evening)
    assert shown[0].startswith("tomorrow")
    assert not tasks_models.preview_is_stale(runs, shown, evening + timedelta(minutes=5))
    assert tasks_models.preview_is_stale(runs, shown, evening + timedelta(minutes=15))


def test_an_empty_preview_is_never_stale() -> None:
    assert not tasks_models.preview_is_stale([], [], NOW)


@pytest.mark.parametrize("switch", ["auto", "on", "off"])
def test_task_row_says_how_the_task_uses_documents(switch: str) -> None:
    row = tasks_models.to_task_row(payloads.task(use_knowledge=switch), NOW)
    assert row.documents == switch
    # In the chat switch's words, with its hint.
    assert row.documents_label == f"Documents: {DOCUMENT_LABELS[switch]}"
    assert row.documents_hint == DOCUMENT_CHOICES[switch]
    assert len({DOCUMENT_LABELS[s] for s in DOCUMENT_CHOICES}) == len(DOCUMENT_CHOICES)
