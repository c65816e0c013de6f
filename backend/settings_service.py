"""What the Settings page shows and saves: each editable setting with its value, default,
limits and source, and a change checked, written to settings.json and applied.

Three sets of values are kept apart: what settings.json holds (``saved``), what AgentDesk will
start with next time (``configured``: environment and .env over settings.json over defaults)
and what it runs with now (``running``). A change that applies now reaches ``running`` at once,
so the next run reads it; one that needs a restart waits in ``configured``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import ValidationError

from backend.config import Settings
from backend.settings_fields import BY_KEY, EDITABLE, LIVE_KEYS, SECTIONS, EditableSetting
from backend.settings_store import (
    FROM_DOTENV,
    FROM_ENVIRONMENT,
    SettingsStore,
    field_errors,
)

NOT_EDITABLE = "is not a setting that can be changed here"


class SettingsRefused(Exception):
    """A change that was not saved; ``errors`` has one message per setting."""

    def __init__(self, message: str, errors: dict[str, str], status: int) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.status = status


def locked_reason(key: str, source: str) -> str:
    """Why ``key`` cannot be changed here, in the words the page shows."""
    name = f"AGENTDESK_{key.upper()}"
    if source == FROM_ENVIRONMENT:
        return f"set by {name} in the environment"
    if source == FROM_DOTENV:
        return f"set by {name} in .env"
    return "set by the program that started AgentDesk"


def _limits(key: str) -> dict[str, float | bool | None]:
    """The bounds Settings puts on ``key``; the page checks them before sending."""
    low: float | None = None
    high: float | None = None
    excluded = False
    for rule in Settings.model_fields[key].metadata:
        if isinstance(rule, Ge):
            low = float(rule.ge)  # type: ignore[arg-type]
        elif isinstance(rule, Gt):
            low, excluded = float(rule.gt), True  # type: ignore[arg-type]
        elif isinstance(rule, Le):
            high = float(rule.le)  # type: ignore[arg-type]
        elif isinstance(rule, Lt):
            high = float(rule.lt)  # type: ignore[arg-type]
    return {"minimum": low, "maximum": high, "minimum_excluded": excluded}


def _kind(setting: EditableSetting) -> str:
    if setting.secret:
        return "secret"
    if setting.choices:
        return "choice"
    annotation = Settings.model_fields[setting.key].annotation
    return {int: "integer", float: "number"}.get(annotation, "text")  # type: ignore[arg-type]


def _choices(setting: EditableSetting, value: Any) -> tuple[tuple[str, str], ...]:
    # The scripted test model is not offered, but a page running on it must still show it.
    if setting.key == "llm_provider" and value == "fake":
        return (*setting.choices, ("fake", "Scripted test model"))
    return setting.choices


def _plain(settings: Settings, key: str) -> Any:
    return settings.model_dump(mode="json", include={key})[key]


def default_of(key: str) -> Any:
    value = Settings.model_fields[key].get_default(call_default_factory=True)
    return getattr(value, "value", value)


class SettingsService:
    """The Settings page's values; ``apply`` hands the running settings to the services."""

    def __init__(self, running: Settings, apply: Callable[[Settings], None]) -> None:
        self.running = running
        self.configured = running
        self.store = SettingsStore(running.data_dir)
        # A saved value start-up left out (it broke a rule) is not shown as in use, and the
        # next save drops it; one the environment overrules is kept for when it no longer does.
        self.saved = {
            key: value
            for key, value in self.store.read().items()
            if key in running._fixed or _plain(running, key) == value
        }
        self._apply = apply
        # Two saves at once would each write the file from the same starting point.
        self._lock = threading.Lock()

    def fixed(self) -> dict[str, str]:
        return dict(self.configured._fixed)

    def source(self, key: str) -> str:
        fixed = self.fixed().get(key)
        if fixed:
            return fixed
        return "settings.json" if key in self.saved else "default"

    def describe(self) -> dict[str, Any]:
        """Every editable setting, its section, and the facts shown beside them."""
        return {
            "sections": [asdict(section) for section in SECTIONS],
            "settings": [self._field(setting) for setting in EDITABLE],
            "data_dir": str(self.running.data_dir.resolve()),
            "store_path": str(self.store.path),
            "store_problem": self.store.problem,
            "api_token": self._token(),
        }

    def _field(self, setting: EditableSetting) -> dict[str, Any]:
        key = setting.key
        value = _plain(self.configured, key)
        source = self.source(key)
        locked = key in self.fixed()
        secret = setting.secret
        return {
            "key": key,
            "section": setting.section,
            "label": setting.label,
            "help": setting.help,
            "kind": _kind(setting),
            # A secret is never sent back: the page only learns whether one is set.
            "value": "" if secret else value,
            "is_set": bool(value),
            "default": "" if secret else default_of(key),
            **_limits(key),
            "choices": [{"value": v, "label": label} for v, label in _choices(setting, value)],
            "locked": locked,
            "source": source,
            "locked_reason": locked_reason(key, source) if locked else "",
            "applies": setting.applies,
            "pending_restart": getattr(self.configured, key) != getattr(self.running, key),
        }

    def _token(self) -> dict[str, Any]:
        source = self.fixed().get("api_token", "")
        where = (
            locked_reason("api_token", source)
            if source
            else "AGENTDESK_API_TOKEN in the environment or .env sets one (AgentDesk asks for it "
            "whenever it listens beyond this computer)"
        )
        return {"set": bool(self.running.api_token), "where": where}

    def update(self, changes: Mapping[str, Any]) -> dict[str, list[str]]:
        """Check ``changes`` against the same rules as start-up, save them and apply what can
        be applied now. Raises :class:`SettingsRefused` and saves nothing on any problem."""
        with self._lock:
            return self._update(changes)

    def _update(self, changes: Mapping[str, Any]) -> dict[str, list[str]]:
        unknown = {key: NOT_EDITABLE for key in changes if key not in BY_KEY}
        if unknown:
            raise SettingsRefused(f"Not saved: {', '.join(unknown)} {NOT_EDITABLE}.", unknown, 422)
        fixed = self.fixed()
        locked = {key: locked_reason(key, fixed[key]) for key in changes if key in fixed}
        if locked:
            names = "; ".join(f"{BY_KEY[key].label} is {why}" for key, why in locked.items())
            raise SettingsRefused(f"Not saved: {names}. Change it there.", locked, 409)
        # An empty secret keeps the saved one: the page never has it to send back.
        wanted = {k: v for k, v in changes.items() if not (BY_KEY[k].secret and v in ("", None))}
        try:
            candidate = Settings(**{**self.configured.model_dump(), **wanted, "_env_file": None})
        except ValidationError as error:
            errors = field_errors(error)
            raise SettingsRefused("Not saved: " + _listed(errors), errors, 422) from None
        candidate._fixed = fixed
        saved = dict(self.saved)
        for key in wanted:
            value = _plain(candidate, key)
            # A value put back to its default follows the default from then on.
            if value == default_of(key):
                saved.pop(key, None)
            else:
                saved[key] = value
        self.store.write(saved)
        self.saved, self.configured = saved, candidate
        self.running = self.running.model_copy(
            update={key: getattr(candidate, key) for key in LIVE_KEYS}
        )
        self._apply(self.running)
        return {
            "applied_now": [key for key in wanted if key in LIVE_KEYS],
            "after_restart": [key for key in wanted if key not in LIVE_KEYS],
        }


def _listed(errors: Mapping[str, str]) -> str:
    return "; ".join(
        f"{BY_KEY[key].label if key in BY_KEY else key}: {message}"
        for key, message in errors.items()
    )
