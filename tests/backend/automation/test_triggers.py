"""Triggers: cron, interval and date are checked with readable reasons and previewed."""

from datetime import UTC, datetime

import pytest

from backend.automation.triggers import (
    TriggerError,
    build_trigger,
    describe,
    local_timezone,
    next_fire_times,
    normalized,
    parse_spec,
)

NOW = datetime(2026, 12, 1, 13, 7, tzinfo=UTC)


def times(raw: dict[str, object], count: int = 3) -> list[str]:
    trigger = build_trigger(parse_spec(raw), NOW)
    return [moment.isoformat() for moment in next_fire_times(trigger, count, NOW)]


def test_cron_preview_lists_the_next_fire_times_in_its_time_zone() -> None:
    assert times({"type": "cron", "cron": "*/15 * * * *", "timezone": "UTC"}) == [
        "2026-12-01T13:15:00+00:00",
        "2026-12-01T13:30:00+00:00",
        "2026-12-01T13:45:00+00:00",
    ]
    # 09:00 in Paris is 08:00 UTC in winter.
    paris = times({"type": "cron", "cron": "0 9 * * *", "timezone": "Europe/Paris"}, 2)
    assert paris == ["2026-12-02T09:00:00+01:00", "2026-12-03T09:00:00+01:00"]


def test_interval_counts_from_now_and_a_date_fires_once() -> None:
    assert times({"type": "interval", "hours": 1, "minutes": 30}, 2) == [
        "2026-12-01T14:37:00+00:00",
        "2026-12-01T16:07:00+00:00",
    ]
    once = {"type": "date", "run_at": "2026-12-24T18:00:00", "timezone": "UTC"}
    assert times(once, 5) == ["2026-12-24T18:00:00+00:00"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"type": "cron", "cron": "61 * * * *"}, "higher than the maximum value (59)"),
        ({"type": "cron", "cron": "* * *"}, "got 3, expected 5"),
        ({"type": "cron", "cron": "  "}, "cron expression is empty"),
        ({"type": "cron", "cron": "0 0 30 2 *"}, "never fires"),
        ({"type": "cron", "cron": "* * * * *", "timezone": "Mars/Base"}, "Unknown time zone"),
        ({"type": "interval", "seconds": 3}, "shortest allowed is 10 s"),
        # Found by the API fuzz: a huge interval overflowed datetime (a 500).
        ({"type": "interval", "days": 2912066, "hours": 1000}, "longest allowed is 366 days"),
        ({"type": "date", "run_at": "2026-12-01T13:00:00Z"}, "is in the past"),
    ],
)
def test_bad_triggers_say_why(raw: dict[str, object], reason: str) -> None:
    with pytest.raises(TriggerError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        build_trigger(parse_spec(raw), NOW)


def test_a_date_at_the_end_of_time_previews_once() -> None:
    # Found by the API fuzz: stepping past the last datetime overflowed (a 500).
    last = {"type": "date", "run_at": "9999-12-31T23:59:59.999999", "timezone": "UTC"}
    assert times(last, 5) == ["9999-12-31T23:59:59.999999+00:00"]


def test_stored_form_pins_the_time_zone_and_drops_empty_parts() -> None:
    assert normalized(parse_spec({"type": "cron", "cron": "0 9 * * 1-5", "timezone": "UTC"})) == {
        "type": "cron",
        "cron": "0 9 * * 1-5",
        "timezone": "UTC",
    }
    interval = parse_spec({"type": "interval", "minutes": 5})
    assert normalized(interval) == {"type": "interval", "minutes": 5}
    assert describe(interval) == "every 5 minutes"
    assert normalized(parse_spec({"type": "cron", "cron": "* * * * *"}))["timezone"]


@pytest.mark.parametrize(
    ("cron", "weekdays"),
    [
        ("0 9 * * 1-5", [0, 1, 2, 3, 4]),
        ("0 9 * * 0", [6]),
        ("0 9 * * 7", [6]),
        ("0 9 * * 6,0", [5, 6]),
        ("0 9 * * */2", [1, 3, 5, 6]),
        ("0 9 * * mon-wed", [0, 1, 2]),
    ],
)
def test_day_of_week_means_what_crontab_means(cron: str, weekdays: list[int]) -> None:
    trigger = build_trigger(parse_spec({"type": "cron", "cron": cron, "timezone": "UTC"}), NOW)
    fired = {moment.weekday() for moment in next_fire_times(trigger, 14, NOW)}
    assert sorted(fired) == weekdays


@pytest.mark.parametrize(
    ("cron", "named", "not_named"),
    [
        ("99 25 * * *", ["minute '99'", "hour '25'"], ["day of month", "month '", "day of week"]),
        ("0 9 32 13 *", ["day of month '32'", "month '13'"], ["minute", "hour"]),
        ("x 9 * * 9", ["minute 'x'", "day of week '9'"], ["hour", "month"]),
    ],
)
def test_a_bad_cron_line_names_every_bad_field_once(
    cron: str, named: list[str], not_named: list[str]
) -> None:
    with pytest.raises(TriggerError) as raised:
        build_trigger(parse_spec({"type": "cron", "cron": cron}), NOW)
    # What is wrong, without the reminder of the five fields' names that follows it.
    reason = str(raised.value).split(". Use five fields")[0]
    for field in named:
        assert reason.count(field) == 1, reason
    for field in not_named:
        assert field not in reason, reason
    assert reason.count(cron) == 1, reason


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        ("* * * * *", "every minute"),
        ("*/15 * * * *", "every 15 minutes"),
        ("0 * * * *", "every hour"),
        ("0 9 * * *", "every day at 09:00"),
        ("30 18 * * *", "every day at 18:30"),
        ("0 9 * * 1-5", "weekdays at 09:00"),
        ("0 8 * * 1", "every Monday at 08:00"),
        ("0 0 1 * *", "cron '0 0 1 * *'"),
        ("5,35 9 * * *", "cron '5,35 9 * * *'"),
    ],
)
def test_a_cron_schedule_is_described_in_words(cron: str, words: str) -> None:
    here = describe(parse_spec({"type": "cron", "cron": cron, "timezone": local_timezone()}))
    assert here == words
    # Another time zone than the machine's is named.
    zone = "Pacific/Chatham" if local_timezone() != "Pacific/Chatham" else "Europe/Paris"
    there = describe(parse_spec({"type": "cron", "cron": cron, "timezone": zone}))
    assert there == f"{words} ({zone})"


def test_utc_by_any_name_is_the_same_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("backend.automation.triggers.local_timezone", lambda: "Etc/UTC")
    spec = parse_spec({"type": "cron", "cron": "* * * * *", "timezone": "UTC"})
    assert describe(spec) == "every minute"
