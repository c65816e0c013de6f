"""``settings.json`` in the data folder: the values changed on the Settings page.

Precedence: an environment variable or a ``.env`` line, then ``settings.json``, then the
default. A value the environment (or ``.env``, or the code that started AgentDesk) sets is
*fixed*: the Settings page shows it locked with where it comes from, and the API refuses to
change it, since a saved value would be overruled at the next start anyway.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from backend.config import Settings
from backend.settings_fields import BY_KEY

log = logging.getLogger(__name__)

STORE_NAME = "settings.json"
# Where a settings.json that could not be read is kept when a save replaces it.
UNREADABLE_NAME = "settings.json.unreadable"

# Where a fixed value comes from, as the Settings page says it.
FROM_ENVIRONMENT = "environment"
FROM_DOTENV = ".env"
FROM_STARTUP = "start-up"


class SettingsStore:
    """Reads and replaces ``<data_dir>/settings.json``; ``problem`` says why it was ignored."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / STORE_NAME
        self.problem = ""

    def read(self) -> dict[str, Any]:
        """The saved values of the editable settings. A missing file holds none; an unreadable
        one is reported in ``problem`` and ignored, so AgentDesk still starts."""
        self.problem = ""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as error:
            return self._ignored(f"cannot be read ({error})")
        try:
            values = json.loads(text)
        except ValueError as error:
            return self._ignored(f"is not valid JSON ({error})")
        if not isinstance(values, dict):
            return self._ignored("does not hold a JSON object")
        return {key: value for key, value in values.items() if key in BY_KEY}

    def _ignored(self, why: str) -> dict[str, Any]:
        self.problem = (
            f"{self.path} {why}: its values are not used. Saving on the Settings page writes a "
            f"new one (the old one is kept as {UNREADABLE_NAME})."
        )
        log.warning("%s", self.problem)
        return {}

    def write(self, values: Mapping[str, Any]) -> None:
        """Replace the file in one step: a crash leaves the old file or the new one, never half
        of either. The file may hold an API key, so only its owner can read it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.problem and self.path.exists():
            os.replace(self.path, self.path.with_name(UNREADABLE_NAME))
        descriptor, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=".settings-", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(dict(values), handle, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
        self.problem = ""


def field_errors(error: ValidationError) -> dict[str, str]:
    """One message per setting; a rule across settings goes to the one its message names."""
    found: dict[str, str] = {}
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        key = str(item["loc"][0]) if item["loc"] else _named_in(message)
        found.setdefault(key, message)
    return found


def _named_in(message: str) -> str:
    # The setting a rule's message names first is the one it asks to fix.
    names: list[str] = re.findall(r"AGENTDESK_([A-Z0-9_]+)", message)
    for name in names:
        if name.lower() in BY_KEY:
            return name.lower()
    return "settings"


def fixed_by(settings: Settings, overrides: Mapping[str, object]) -> dict[str, str]:
    """Where each explicitly set value of ``settings`` (read without settings.json) comes from."""
    environment = {name.lower() for name, value in os.environ.items() if value}
    env_file = overrides.get("_env_file", Settings.model_config.get("env_file"))
    dotenv = _dotenv_names(env_file)
    found = {}
    for key in settings.model_fields_set:
        name = f"agentdesk_{key}"
        if key in overrides:
            found[key] = FROM_STARTUP
        elif name in environment:
            found[key] = FROM_ENVIRONMENT
        elif name in dotenv:
            found[key] = FROM_DOTENV
    return found


def _dotenv_names(env_file: object) -> set[str]:
    from dotenv import dotenv_values

    files = env_file if isinstance(env_file, (list, tuple)) else [env_file]
    names: set[str] = set()
    for file in files:
        if isinstance(file, (str, Path)) and Path(file).is_file():
            values = dotenv_values(file, encoding="utf-8")
            names.update(name.lower() for name, value in values.items() if value)
    return names


def with_saved(base: Settings, overrides: Mapping[str, object]) -> Settings:
    """``base`` (environment, .env, defaults) with the values of settings.json it leaves free.

    A saved value that is no longer valid (a rule changed, the file was edited by hand) is
    left out with a warning rather than stopping start-up.
    """
    store = SettingsStore(base.data_dir)
    saved = {k: v for k, v in store.read().items() if k not in base.model_fields_set}
    settings = base
    while saved:
        try:
            settings = Settings(**overrides, **saved)  # type: ignore[arg-type]
            break
        except ValidationError as error:
            problems = field_errors(error)
            bad = set(problems) & saved.keys() or set(saved)
            log.warning(
                "%s: not using %s (%s)",
                store.path,
                ", ".join(sorted(bad)),
                "; ".join(f"{key}: {message}" for key, message in problems.items()),
            )
            saved = {k: v for k, v in saved.items() if k not in bad}
    settings._fixed = fixed_by(base, overrides)
    return settings
