"""Settings, read from the environment (prefix ``AGENTDESK_``) and an optional ``.env`` file.

The checks of single values are in ``backend/settings_checks.py`` and the text of a bad
value's error in ``backend/settings_errors.py``; this module keeps exporting their names
(``is_loopback``, ``McpServerEntry``, ``SettingsError``, ``describe_errors``), so the rest of
the app reads everything about settings from here.
"""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import pydantic_settings
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend import settings_checks
from backend.settings_checks import LOOPBACK_NAMES as LOOPBACK_NAMES
from backend.settings_checks import McpServerEntry as McpServerEntry
from backend.settings_checks import is_loopback as is_loopback
from backend.settings_errors import SECRET_SETTINGS as SECRET_SETTINGS
from backend.settings_errors import SettingsError as SettingsError
from backend.settings_errors import describe_bad_json
from backend.settings_errors import describe_errors as describe_errors

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The embedded chat model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped as 22 PyPI packages.
DEFAULT_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_MODEL_SIZE = 1_117_320_768


class LLMProvider(StrEnum):
    """Where chat completions come from."""

    embedded = "embedded"
    openai_compatible = "openai_compatible"
    fake = "fake"


def default_data_dir() -> Path:
    """``./data`` when running from source, the per-user app data dir when frozen."""
    import sys

    if getattr(sys, "frozen", False):
        from platformdirs import user_data_dir

        return Path(user_data_dir("AgentDesk", appauthor=False))
    return PROJECT_ROOT / "data"


Port = Annotated[int, Field(ge=0, le=65535)]


class Settings(BaseSettings):
    """Every setting AgentDesk reads; ``.env.example`` documents each one."""

    model_config = SettingsConfigDict(
        env_prefix="AGENTDESK_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    host: str = "127.0.0.1"
    port: Port = 8765
    data_dir: Path = Field(default_factory=default_data_dir)
    log_level: str = "INFO"

    llm_provider: LLMProvider = LLMProvider.embedded
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout: float = Field(default=120.0, gt=0)
    llm_connect_timeout: float = Field(default=5.0, gt=0)
    llm_retries: int = Field(default=3, ge=0, le=10)
    model_path: Path | None = None
    model_index_url: str = ""
    # Where the Models page downloads catalog models from (a mirror, or a test server).
    model_hub_url: str = "https://huggingface.co"
    model_port: Port = 0
    fake_rules: Path | None = None
    context_size: int = Field(default=4096, ge=512, le=131072)
    threads: int = Field(default=0, ge=0, le=256)
    max_tokens: int = Field(default=512, ge=1, le=32768)
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)

    # Best hybrid answer recall@5 in bench/retrieval.py that still fits MiniLM's 256 tokens.
    chunk_size: int = Field(default=1000, ge=100, le=20000)
    chunk_overlap: int = Field(default=150, ge=0, le=5000)
    max_file_mb: float = Field(default=50.0, gt=0)
    max_unpacked_mb: float = Field(default=20.0, gt=0)
    upload_max_mb: float = Field(default=100.0, gt=0)
    upload_total_mb: float = Field(default=200.0, gt=0)
    embedding_model: str = ""
    embed_batch_size: int = Field(default=32, ge=1, le=1024)
    watch_debounce_seconds: float = Field(default=1.0, ge=0.05, le=60)
    reconcile_minutes: float = Field(default=15.0, ge=0, le=1440)
    rag_top_k: int = Field(default=4, ge=1, le=50)
    # "Use my documents" for a question that does not say: auto (when relevant), on, off.
    use_documents: Literal["auto", "on", "off"] = "auto"

    max_prompt_chars: int = Field(default=8000, ge=1)
    history_messages: int = Field(default=20, ge=0, le=1000)

    # The mode a question gets when it names none; the chat's selector starts on it.
    default_mode: Literal["auto", "chat", "single", "code", "team"] = "auto"
    agent_max_steps: int = Field(default=8, ge=1, le=100)
    agent_max_seconds: float = Field(default=300.0, gt=0, le=86400)
    agent_max_tokens: int = Field(default=30000, ge=100)
    agent_max_concurrent: int = Field(default=1, ge=1, le=32)
    tool_calls: Literal["auto", "native", "json_schema"] = "auto"
    workspace_max_mb: int = Field(default=500, ge=1, le=10_000_000)
    workspace_max_files: int = Field(default=10_000, ge=1, le=10_000_000)
    run_write_max_mb: int = Field(default=100, ge=1, le=10_000_000)
    api_token: str = ""
    allowed_hosts: list[str] = Field(default_factory=list)

    mcp_server: bool = True
    mcp_servers: list[McpServerEntry] = Field(default_factory=list)

    task_misfire_grace_seconds: int = Field(default=300, ge=1, le=86400)
    task_history_keep: int = Field(default=200, ge=1, le=100000)
    monitor_interval_seconds: float = Field(default=5.0, ge=0, le=3600)
    metrics_retention_days: float = Field(default=7.0, gt=0, le=3650)
    model_health_seconds: float = Field(default=30.0, ge=0, le=3600)
    model_restart_retries: int = Field(default=3, ge=0, le=100)
    model_backoff_seconds: float = Field(default=2.0, ge=0, le=3600)
    model_backoff_max_seconds: float = Field(default=60.0, ge=0, le=86400)
    model_degraded_retry_seconds: float = Field(default=600.0, ge=0, le=86400)
    backup_hours: float = Field(default=24.0, ge=0, le=8760)
    backup_keep: int = Field(default=7, ge=1, le=1000)
    log_retention_days: float = Field(default=14.0, gt=0, le=3650)
    max_body_kb: int = Field(default=1024, ge=1, le=1_000_000)
    rate_limit: str = "30/minute"

    # Settings the environment, .env or the caller fixed, and where (backend/settings_store.py).
    _fixed: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        return settings_checks.log_level(value)

    @field_validator("llm_base_url", "model_index_url", "model_hub_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return settings_checks.http_url(value)

    @field_validator("rate_limit")
    @classmethod
    def _rate(cls, value: str) -> str:
        return settings_checks.rate_limit(value)

    @field_validator("api_token")
    @classmethod
    def _sendable_token(cls, value: str) -> str:
        return settings_checks.sendable_token(value)

    @field_validator("mcp_servers")
    @classmethod
    def _unique_names(cls, value: list[McpServerEntry]) -> list[McpServerEntry]:
        return settings_checks.unique_server_names(value)

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.llm_provider is LLMProvider.openai_compatible and not self.llm_base_url:
            raise ValueError(
                "AGENTDESK_LLM_BASE_URL is required when AGENTDESK_LLM_PROVIDER=openai_compatible"
            )
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(
                "AGENTDESK_CHUNK_OVERLAP must be smaller than AGENTDESK_CHUNK_SIZE "
                f"(got {self.chunk_overlap} and {self.chunk_size})"
            )
        if not is_loopback(self.host) and not self.api_token:
            raise ValueError(
                f"AGENTDESK_HOST={self.host} is reachable from other machines; "
                "set AGENTDESK_API_TOKEN to a secret so only you can use the API"
            )
        return self

    @property
    def database_path(self) -> Path:
        return self.data_dir / "agentdesk.db"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database_path}"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def inbox_dir(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def workspace_dir(self) -> Path:
        """Where the agents' file tools may write (and read); nothing outside it is written."""
        return self.data_dir / "workspace"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def trash_dir(self) -> Path:
        return self.data_dir / "trash"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def cpu_threads(self) -> int:
        return self.threads or max(1, os.cpu_count() or 1)


def load_settings(**overrides: object) -> Settings:
    """Read settings (the environment and .env before ``<data_dir>/settings.json``), raising
    :class:`SettingsError` with a readable message on bad values."""
    from backend.settings_store import with_saved

    try:
        return with_saved(Settings(**overrides), overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe_errors(error)) from None
    except pydantic_settings.SettingsError as error:
        # A list or JSON setting that is not valid JSON (e.g. a trailing comma).
        raise SettingsError(describe_bad_json(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
