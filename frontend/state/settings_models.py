"""What the Settings page shows, built from ``GET /api/settings``, and what a save sends.

Pure functions only, so the tests check them without a server. Each input is plain text: the
page checks it against the setting's limits as it is typed, and the server checks it again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from backend.api.schemas.settings import SettingField, SettingsSaved

NUMERIC = {"number", "integer"}


@dataclasses.dataclass
class ChoiceView:
    value: str = ""
    label: str = ""


@dataclasses.dataclass
class FieldView:
    """One setting's row: its input as typed, the value saved, and what to say about it."""

    key: str = ""
    section: str = ""
    label: str = ""
    help: str = ""
    kind: str = "text"
    value: str = ""
    saved: str = ""
    placeholder: str = ""
    minimum: float | None = None
    maximum: float | None = None
    minimum_excluded: bool = False
    choices: list[ChoiceView] = dataclasses.field(default_factory=list)
    locked: bool = False
    locked_reason: str = ""
    applies: str = "now"
    pending_restart: bool = False
    error: str = ""


def _text(value: Any, key: str = "") -> str:
    """A value as the input shows it: a whole float keeps its ".0" (a temperature of 1.0 is
    a decimal setting), except a count of seconds, read as "300" (it still saves as 300.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}" if key.endswith("_seconds") else f"{value:.1f}"
    return str(value)


def _placeholder(field: SettingField) -> str:
    if field.kind == "secret":
        return "Saved: type a new one to replace it" if field.is_set else "Not set"
    if field.kind == "choice":
        return ""
    default = _text(field.default, field.key)
    return f"Default: {default}" if default else "Empty"


def to_field_view(field: SettingField) -> FieldView:
    value = _text(field.value, field.key)
    return FieldView(
        key=field.key,
        section=field.section,
        label=field.label,
        help=field.help,
        kind=field.kind,
        value=value,
        saved=value,
        placeholder=_placeholder(field),
        minimum=field.minimum,
        maximum=field.maximum,
        minimum_excluded=field.minimum_excluded,
        choices=[ChoiceView(c.value, c.label) for c in field.choices],
        locked=field.locked,
        locked_reason=field.locked_reason,
        applies=field.applies,
        pending_restart=field.pending_restart,
    )


def _bound(number: float) -> str:
    return f"{number:g}"


def check_value(field: FieldView, text: str) -> str:
    """Why ``text`` is not a valid value for ``field``, or ""."""
    if field.kind not in NUMERIC:
        return ""
    try:
        number = float(text.strip()) if field.kind == "number" else int(text.strip())
    except ValueError:
        return "Enter a whole number." if field.kind == "integer" else "Enter a number."
    low, high = field.minimum, field.maximum
    if low is not None and field.minimum_excluded and number <= low:
        return f"Must be more than {_bound(low)}."
    if low is not None and number < low:
        return f"Must be at least {_bound(low)}."
    if high is not None and number > high:
        return f"Must be at most {_bound(high)}."
    return ""


def _typed(field: FieldView) -> Any:
    text = field.value.strip()
    if field.kind == "integer":
        return int(text)
    if field.kind == "number":
        return float(text)
    return text


def changes_of(fields: Iterable[FieldView]) -> dict[str, Any]:
    """The settings whose input differs from the saved value (a typed secret always does)."""
    changes: dict[str, Any] = {}
    for field in fields:
        if field.locked or field.error:
            continue
        if field.kind == "secret":
            if field.value:
                changes[field.key] = field.value
        elif field.value.strip() != field.saved:
            changes[field.key] = _typed(field)
    return changes


def saved_message(result: SettingsSaved, fields: Iterable[FieldView]) -> str:
    """What a save did, in the labels the page shows."""
    labels = {field.key: field.label for field in fields}
    parts = []
    if result.applied_now:
        names = ", ".join(labels.get(key, key) for key in result.applied_now)
        parts.append(f"Applies now: {names}.")
    if result.after_restart:
        names = ", ".join(labels.get(key, key) for key in result.after_restart)
        parts.append(f"Applies after a restart of AgentDesk: {names}.")
    return "Saved. " + " ".join(parts) if parts else "Nothing to save: no value was changed."
