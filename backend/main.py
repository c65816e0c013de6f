"""The FastAPI app: ``create_app()`` builds it; ``uvicorn backend.main:app`` serves ``app``."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from backend import __version__
from backend.allocator import tune_allocator
from backend.api import (
    agent,
    conversations,
    errors,
    guards,
    health,
    json_text,
    knowledge,
    mcp_server,
    models,
    observability,
    openai_compat,
    system,
    tasks,
    workspace,
)
from backend.api import settings as settings_api
from backend.api.upload_limit import UploadLimit
from backend.config import Settings, get_settings
from backend.guesses import GuessThrottle
from backend.security import HostGuard, OriginGuard
from backend.services import Services

# Offline by construction: no library may reach a model hub or send telemetry.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "AUTOGEN_DISABLE_RUNTIME_TRACING": "true",
    "ANONYMIZED_TELEMETRY": "false",
}


def apply_offline_env() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def own_origins(settings: Settings) -> list[str]:
    """The browser origins of AgentDesk's own UI."""
    hosts = ["127.0.0.1", "localhost", *settings.allowed_hosts]
    if settings.host not in ("0.0.0.0", "::"):
        hosts.append(settings.host)
    return sorted({f"http://{h}:{settings.port}" for h in hosts})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API app; services start in its lifespan and stop when it ends."""
    apply_offline_env()
    # Before the embedding model allocates anything (see backend/allocator.py).
    tune_allocator()
    settings = settings or get_settings()
    mcp: mcp_server.McpEndpoint | None = None  # mounted below, once the app exists

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await Services.start(settings)
        services.scheduler.add_listener(telemetry.on_job)
        app.state.services = services
        try:
            async with mcp.running(services) if mcp is not None else nullcontext():
                yield
        finally:
            await services.stop()
            app.state.services = None

    app = FastAPI(
        title="AgentDesk",
        version=__version__,
        description="Local AI agent workbench: chat, knowledge base and automation.",
        lifespan=lifespan,
        # The interactive docs pages load their scripts from a CDN; the schema stays available.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.services = None
    # Wrong tokens, counted per client for the API and the dashboard's sign-in together.
    app.state.guesses = GuessThrottle()
    observability.install_request_ids()
    telemetry = observability.Telemetry(app)
    app.state.telemetry = telemetry
    errors.install(app)
    routers = (
        health.router,
        agent.router,
        conversations.router,
        knowledge.router,
        openai_compat.router,
        tasks.router,
        system.router,
        models.router,
        settings_api.router,
        workspace.router,
        observability.router,
    )
    for router in routers:
        app.include_router(router)
    mcp = mcp_server.mount(app, settings, own_origins(settings))
    # Innermost first: the guards answer 401/403/408/413/422/429 inside the observer, so they
    # count.
    app.add_middleware(json_text.UnicodeJson)
    app.add_middleware(guards.RateLimit, rule=settings.rate_limit)
    app.add_middleware(
        UploadLimit,
        per_file_bytes=int(settings.upload_max_mb * 1_000_000),
        # One file may always be as large as AGENTDESK_UPLOAD_MAX_MB allows.
        total_bytes=int(max(settings.upload_total_mb, settings.upload_max_mb) * 1_000_000),
    )
    app.add_middleware(guards.BodyLimit, max_bytes=settings.max_body_kb * 1024)
    app.add_middleware(guards.BodyTimeout, seconds=guards.CLIENT_TIMEOUT_SECONDS)
    app.add_middleware(guards.TokenGate, token=settings.api_token, throttle=app.state.guesses)
    app.add_middleware(OriginGuard, allowed=own_origins(settings))
    app.add_middleware(observability.RequestObserver, telemetry=telemetry)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=own_origins(settings),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
    )
    app.add_middleware(HostGuard, allowed=[*settings.allowed_hosts, settings.host])
    return app


def __getattr__(name: str) -> FastAPI:
    # ``uvicorn backend.main:app`` gets an app built from the environment on first access only,
    # so importing this module (as the UI does) does not read settings or build an app.
    if name == "app":
        application = create_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
