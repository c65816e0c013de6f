"""The Models page: which models there are, their downloads, and switching the active one."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, ClassVar

import reflex as rx

from backend.api.schemas.models import ModelCatalog
from frontend import api_client, api_models
from frontend.state.models_view import ModelCard, memory_words, to_cards
from frontend.state.page_watcher import PageWatcher


class ModelsState(PageWatcher, rx.State):
    """The cards, refreshed every second while the page is open (a download moves)."""

    _poll_seconds: ClassVar[float] = 1.0

    cards: list[ModelCard] = []
    memory: str = ""
    models_dir: str = ""
    note: str = ""
    error: str = ""
    message: str = ""
    # The model being switched to while the model server restarts ("" otherwise).
    switching: str = ""
    add_path: str = ""
    add_error: str = ""
    loaded: bool = False

    @rx.event
    async def load_page(self) -> None:
        """Read the models when the page opens."""
        self._show(*await _fetch())

    def _poll_read(self) -> Awaitable[Any]:
        return _fetch()

    def _poll_apply(self, polled: Any) -> None:
        self._show(*polled)

    def _show(self, catalog: dict[str, Any] | None, error: str) -> None:
        if catalog is not None:
            parsed = ModelCatalog.model_validate(catalog)
            self.cards = to_cards(parsed)
            self.memory = memory_words(parsed)
            self.models_dir = parsed.models_dir
            self.note = parsed.note
            self.loaded = True
        self.error = error

    async def _refresh(self) -> None:
        catalog, error = await _fetch()
        self._show(catalog, error or self.error)

    @rx.event
    async def download(self, model_id: str, anyway: bool = False) -> None:
        """Start downloading; ``anyway`` when the card warned that it may not fit."""
        self.error = self.message = ""
        try:
            await api_models.download(model_id, confirm=anyway)
        except api_client.ApiError as error:
            self.error = error.message
        await self._refresh()

    @rx.event
    async def cancel_download(self) -> None:
        """Stop the running download; what arrived is deleted."""
        try:
            await api_models.cancel_download()
        except api_client.ApiError as error:
            self.error = error.message
        await self._refresh()

    @rx.event
    async def remove(self, model_id: str) -> None:
        """Delete a downloaded model, or take an added file off the list."""
        self.error = self.message = ""
        try:
            self.message = await api_models.remove(model_id)
        except api_client.ApiError as error:
            self.error = error.message
        await self._refresh()

    @rx.event
    def set_add_path(self, value: str) -> None:
        """The path typed in the form; a new path clears the last complaint."""
        self.add_path = value
        self.add_error = ""

    @rx.event
    async def add_model(self) -> None:
        """List the GGUF file at the typed path, or say why it cannot be."""
        self.message = ""
        try:
            entry = await api_models.add(self.add_path)
        except api_client.ApiError as error:
            self.add_error = error.message
            return
        self.add_path, self.add_error = "", ""
        self.message = f"Added {entry.get('name', 'the model')}. Press “Use this model” to run it."
        await self._refresh()

    @rx.event(background=True)
    async def activate(self, model_id: str, anyway: bool = False) -> None:
        """Switch to this model; the page keeps polling while the model server restarts."""
        async with self:
            if self.switching:
                return
            self.switching, self.error, self.message = model_id, "", ""
        try:
            message, problem = await api_models.activate(model_id, confirm=anyway), ""
        except api_client.ApiError as error:
            message, problem = "", error.message
        catalog, error = await _fetch()
        async with self:
            self.switching = ""
            self._show(catalog, problem or error)
            self.message = message


async def _fetch() -> tuple[dict[str, Any] | None, str]:
    """The models and their states, or ``None`` and the reason."""
    try:
        return await api_models.catalog(), ""
    except api_client.ApiError as error:
        return None, error.message
