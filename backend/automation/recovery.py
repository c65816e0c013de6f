"""ModelWatch: checks the model every 30 s and brings it back when it stops answering.

On a failed check the embedded server is restarted (a remote server is probed again) with
exponential backoff; after the retry cap the model is marked ``degraded`` and the API and UI
say so. While degraded it is tried again now and then, and any check that passes returns it
to healthy.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from backend.llm.service import ModelService, ModelState

log = logging.getLogger(__name__)

# Still being fetched or loaded the first time: ModelService reports that on its own.
NOT_STARTED = (ModelState.starting, ModelState.downloading)


class ModelWatch:
    """Health checks and recovery for one ModelService."""

    def __init__(
        self,
        models: ModelService,
        retries: int = 3,
        backoff_seconds: float = 2.0,
        backoff_max_seconds: float = 60.0,
        degraded_retry_seconds: float = 600.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.models = models
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.backoff_max_seconds = backoff_max_seconds
        self.degraded_retry_seconds = degraded_retry_seconds
        self.sleep = sleep
        self.clock = clock
        self.health = "waiting"  # waiting | healthy | recovering | degraded
        self.restarts = 0
        self.failed_checks = 0
        self.last_check_at: datetime | None = None
        self.last_error = ""
        self._retry_at = 0.0
        self._task: asyncio.Task[None] | None = None

    def backoff(self, attempt: int) -> float:
        """The pause before restart number ``attempt`` (1, 2, ...): doubling, capped."""
        return float(min(self.backoff_seconds * 2 ** (attempt - 1), self.backoff_max_seconds))

    async def check_once(self) -> str:
        """One health check, and recovery if it fails; returns the health afterwards."""
        try:
            return await self._check()
        finally:
            self.last_check_at = datetime.now(UTC)

    async def _check(self) -> str:
        if self.models.state in NOT_STARTED and self.health == "waiting":
            return self.health
        if await self.models.probe():
            self._healthy()
            return self.health
        self.failed_checks += 1
        if self.health == "degraded":
            if self.clock() >= self._retry_at:
                await self._attempt(self.retries + 1)
                if self.health != "healthy":
                    self._degrade()
            return self.health
        log.warning("the model stopped answering (%s); recovering", self._what())
        self.health = "recovering"
        for attempt in range(1, self.retries + 1):
            self.models.mark(
                ModelState.recovering, f"restart {attempt} of {self.retries} after a failed check"
            )
            await self.sleep(self.backoff(attempt))
            if await self._attempt(attempt):
                return self.health
        self._degrade()
        return self.health

    async def _attempt(self, attempt: int) -> bool:
        try:
            await self.models.restart()
            ok = await self.models.probe()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self.last_error = str(error) or type(error).__name__
            ok = False
        if ok:
            self.restarts += 1
            log.info("the model is back after restart %d", attempt)
            self._healthy()
        elif not self.last_error:
            self.last_error = "the model server did not answer"
        return ok

    def _healthy(self) -> None:
        if self.health in ("recovering", "degraded"):
            log.info("model healthy again (%s)", self._what())
        self.health = "healthy"
        self.last_error = ""
        self.models.mark(ModelState.ready)

    def _degrade(self) -> None:
        self.health = "degraded"
        self._retry_at = self.clock() + self.degraded_retry_seconds
        detail = f"not answering after {self.retries} restart(s): {self.last_error}"
        self.models.mark(ModelState.degraded, detail)
        log.error("model degraded: %s", detail)

    def _what(self) -> str:
        return f"{self.models.provider.value} at {self.models.base_url or 'no address yet'}"

    def status(self) -> dict[str, Any]:
        """Health, restarts and the last check, for the API and the metrics."""
        return {
            "health": self.health,
            "restarts": self.restarts,
            "failed_checks": self.failed_checks,
            "last_check_at": self.last_check_at.isoformat() if self.last_check_at else None,
            "last_error": self.last_error or None,
        }

    def start(self, interval_seconds: float) -> None:
        """Check every ``interval_seconds`` on the event loop (the checks are async I/O)."""
        self._task = asyncio.create_task(self._loop(interval_seconds), name="model-watch")

    async def _loop(self, interval_seconds: float) -> None:
        # The first check waits one interval: at start the provider reports its own state.
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.check_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("model health check failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
