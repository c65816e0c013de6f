from pathlib import Path

import pytest

from backend.config import LLMProvider, SettingsError, is_loopback, load_settings


def test_defaults_bind_loopback_and_use_the_embedded_model(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(_env_file=None)
    assert settings.host == "127.0.0.1"
    assert settings.llm_provider is LLMProvider.embedded
    assert settings.database_path == settings.data_dir / "agentdesk.db"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AGENTDESK_PORT", "9100")
    monkeypatch.setenv("AGENTDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AGENTDESK_LLM_PROVIDER", "fake")
    settings = load_settings(_env_file=None)
    assert settings.port == 9100
    assert settings.data_dir == tmp_path
    assert settings.llm_provider is LLMProvider.fake


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("AGENTDESK_MAX_PROMPT_CHARS=123\n")
    assert load_settings(_env_file=env).max_prompt_chars == 123


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("AGENTDESK_PORT", "seventy", "AGENTDESK_PORT"),
        ("AGENTDESK_PORT", "70000", "AGENTDESK_PORT"),
        ("AGENTDESK_LLM_PROVIDER", "magic", "AGENTDESK_LLM_PROVIDER"),
        ("AGENTDESK_CONTEXT_SIZE", "10", "AGENTDESK_CONTEXT_SIZE"),
        ("AGENTDESK_LLM_BASE_URL", "localhost:11434", "AGENTDESK_LLM_BASE_URL"),
        ("AGENTDESK_LOG_LEVEL", "chatty", "AGENTDESK_LOG_LEVEL"),
    ],
)
def test_bad_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, named: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert named in str(caught.value)
    assert value in str(caught.value)


def test_remote_provider_needs_a_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTDESK_LLM_PROVIDER", "openai_compatible")
    with pytest.raises(SettingsError, match="AGENTDESK_LLM_BASE_URL is required"):
        load_settings(_env_file=None)


def test_binding_beyond_loopback_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTDESK_HOST", "0.0.0.0")
    with pytest.raises(SettingsError, match="AGENTDESK_API_TOKEN"):
        load_settings(_env_file=None)
    monkeypatch.setenv("AGENTDESK_API_TOKEN", "s3cret")
    assert load_settings(_env_file=None).host == "0.0.0.0"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.8.0.1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("evil.example", False),
    ],
)
def test_loopback_names(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_env_example_lists_every_setting() -> None:
    from backend.config import Settings

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"AGENTDESK_{name.upper()}=" in example, f"{name} missing from .env.example"


def test_env_example_as_is_gives_the_defaults() -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    from_example = load_settings(_env_file=example)
    defaults = load_settings(_env_file=None)
    assert from_example.model_dump() == defaults.model_dump()


def test_configuration_doc_lists_every_setting() -> None:
    from backend.config import Settings

    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    for name in Settings.model_fields:
        assert f"`AGENTDESK_{name.upper()}`" in doc, f"{name} missing from configuration.md"


def test_a_list_setting_that_is_not_json_names_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENTDESK_ALLOWED_HOSTS", '["desk.lan",]')
    with pytest.raises(SettingsError, match="AGENTDESK_ALLOWED_HOSTS: is not valid JSON"):
        load_settings(_env_file=None)


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("s3cret\n", "space"),
        (" s3cret", "space"),
        ("s3c\nret", "control characters"),
        ("s3c\x00ret", "control characters"),
        ("s3cret\udcff", "not valid UTF-8"),
    ],
)
def test_a_token_no_client_could_send_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch, token: str, problem: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(api_token=token, _env_file=None)
    assert "AGENTDESK_API_TOKEN" in str(caught.value) and problem in str(caught.value)
    assert "s3c" not in str(caught.value)


def test_a_non_ascii_token_is_fine() -> None:
    assert load_settings(api_token="clé-секрет", _env_file=None).api_token == "clé-секрет"
