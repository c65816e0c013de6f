"""The model service: picks the provider from settings, starts it and reports its state."""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx

from backend.config import LLMProvider, Settings
from backend.llm.catalog import BUILTIN_ALIAS
from backend.llm.client import ChatClient, ClientOptions, ModelEndpoint
from backend.llm.embedded import EmbeddedServer
from backend.llm.errors import ModelUnavailable
from backend.llm.throughput import ThroughputMeter

log = logging.getLogger(__name__)

EMBEDDED_ALIAS = BUILTIN_ALIAS


class ModelState(StrEnum):
    starting = "starting"
    downloading = "downloading"
    ready = "ready"
    down = "down"
    # Set by the health watch (backend.automation.recovery).
    recovering = "recovering"
    degraded = "degraded"


class ModelService:
    """Owns the connection to the model, whichever provider serves it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.provider = settings.llm_provider
        self.state = ModelState.starting
        self.detail = ""
        # While the embedded model is fetched: stage, percent and bytes, for the UI's banner.
        self.progress: dict[str, Any] | None = None
        self.model_name = settings.llm_model
        self.base_url = settings.llm_base_url
        self.embedded: EmbeddedServer | None = None
        self._fake: Any = None
        self._client: ChatClient | None = None
        self.throughput = ThroughputMeter()
        self._task: asyncio.Task[None] | None = None
        # One restart or model switch at a time (the health watch may want one meanwhile).
        self._restarting = asyncio.Lock()

    async def start(self) -> None:
        """Bring the provider up; the embedded model loads in the background."""
        if self.provider is LLMProvider.fake:
            self._start_fake()
            self._mark_ready()
        elif self.provider is LLMProvider.openai_compatible:
            await self.check()
        else:
            self._task = asyncio.create_task(self._start_embedded(), name="embedded-model")

    def _start_fake(self) -> None:
        from backend.llm.fake_server import FakeOpenAIServer, load_rules

        rules = load_rules(self.settings.fake_rules) if self.settings.fake_rules else None
        self._fake = FakeOpenAIServer(rules).start()
        self.base_url = self._fake.base_url
        self.model_name = self.model_name or "fake-model"

    async def _start_embedded(self) -> None:
        from backend.llm.model_choice import alias_for
        from backend.llm.model_fetch import ProgressEvent, ensure_model

        def on_progress(event: ProgressEvent) -> None:
            if event.bytes_total:
                percent = 100 * event.bytes_done / event.bytes_total
                self.detail = f"{event.stage} {percent:.0f}%"
                self.progress = {
                    "stage": event.stage,
                    "percent": round(percent, 1),
                    "bytes_done": event.bytes_done,
                    "bytes_total": event.bytes_total,
                }

        try:
            self.state = ModelState.downloading
            try:
                path = await asyncio.to_thread(ensure_model, self.settings, on_progress)
            finally:
                self.progress = None
            self.state = ModelState.starting
            self.detail = f"loading {path.name}"
            self.embedded = EmbeddedServer(
                path,
                n_ctx=self.settings.context_size,
                threads=self.settings.cpu_threads,
                alias=alias_for(path),
                port=self.settings.model_port,
            )
            await self.embedded.start()
            self.base_url = self.embedded.base_url
            self.model_name = self.settings.llm_model or self.embedded.alias
            self._mark_ready()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self.state = ModelState.down
            self.detail = str(error)
            log.error("embedded model failed to start: %s", error)

    def adopt(self, server: EmbeddedServer) -> None:
        """Serve from an embedded server that is already running (tests, and a warm restart)."""
        self.embedded = server
        self.base_url = server.base_url
        self.model_name = self.model_name or server.alias
        self._mark_ready()

    async def probe(self) -> bool:
        """One quick look: does the model server answer right now? (changes no state)"""
        timeout = self.settings.llm_connect_timeout
        if self.provider is LLMProvider.embedded:
            return self.embedded is not None and await self.embedded.healthy(timeout)
        key = self.settings.llm_api_key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
            async with httpx.AsyncClient(timeout=timeout, trust_env=False) as http:
                response = await http.get(f"{self.base_url}/models", headers=headers)
            return response.status_code == 200
        except httpx.HTTPError:
            return False

    async def restart(self) -> None:
        """Bring the embedded server up again (a remote server can only be probed again)."""
        if self.provider is not LLMProvider.embedded:
            return
        waited = self._restarting.locked()
        async with self._restarting:
            if waited and self.embedded is not None and await self.embedded.healthy():
                return  # a model switch restarted it meanwhile; once is enough
            if self.embedded is None:
                await self._start_embedded()  # the first start failed: fetch and load again
                return
            await self.embedded.restart()

    async def switch_model(self, path: Path, alias: str) -> None:
        """Serve ``path`` instead of the current model, without restarting the app.

        The model server child is stopped and started again with the new file; meanwhile the
        state is ``starting``, so new runs are told to wait. Raises ModelUnavailable (state
        ``down``) when the new model does not load.
        """
        if self._task is not None and not self._task.done():
            self._task.cancel()  # the first start is still loading the old model
            await asyncio.gather(self._task, return_exceptions=True)
        async with self._restarting:
            self.state, self.detail = ModelState.starting, f"switching to {path.name}"
            if self.embedded is None:
                self.embedded = EmbeddedServer(
                    path,
                    n_ctx=self.settings.context_size,
                    threads=self.settings.cpu_threads,
                    alias=alias,
                    port=self.settings.model_port,
                )
            else:
                await self.embedded.stop()
                self.embedded.model, self.embedded.alias = path, alias
            try:
                await self.embedded.restart()
            except Exception as error:
                self.state, self.detail = ModelState.down, str(error)
                raise ModelUnavailable(f"{path.name} did not load: {error}") from error
            self.base_url = self.embedded.base_url
            self.model_name = self.settings.llm_model or alias
            self._mark_ready()

    def mark(self, state: ModelState, detail: str = "") -> None:
        """Set the state from outside (the health watch); ``ready`` clears the detail."""
        if state is ModelState.ready:
            if self.state is not ModelState.ready:
                self._mark_ready()
            return
        self.state, self.detail = state, detail

    def _mark_ready(self) -> None:
        self.state = ModelState.ready
        self.detail = ""
        log.info("model ready: %s at %s", self.model_name, self.base_url)

    def client(self) -> ChatClient:
        """A client for the current model; raises ModelUnavailable when it cannot serve."""
        if self.provider is LLMProvider.embedded and self.state is not ModelState.ready:
            reason = self.detail or self.state.value
            if self.state in (ModelState.down, ModelState.degraded):
                raise ModelUnavailable(f"the embedded model is not running: {reason}")
            raise ModelUnavailable(f"the embedded model is not ready yet ({reason})")
        client = self._client
        if client is None or (client.options.base_url, client.options.model) != (
            self.base_url,
            self.model_name,
        ):
            client = self._client = ChatClient(
                ClientOptions(
                    base_url=self.base_url,
                    api_key=self.settings.llm_api_key,
                    model=self.model_name,
                    timeout=self.settings.llm_timeout,
                    connect_timeout=self.settings.llm_connect_timeout,
                    retries=self.settings.llm_retries,
                )
            )
            client.meter = self.throughput
        return client

    def upstream(self) -> ModelEndpoint:
        """Where the model gateway forwards runs' calls; raises ModelUnavailable when down."""
        client = self.client()
        return ModelEndpoint(client.options.base_url, self.settings.llm_api_key, self.model_name)

    async def check(self) -> bool:
        """Probe the model server and update the state; True when it answers."""
        if self.provider is LLMProvider.embedded and self.state is not ModelState.ready:
            return False
        try:
            models = await self.client().list_models()
        except ModelUnavailable as error:
            self.state = ModelState.down
            self.detail = str(error)
            return False
        if not self.model_name and models:
            self.model_name = models[0]
        self._mark_ready()
        return True

    def health(self) -> dict[str, Any]:
        """Provider, state, model, detail, and tokens per second over the recent calls."""
        return {
            "provider": self.provider.value,
            "state": self.state.value,
            "model": self.model_name,
            "detail": self.detail,
            "tokens_per_second": self.throughput.rate(),
            "progress": self.progress,
        }

    async def stop(self) -> None:
        """Stop whatever this service started."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.embedded is not None:
            await self.embedded.stop()
        if self._fake is not None:
            self._fake.stop()
        if self._client is not None:
            await self._client.aclose()
