"""The FastAPI app mounted in Reflex still runs its lifespan and passes on its state."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import reflex as rx
from fastapi import FastAPI, Request

from backend.startup.api_mount import MountedApi


def _api(events: list[str]) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
        events.append("started")
        yield {"greeting": "hello"}
        events.append("stopped")

    api = FastAPI(lifespan=lifespan)

    @api.get("/api/greeting")
    async def greeting(request: Request) -> dict[str, str]:
        return {"greeting": request.state.greeting}

    return api


async def test_reflex_runs_the_mounted_apis_lifespan() -> None:
    events: list[str] = []
    mounted = MountedApi(_api(events))
    app = rx.App(api_transformer=[mounted.api, mounted.with_state])
    app.register_lifespan_task(mounted.lifespan)

    async with app._run_lifespan_tasks(None):
        assert events == ["started"]
    assert events == ["started", "stopped"]


async def test_requests_see_the_lifespan_state() -> None:
    mounted = MountedApi(_api([]))
    async with mounted.lifespan():
        transport = httpx.ASGITransport(app=mounted.with_state(mounted.api))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            response = await client.get("/api/greeting")
    assert response.json() == {"greeting": "hello"}
