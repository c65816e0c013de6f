"""The Settings page: the editable settings as typed, a save, and a model-server test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import reflex as rx

from backend.api.schemas.settings import SettingsPage
from frontend import api_client, api_knowledge, api_settings
from frontend.state.settings_models import (
    FieldView,
    changes_of,
    check_value,
    saved_message,
    to_field_view,
)

# The providers in the words the page uses for them.
PROVIDERS = {
    "embedded": "built-in model",
    "openai_compatible": "OpenAI-compatible server",
    "fake": "scripted test model",
}


class SettingsState(rx.State):
    """The settings' inputs and what the page says beside them."""

    fields: list[FieldView] = []
    folders: list[str] = []
    model_name: str = ""
    model_file: str = ""
    model_provider: str = ""
    token_set: bool = False
    token_where: str = ""
    data_dir: str = ""
    store_path: str = ""
    store_problem: str = ""
    error: str = ""
    saved: str = ""
    saving: bool = False
    testing: bool = False
    connection_ok: bool = False
    connection: str = ""
    loaded: bool = False

    @rx.var
    def has_changes(self) -> bool:
        """Whether any input differs from what is saved."""
        return bool(changes_of(self.fields))

    @rx.var
    def has_errors(self) -> bool:
        return any(field.error for field in self.fields)

    @rx.event
    async def load_page(self) -> None:
        """Read the settings and the watched folders when the page opens."""
        self.saved, self.connection = "", ""
        try:
            page, folders = await asyncio.gather(api_settings.read(), api_knowledge.list_folders())
        except api_client.ApiError as error:
            self.error = error.message
            return
        self._show(page)
        self.folders = [str(folder.get("path", "")) for folder in folders]
        self.error, self.loaded = "", True

    def _show(self, page: SettingsPage) -> None:
        self.fields = [to_field_view(field) for field in page.settings]
        self.model_name, self.model_file = page.model.name, page.model.file
        self.model_provider = PROVIDERS.get(page.model.provider, page.model.provider)
        self.token_set, self.token_where = page.api_token.set, page.api_token.where
        self.data_dir, self.store_path = page.data_dir, page.store_path
        self.store_problem = page.store_problem

    @rx.event
    def set_value(self, key: str, value: str | list[str]) -> None:
        """Take what was typed or picked, and say at once if it breaks the setting's rules."""
        text = value if isinstance(value, str) else ""
        for field in self.fields:
            if field.key == key and not field.locked:
                field.value = text
                field.error = check_value(field, text)
        self.fields = list(self.fields)
        self.saved = ""

    @rx.event
    async def save(self) -> AsyncIterator[None]:
        """Send the changed settings; show what applies now and what after a restart."""
        changes = changes_of(self.fields)
        if self.has_errors or not changes:
            self.saved = "" if self.has_errors else "Nothing to save: no value was changed."
            return
        self.saving = True
        yield
        try:
            result = await api_settings.save(changes)
        except api_settings.SettingsRefused as refused:
            for field in self.fields:
                field.error = refused.errors.get(field.key, field.error)
            self.fields = list(self.fields)
            self.error = refused.message
        except api_client.ApiError as error:
            self.error = error.message
        else:
            self.saved = saved_message(result, self.fields)
            self._show(result.page)
            self.error = ""
        finally:
            self.saving = False

    @rx.event
    async def test_connection(self) -> AsyncIterator[None]:
        """Ask the server in the form (its address and key as typed) for its models; with the
        built-in model picked, ask the model server AgentDesk runs itself."""
        values = {field.key: field.value for field in self.fields}
        base_url = values.get("llm_base_url", "").strip()
        built_in = values.get("llm_provider") == "embedded"
        if not base_url and not built_in:
            self.connection_ok, self.connection = False, "Enter the server address first."
            return
        self.testing = True
        yield
        try:
            if built_in:
                result = await api_settings.check_built_in()
            else:
                result = await api_settings.check_server(base_url, values.get("llm_api_key", ""))
        except api_client.ApiError as error:
            self.connection_ok, self.connection = False, error.message
        else:
            models = ", ".join(result.models[:8]) + (" …" if len(result.models) > 8 else "")
            self.connection_ok = result.ok
            self.connection = result.message + (f" Models: {models}." if models else "")
        finally:
            self.testing = False
