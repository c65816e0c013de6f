"""``/api/system``: live resource stats and their history for the System page, and Quit."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi import Query as Param
from fastapi.responses import JSONResponse

from backend import lifecycle
from backend.api.deps import Authorized, ServicesDep
from backend.api.schemas import system as schema
from backend.services import Services

router = APIRouter(prefix="/api/system", tags=["system"], dependencies=[Authorized])


def _knowledge(services: Services) -> dict[str, Any]:
    if services.knowledge is None:
        return {"index": None, "ingest": None}
    status = services.knowledge.status()
    ingest = {
        key: status[key]
        for key in ("queue_length", "files_per_second", "chunks_per_second", "eta_seconds")
    }
    return {"index": status["index"], "ingest": {**ingest, "totals": status["totals"]}}


def stats_of(services: Services) -> dict[str, Any]:
    """Everything the System page shows at one moment."""
    monitor = services.monitor
    sample = monitor.latest().as_dict()
    gpus = sample.pop("gpus")
    return {
        "ts": sample["ts"],
        "cpu_percent": sample["cpu_percent"],
        "memory": {
            "percent": sample["memory_percent"],
            "used_mb": sample["memory_used_mb"],
            "total_mb": sample["memory_total_mb"],
        },
        "disk": {
            "percent": sample["disk_percent"],
            "free_gb": sample["disk_free_gb"],
            "path": str(monitor.disk_path),
        },
        "process": {
            "rss_mb": sample["process_rss_mb"],
            "cpu_percent": sample["process_cpu_percent"],
        },
        "total": {
            "rss_mb": sample["total_rss_mb"],
            "cpu_percent": sample["total_cpu_percent"],
            "processes": sample["processes"],
        },
        "model_server": {
            "running": sample["model_rss_mb"] is not None,
            "rss_mb": sample["model_rss_mb"],
            "cpu_percent": sample["model_cpu_percent"],
        },
        "gpu": {
            "available": monitor.gpu.available,
            "detail": monitor.gpu.detail,
            "percent": sample["gpu_percent"],
            "memory_percent": sample["gpu_memory_percent"],
            "devices": gpus,
        },
        "model": services.model_status(),
        **_knowledge(services),
        "agents": {"active": len(services.agents.active), "queued": len(services.agents.waiting)},
        "tasks": {"running": len(services.tasks.runner.running)},
        "monitor": {"interval_seconds": monitor.interval_seconds, **monitor.cost()},
        "housekeeping": services.housekeeping.status(),
    }


@router.get("/stats", response_model=schema.SystemStats)
async def stats(services: ServicesDep) -> dict[str, Any]:
    """The latest sample of CPU, memory, disk, GPU, AgentDesk (this process, the model server
    it started, and all it runs together), model and index state."""
    return await asyncio.to_thread(stats_of, services)


@router.get("/history", response_model=schema.SystemHistory)
async def history(
    services: ServicesDep,
    minutes: float = Param(default=60, gt=0, le=7 * 24 * 60),
    points: int = Param(default=360, ge=2, le=5000),
) -> dict[str, Any]:
    """Series for charts: ``{"series": {"ts": [...], "cpu_percent": [...], ...}}``; the last
    hour at 5 s from memory, longer spans from the per-minute history."""
    return await asyncio.to_thread(services.monitor.history, minutes, points)


# Long enough for the answer to reach the browser before the server stops listening.
SHUTDOWN_DELAY_SECONDS = 0.3


@router.post("/shutdown", status_code=202, response_model=schema.Stopping)
async def shutdown(request: Request) -> JSONResponse:
    """Stop AgentDesk and everything it started (the UI's Quit button).

    Only a JSON request is accepted: a browser cannot send one from another site without a
    CORS preflight, which AgentDesk refuses, so a web page cannot quit the app behind your back.
    """
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise HTTPException(415, "Send the stop request as JSON (Content-Type: application/json)")
    if lifecycle.shutdown_handler() is None:
        raise HTTPException(
            409,
            "This AgentDesk was not started by its launcher (run.py or the desktop app), so it "
            "cannot stop itself from here: stop it where it was started (Ctrl+C).",
        )
    asyncio.get_running_loop().call_later(SHUTDOWN_DELAY_SECONDS, lifecycle.request_shutdown)
    return JSONResponse({"message": "AgentDesk is stopping."}, status_code=202)
