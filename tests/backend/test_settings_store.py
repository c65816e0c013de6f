"""settings.json: below the environment and .env, above the defaults; written in one step;
an unreadable file or a value that breaks a rule is reported and left out, never fatal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from backend.config import Settings, load_settings
from backend.settings_service import SettingsRefused, SettingsService
from backend.settings_store import STORE_NAME, UNREADABLE_NAME, SettingsStore


def saved(data_dir: Path, values: dict[str, object] | str) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / STORE_NAME
    path.write_text(values if isinstance(values, str) else json.dumps(values), encoding="utf-8")
    return path


def load(data_dir: Path, **overrides: object) -> Settings:
    return load_settings(data_dir=data_dir, _env_file=None, **overrides)


def test_saved_values_replace_the_defaults(tmp_path: Path) -> None:
    saved(tmp_path, {"temperature": 0.9, "rag_top_k": 7, "default_mode": "code"})
    settings = load(tmp_path)
    assert (settings.temperature, settings.rag_top_k, settings.default_mode) == (0.9, 7, "code")
    assert settings._fixed == {"data_dir": "start-up"}


def test_the_environment_wins_over_the_file_and_is_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved(tmp_path, {"temperature": 0.9, "rag_top_k": 7})
    monkeypatch.setenv("AGENTDESK_TEMPERATURE", "1.1")
    settings = load(tmp_path)
    assert (settings.temperature, settings.rag_top_k) == (1.1, 7)
    assert settings._fixed["temperature"] == "environment"
    assert "rag_top_k" not in settings._fixed


def test_a_dotenv_line_wins_over_the_file_and_is_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved(tmp_path / "data", {"max_tokens": 900, "agent_max_steps": 3})
    (tmp_path / ".env").write_text("AGENTDESK_MAX_TOKENS=700\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = load_settings(data_dir=tmp_path / "data")
    assert (settings.max_tokens, settings.agent_max_steps) == (700, 3)
    assert settings._fixed["max_tokens"] == ".env"


def test_a_file_that_is_not_json_is_reported_and_ignored(tmp_path: Path) -> None:
    path = saved(tmp_path, '{"temperature": 0.9,')
    settings = load(tmp_path)
    assert settings.temperature == Settings.model_fields["temperature"].default
    service = SettingsService(settings, lambda running: None)
    problem = service.describe()["store_problem"]
    assert str(path) in problem and "not valid JSON" in problem
    # Saving writes a good file and keeps the unreadable one beside it.
    service.update({"temperature": 0.5})
    assert json.loads(path.read_text()) == {"temperature": 0.5}
    assert (tmp_path / UNREADABLE_NAME).read_text() == '{"temperature": 0.9,'
    assert service.describe()["store_problem"] == ""


@pytest.mark.parametrize("content", ["[1, 2]", "null", '"text"'])
def test_a_file_without_an_object_is_ignored(tmp_path: Path, content: str) -> None:
    saved(tmp_path, content)
    store = SettingsStore(tmp_path)
    assert store.read() == {}
    assert "JSON object" in store.problem


def test_a_saved_value_that_breaks_a_rule_is_left_out_and_the_rest_kept(tmp_path: Path) -> None:
    path = saved(tmp_path, {"temperature": 9, "rag_top_k": 6, "data_dir": "/elsewhere"})
    settings = load(tmp_path)
    assert settings.temperature == Settings.model_fields["temperature"].default
    assert settings.rag_top_k == 6
    # Only the settings the page edits are read from the file.
    assert settings.data_dir == tmp_path
    # The page shows the value in use, and the next save drops the one left out.
    service = SettingsService(settings, lambda running: None)
    assert service.source("temperature") == "default" and service.source("rag_top_k") != "default"
    service.update({"max_tokens": 300})
    assert json.loads(path.read_text()) == {"rag_top_k": 6, "max_tokens": 300}


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved(tmp_path, {"temperature": 0.9})
    store = SettingsStore(tmp_path)

    def crash(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.write({"temperature": 0.1})
    assert json.loads(path.read_text()) == {"temperature": 0.9}
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE_NAME]


def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.write({"llm_api_key": "sk-secret"})
    if os.name == "posix":
        assert store.path.stat().st_mode & 0o077 == 0


def test_a_refused_change_saves_nothing(tmp_path: Path) -> None:
    service = SettingsService(load(tmp_path), lambda running: None)
    with pytest.raises(SettingsRefused) as refused:
        service.update({"temperature": 0.4, "rag_top_k": 0})
    assert refused.value.status == 422 and set(refused.value.errors) == {"rag_top_k"}
    assert not (tmp_path / STORE_NAME).exists()


def test_a_value_put_back_to_its_default_leaves_the_file(tmp_path: Path) -> None:
    service = SettingsService(load(tmp_path), lambda running: None)
    service.update({"rag_top_k": 9, "temperature": 0.6})
    service.update({"rag_top_k": Settings.model_fields["rag_top_k"].default})
    assert json.loads((tmp_path / STORE_NAME).read_text()) == {"temperature": 0.6}


@pytest.mark.parametrize(
    "changes",
    [
        {"llm_provider": "openai_compatible"},
        {"llm_provider": "openai_compatible", "llm_base_url": "ftp://models.lan/v1"},
    ],
)
def test_a_rule_across_settings_names_the_setting_to_fix(
    tmp_path: Path, changes: dict[str, object]
) -> None:
    service = SettingsService(load(tmp_path), lambda running: None)
    with pytest.raises(SettingsRefused) as refused:
        service.update(changes)
    assert set(refused.value.errors) == {"llm_base_url"}
    assert "Server address" in refused.value.message


def test_the_provider_in_use_is_among_the_choices_shown(tmp_path: Path) -> None:
    def offered(settings: Settings) -> list[str]:
        page = SettingsService(settings, lambda running: None).describe()
        (provider,) = [f for f in page["settings"] if f["key"] == "llm_provider"]
        return [choice["value"] for choice in provider["choices"]]

    assert offered(load(tmp_path)) == ["embedded", "openai_compatible"]
    assert offered(load(tmp_path, llm_provider="fake"))[-1] == "fake"
