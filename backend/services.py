"""The long-lived services behind the API, created once per app."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from agents.manager import AgentManager
from agents.tools.audit import AuditLog
from agents.tools.builtin import default_registry
from agents.tools.mcp_sources import add_mcp_tools
from backend.automation.housekeeping import Housekeeping
from backend.automation.monitor import ResourceMonitor
from backend.automation.recovery import ModelWatch
from backend.automation.scheduler import Scheduler
from backend.automation.task_runs import TaskRunner
from backend.automation.tasks import TaskService
from backend.config import Settings
from backend.knowledge.service import KnowledgeService
from backend.llm.gateway import ModelGateway
from backend.llm.library import ModelLibrary
from backend.llm.service import ModelService
from backend.logging_setup import setup_logging
from backend.settings_service import SettingsService
from backend.storage import migrate
from backend.storage.db import Database
from backend.storage.problems import with_retries

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    models: ModelService
    agents: AgentManager
    knowledge: KnowledgeService | None
    scheduler: Scheduler
    tasks: TaskService
    monitor: ResourceMonitor
    watch: ModelWatch
    housekeeping: Housekeeping
    library: ModelLibrary
    # The Settings page's values: saved, configured for the next start, running now.
    settings_service: SettingsService = field(init=False)

    def __post_init__(self) -> None:
        self.settings_service = SettingsService(self.settings, self.apply_settings)

    def apply_settings(self, running: Settings) -> None:
        """Run with ``running`` from now on: each run reads its temperature, token and step
        budgets and passages per answer from these when it starts."""
        self.settings = running
        self.agents.settings = running

    @classmethod
    async def start(cls, settings: Settings) -> Services:
        """Migrate the database, start the model provider and the agent manager."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        setup_logging(settings.logs_dir, settings.log_level)
        migrate.upgrade(settings.database_path)
        db = Database(settings.database_path)
        models = ModelService(settings)
        knowledge = KnowledgeService(settings, db)
        gateway = ModelGateway(models.upstream, settings.tool_calls, settings.llm_retries)
        gateway.meter = models.throughput
        tools = default_registry(settings, db, knowledge, knowledge.embedder.encode)
        await asyncio.to_thread(add_mcp_tools, tools, settings)
        agents = AgentManager(settings, db, models, gateway, knowledge, tools, AuditLog(db))
        # Waited for when another program holds the database (a backup, a sync tool).
        interrupted = await asyncio.to_thread(with_retries, agents.recover, "marking runs")
        if interrupted:
            log.warning("%d run(s) were interrupted by the last shutdown", interrupted)
        knowledge.queue.should_yield = lambda: bool(agents.active)
        await asyncio.to_thread(knowledge.start)
        scheduler = Scheduler(db.engine, settings.task_misfire_grace_seconds)
        runner = TaskRunner(db, agents, settings.task_history_keep)
        runner.bind(asyncio.get_running_loop())
        tasks = TaskService(db, scheduler, runner, settings.task_misfire_grace_seconds)
        tasks.attach()
        await asyncio.to_thread(with_retries, tasks.recover, "marking task runs")
        if settings.reconcile_minutes > 0:
            scheduler.every(settings.reconcile_minutes, knowledge.reconcile, "knowledge-reconcile")
        monitor = await asyncio.to_thread(
            ResourceMonitor,
            db,
            settings.data_dir,
            settings.monitor_interval_seconds,
            model_pid=lambda: models.embedded.pid if models.embedded else None,
        )
        if settings.monitor_interval_seconds > 0:
            scheduler.every_seconds(
                settings.monitor_interval_seconds, monitor.sample, "resource-monitor"
            )
        housekeeping = Housekeeping(settings, db)
        if settings.backup_hours > 0:
            # Checked often, done rarely: a desktop that is on for an hour a day still gets one.
            scheduler.every(10, housekeeping.backup_if_due, "backup")
        scheduler.every(60, housekeeping.prune, "retention")
        scheduler.start()
        await asyncio.to_thread(tasks.sync)
        await models.start()
        watch = ModelWatch(
            models,
            settings.model_restart_retries,
            settings.model_backoff_seconds,
            settings.model_backoff_max_seconds,
            settings.model_degraded_retry_seconds,
        )
        if settings.model_health_seconds > 0:
            watch.start(settings.model_health_seconds)
        library = ModelLibrary(settings, models, busy=lambda: _runs_in_progress(agents))
        log.info("AgentDesk services started (data dir %s)", settings.data_dir)
        return cls(
            settings,
            db,
            models,
            agents,
            knowledge,
            scheduler,
            tasks,
            monitor,
            watch,
            housekeeping,
            library,
        )

    def model_status(self) -> dict[str, Any]:
        """The model's provider, state and detail, with its health-check record."""
        return {**self.models.health(), **self.watch.status()}

    async def stop(self) -> None:
        await asyncio.to_thread(self.library.stop)
        self.scheduler.stop()
        self.tasks.detach()
        await self.agents.shutdown()
        await self.tasks.runner.close()
        if self.agents.gateway is not None:
            await asyncio.to_thread(self.agents.gateway.stop)
        if self.knowledge is not None:
            await asyncio.to_thread(self.knowledge.stop)
        await self.watch.stop()
        await self.models.stop()
        self.monitor.close()
        self.db.dispose()


def _runs_in_progress(agents: AgentManager) -> int:
    """Runs a model switch would cut short: those running and those waiting for a slot."""
    running = sum(not run.finished for run in agents.active.values())
    return running + len(agents.waiting)
