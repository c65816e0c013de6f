"""The app's scheduler (APScheduler 3): background jobs that never block the event loop.

Two job stores: the app's own housekeeping jobs live in memory (they are added again at every
start), the user's tasks live in the ``tasks`` store, a SQLAlchemy job store in the app database,
so their schedules and missed runs survive a restart. Jobs run in the scheduler's thread pool,
coalesced, one instance each at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy import Engine

log = logging.getLogger(__name__)

TASK_STORE = "tasks"
JOBS_TABLE = "apscheduler_jobs"

# (job id, outcome: "ok" | "error" | "missed" | "skipped", the run time it was scheduled for);
# "skipped": it was due while its previous run was still going.
JobListener = Callable[[str, str, datetime | None], None]


class Scheduler:
    """One BackgroundScheduler with a memory store and, given an engine, a persistent one."""

    def __init__(
        self,
        engine: Engine | None = None,
        misfire_grace_seconds: int = 60,
        workers: int = 4,
        task_workers: int = 8,
    ) -> None:
        stores: dict[str, Any] = {"default": MemoryJobStore()}
        if engine is not None:
            stores[TASK_STORE] = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)
        self._scheduler = BackgroundScheduler(
            jobstores=stores,
            # Task runs wait for their agent run in a pool of their own, so a few long tasks
            # can never hold up the monitor or the housekeeping jobs.
            executors={
                "default": ThreadPoolExecutor(workers),
                TASK_STORE: ThreadPoolExecutor(task_workers),
            },
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": misfire_grace_seconds,
            },
            timezone="UTC",
        )
        self._listeners: list[JobListener] = []
        self._scheduler.add_listener(
            self._on_event,
            EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES,
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        self._scheduler.start()

    def add_listener(self, listener: JobListener) -> None:
        """Call ``listener`` after each job run, failure or miss (in the scheduler's threads)."""
        self._listeners.append(listener)

    def _on_event(self, event: JobEvent) -> None:
        outcomes = {EVENT_JOB_MISSED: "missed", EVENT_JOB_ERROR: "error"}
        outcomes[EVENT_JOB_MAX_INSTANCES] = "skipped"
        outcome = outcomes.get(event.code, "ok")
        when = getattr(event, "scheduled_run_time", None)
        if when is None:  # a skipped submission lists its run times instead
            times = getattr(event, "scheduled_run_times", None) or [None]
            when = times[-1]
        for listener in self._listeners:
            try:
                listener(event.job_id, outcome, when)
            except Exception:
                log.exception("scheduler listener failed for job %s", event.job_id)

    def every(self, minutes: float, job: Callable[[], Any], job_id: str) -> None:
        """Run ``job`` every ``minutes`` (replacing a job with the same id)."""
        self.every_seconds(max(1.0, minutes * 60), job, job_id)

    def every_seconds(self, seconds: float, job: Callable[[], Any], job_id: str) -> None:
        """Run ``job`` every ``seconds`` in memory (replacing a job with the same id)."""
        self._scheduler.add_job(
            job, "interval", seconds=seconds, id=job_id, name=job_id, replace_existing=True
        )

    def add_stored(
        self,
        job_id: str,
        func_ref: str,
        trigger: BaseTrigger,
        args: tuple[Any, ...],
        misfire_grace_seconds: int | None = None,
    ) -> None:
        """Put a job in the persistent store; ``func_ref`` is ``module:function`` text."""
        options: dict[str, Any] = {}
        if misfire_grace_seconds is not None:
            options["misfire_grace_time"] = misfire_grace_seconds
        self._scheduler.add_job(
            func_ref,
            trigger,
            args=args,
            id=job_id,
            name=job_id,
            jobstore=TASK_STORE,
            executor=TASK_STORE,
            replace_existing=True,
            **options,
        )

    def has(self, job_id: str) -> bool:
        return self._scheduler.get_job(job_id) is not None

    def next_run(self, job_id: str) -> datetime | None:
        """When the job fires next; None when it is paused, finished or unknown."""
        job = self._scheduler.get_job(job_id)
        when = getattr(job, "next_run_time", None) if job is not None else None
        return when if isinstance(when, datetime) else None

    def upcoming(self, job_id: str, count: int) -> list[datetime]:
        """The job's next ``count`` fire times, starting with its next run."""
        job = self._scheduler.get_job(job_id)
        when = getattr(job, "next_run_time", None) if job is not None else None
        times: list[datetime] = []
        while isinstance(when, datetime) and len(times) < count:
            times.append(when)
            following = job.trigger.get_next_fire_time(when, when + timedelta(microseconds=1))
            when = following if following is not None and following > when else None
        return times

    def pause(self, job_id: str) -> None:
        self._scheduler.pause_job(job_id)

    def resume(self, job_id: str) -> None:
        self._scheduler.resume_job(job_id)

    def remove(self, job_id: str) -> bool:
        """Remove a job; False when there was none."""
        try:
            self._scheduler.remove_job(job_id)
        except JobLookupError:
            return False
        return True

    def job_ids(self, store: str | None = None) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs(jobstore=store)]

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
