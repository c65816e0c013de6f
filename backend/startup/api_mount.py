"""Serve the FastAPI app inside the Reflex server, with its lifespan intact.

Reflex mounts the app given as ``api_transformer`` under its own Starlette app, and Starlette
never sends lifespan events to mounted apps: without this bridge the API's start-up work
(database migrations, model server) would silently not run.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


class MountedApi:
    """Runs a mounted ASGI app's lifespan as a Reflex lifespan task."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.state: MutableMapping[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Enter the API's lifespan for as long as the Reflex server runs."""
        async with self.api.router.lifespan_context(self.api) as state:
            # A lifespan may yield request state; requests only see it if it is passed on.
            self.state = dict(state or {})
            yield

    def with_state(self, app: ASGIApp) -> ASGIApp:
        """Wrap ``app`` so each request sees the state the API's lifespan yielded."""

        async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
            if self.state and scope["type"] in ("http", "websocket"):
                scope.setdefault("state", {}).update(self.state)
            await app(scope, receive, send)

        return asgi
