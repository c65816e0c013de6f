"""The app's scheduler (APScheduler 3): background jobs that never block the event loop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)


class Scheduler:
    """One BackgroundScheduler; jobs run in its thread pool, one instance each at a time."""

    def __init__(self) -> None:
        self._scheduler = BackgroundScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
            timezone="UTC",
        )

    def start(self) -> None:
        self._scheduler.start()

    def every(self, minutes: float, job: Callable[[], Any], job_id: str) -> None:
        """Run ``job`` every ``minutes`` (replacing a job with the same id)."""
        self._scheduler.add_job(
            self._guarded(job, job_id),
            "interval",
            seconds=max(1.0, minutes * 60),
            id=job_id,
            replace_existing=True,
        )

    @staticmethod
    def _guarded(job: Callable[[], Any], job_id: str) -> Callable[[], None]:
        def run() -> None:
            try:
                job()
            except Exception:
                log.exception("scheduled job %s failed", job_id)

        return run

    def job_ids(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()]

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
