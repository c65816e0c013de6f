"""``GET /api/health``: is AgentDesk up, and is its model ready?"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from backend import __version__
from backend.api.deps import ServicesDep
from backend.api.schemas.health import Health

router = APIRouter(tags=["health"])


@router.get("/api/health", response_model=Health)
async def health(services: ServicesDep) -> dict[str, Any]:
    """Overall status, version, model state and database reachability (never needs the token)."""
    database_ok = await asyncio.to_thread(services.db.ping)
    llm = services.models.health()
    healthy = database_ok and llm["state"] == "ready"
    return {
        "status": "ok" if healthy else "degraded",
        "version": __version__,
        "llm": llm,
        "database": {"ok": database_ok},
    }
