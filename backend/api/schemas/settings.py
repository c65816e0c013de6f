"""``/api/settings``: the editable settings, a change's outcome, a connection test."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from backend.api.schemas.base import ApiModel

Value = bool | int | float | str | None


class Choice(ApiModel):
    value: str
    label: str


class SettingField(ApiModel):
    """One editable setting. ``source`` is ``default``, ``settings.json``, or, when
    ``locked``, ``environment``, ``.env`` or ``start-up`` (``locked_reason`` says it in words).
    A secret's ``value`` is always empty: ``is_set`` says whether one is saved."""

    key: str
    section: str
    label: str
    help: str
    kind: Literal["number", "integer", "text", "secret", "choice"]
    value: Value
    is_set: bool
    default: Value
    minimum: float | None
    maximum: float | None
    # True when ``minimum`` itself is not allowed (the value must be greater).
    minimum_excluded: bool
    choices: list[Choice]
    locked: bool
    source: str
    locked_reason: str
    # "now": the next run uses a change; "restart": it is used from the next start.
    applies: Literal["now", "restart"]
    # Saved, but AgentDesk still runs with the value it started with.
    pending_restart: bool


class SettingsSection(ApiModel):
    id: str
    title: str
    help: str


class ApiTokenInfo(ApiModel):
    """Whether the API asks for a token; the token itself is never sent."""

    set: bool
    where: str


class ActiveModel(ApiModel):
    """The model AgentDesk runs now: its provider, name and, when built in, its file."""

    provider: str
    name: str
    file: str


class SettingsPage(ApiModel):
    """``GET /api/settings``."""

    sections: list[SettingsSection]
    settings: list[SettingField]
    data_dir: str
    store_path: str
    # Why settings.json was ignored (unreadable, not JSON); empty when it is fine.
    store_problem: str
    api_token: ApiTokenInfo
    model: ActiveModel


class SettingsSaved(ApiModel):
    """``PUT /api/settings``: which changed settings apply now and which after a restart."""

    applied_now: list[str]
    after_restart: list[str]
    page: SettingsPage


class ConnectionTest(BaseModel):
    """``POST /api/settings/test-connection``: an empty ``api_key`` uses the saved one when
    ``base_url`` is the saved server's; ``built_in`` tests the model AgentDesk runs itself."""

    base_url: str = Field("", description="The server's OpenAI API address, e.g. http://host/v1")
    api_key: str = ""
    built_in: bool = Field(
        False, description="Test the built-in model's server instead (base_url is not used)"
    )


class ConnectionResult(ApiModel):
    ok: bool
    message: str
    models: list[str]
