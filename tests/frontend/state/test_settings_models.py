"""The Settings page's rows from API payloads: the checks as typed, and what a save sends."""

from __future__ import annotations

from typing import Any

import pytest

from backend.api.schemas.settings import SettingField, SettingsSaved
from frontend.state.settings_models import (
    FieldView,
    changes_of,
    check_value,
    saved_message,
    to_field_view,
)


def setting(**values: Any) -> SettingField:
    base: dict[str, Any] = {
        "key": "temperature",
        "section": "generation",
        "label": "Temperature",
        "help": "",
        "kind": "number",
        "value": 0.2,
        "is_set": True,
        "default": 0.2,
        "minimum": 0.0,
        "maximum": 2.0,
        "minimum_excluded": False,
        "choices": [],
        "locked": False,
        "source": "default",
        "locked_reason": "",
        "applies": "now",
        "pending_restart": False,
    }
    return SettingField.model_validate({**base, **values})


@pytest.mark.parametrize(
    ("values", "typed", "message"),
    [
        ({}, "0.7", ""),
        ({}, "2.5", "Must be at most 2."),
        ({}, "-1", "Must be at least 0."),
        ({}, "warm", "Enter a number."),
        ({"kind": "integer", "minimum": 1.0, "maximum": 50.0}, "3.5", "Enter a whole number."),
        ({"minimum": 0.0, "minimum_excluded": True, "maximum": None}, "0", "Must be more than 0."),
        ({"kind": "text", "minimum": None, "maximum": None}, "anything", ""),
    ],
)
def test_a_value_is_checked_as_it_is_typed(
    values: dict[str, Any], typed: str, message: str
) -> None:
    assert check_value(to_field_view(setting(**values)), typed) == message


def test_only_changed_unlocked_valid_values_are_sent_with_their_type() -> None:
    rows = [
        to_field_view(setting()),
        to_field_view(setting(key="rag_top_k", kind="integer", value=4, default=4)),
        to_field_view(setting(key="max_tokens", kind="integer", value=512, locked=True)),
        to_field_view(setting(key="threads", kind="integer", value=0)),
        to_field_view(setting(key="llm_api_key", kind="secret", value="")),
        to_field_view(setting(key="llm_model", kind="text", value="")),
    ]
    rows[0].value, rows[1].value, rows[2].value = "0.7", " 6 ", "100"
    rows[3].value, rows[3].error = "many", "Enter a whole number."
    assert changes_of(rows) == {"temperature": 0.7, "rag_top_k": 6}
    rows[4].value = "sk-new"
    assert changes_of(rows)["llm_api_key"] == "sk-new"


def test_a_saved_secret_is_never_shown_only_said_to_be_there() -> None:
    row = to_field_view(setting(key="llm_api_key", kind="secret", value="", is_set=True))
    assert row.value == "" and "Saved" in row.placeholder


def test_the_save_message_names_what_applies_when() -> None:
    rows = [
        FieldView(key="temperature", label="Temperature"),
        FieldView(key="threads", label="CPU threads"),
    ]
    result = SettingsSaved.model_validate(
        {"applied_now": ["temperature"], "after_restart": ["threads"], "page": _page()}
    )
    message = saved_message(result, rows)
    assert "Applies now: Temperature." in message
    assert "after a restart of AgentDesk: CPU threads." in message


def _page() -> dict[str, Any]:
    return {
        "sections": [],
        "settings": [],
        "data_dir": "/d",
        "store_path": "/d/settings.json",
        "store_problem": "",
        "api_token": {"set": False, "where": ""},
        "model": {"provider": "fake", "name": "m", "file": ""},
    }


@pytest.mark.parametrize(
    ("key", "value", "shown", "placeholder"),
    [
        ("agent_max_seconds", 300.0, "300", "Default: 300"),
        ("agent_max_seconds", 2.5, "2.5", "Default: 300"),
        ("temperature", 1.0, "1.0", "Default: 300.0"),
    ],
)
def test_whole_seconds_show_without_a_decimal_and_still_save_as_numbers(
    key: str, value: float, shown: str, placeholder: str
) -> None:
    view = to_field_view(setting(key=key, value=value, default=300.0, maximum=None))
    assert (view.value, view.placeholder) == (shown, placeholder)
    view.value = "600"
    assert changes_of([view]) == {key: 600.0}
    assert isinstance(changes_of([view])[key], float)
