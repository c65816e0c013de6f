"""The long-lived services behind the API, created once per app."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from agents.manager import AgentManager
from backend.config import Settings
from backend.llm.service import ModelService
from backend.logging_setup import setup_logging
from backend.storage import migrate
from backend.storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    models: ModelService
    agents: AgentManager

    @classmethod
    async def start(cls, settings: Settings) -> Services:
        """Migrate the database, start the model provider and the agent manager."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        setup_logging(settings.logs_dir, settings.log_level)
        migrate.upgrade(settings.database_path)
        db = Database(settings.database_path)
        models = ModelService(settings)
        agents = AgentManager(settings, db, models)
        interrupted = agents.recover()
        if interrupted:
            log.warning("%d run(s) were interrupted by the last shutdown", interrupted)
        await models.start()
        log.info("AgentDesk services started (data dir %s)", settings.data_dir)
        return cls(settings, db, models, agents)

    async def stop(self) -> None:
        await self.agents.shutdown()
        await self.models.stop()
        self.db.dispose()
