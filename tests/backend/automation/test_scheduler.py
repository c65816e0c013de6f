"""The scheduler: one instance of a job at a time, and every run, failure and skip reported."""

from __future__ import annotations

import threading
from datetime import datetime

from backend.automation.scheduler import Scheduler


def test_a_job_still_running_is_not_started_twice_and_the_skip_is_reported() -> None:
    scheduler = Scheduler()
    seen: list[tuple[str, str]] = []
    skipped = threading.Event()
    release = threading.Event()
    running = []

    def listener(job: str, outcome: str, when: datetime | None) -> None:
        seen.append((job, outcome))
        if outcome == "skipped":
            assert when is not None
            skipped.set()

    def slow() -> None:
        running.append(1)
        release.wait(30)

    scheduler.add_listener(listener)
    scheduler.every_seconds(0.2, slow, "slow")
    scheduler.start()
    try:
        assert skipped.wait(30)
        assert len(running) == 1  # the second firing did not start a second copy
    finally:
        release.set()
        scheduler.stop()
    assert ("slow", "skipped") in seen


def test_a_failing_job_is_reported_as_an_error_and_keeps_its_schedule() -> None:
    scheduler = Scheduler()
    outcomes: list[str] = []
    twice = threading.Event()

    def listener(job: str, outcome: str, _when: datetime | None) -> None:
        outcomes.append(outcome)
        if outcomes.count("error") >= 2:
            twice.set()

    def broken() -> None:
        raise RuntimeError("boom")

    scheduler.add_listener(listener)
    scheduler.every_seconds(0.1, broken, "broken")
    scheduler.start()
    try:
        assert twice.wait(30)
    finally:
        scheduler.stop()
    assert scheduler.running is False
