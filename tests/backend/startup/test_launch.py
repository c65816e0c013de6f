"""Start-up: ports, the ``reflex run`` command and environment, the model step, bad settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from backend.config import load_settings
from backend.startup import launch, ports, ui_child

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def test_preferred_port_is_kept_when_free() -> None:
    port = ports.free_port("127.0.0.1")
    assert ports.choose_port("127.0.0.1", port) == port


def test_taken_port_is_replaced_by_a_free_one() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        chosen = ports.choose_port("127.0.0.1", taken)
        assert chosen != taken
        assert ports.port_is_free("127.0.0.1", chosen)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0.0.0.0", "127.0.0.1"),
        ("::1", "127.0.0.1"),
        ("10.0.0.2", "10.0.0.2"),
    ],
)
def test_browser_host(host: str, expected: str) -> None:
    assert ports.browser_host(host) == expected


def test_production_command_serves_one_port_on_loopback() -> None:
    command = ui_child.reflex_command(False, "127.0.0.1", 8765, 8765)
    assert command[1:4] == ["-m", "reflex", "run"]
    assert "--single-port" in command
    assert command[command.index("--env") + 1] == "prod"
    assert command[command.index("--backend-host") + 1] == "127.0.0.1"
    assert command[command.index("--backend-port") + 1] == "8765"


def test_dev_command_has_a_separate_ui_port() -> None:
    command = ui_child.reflex_command(True, "127.0.0.1", 8765, 8766)
    assert command[command.index("--env") + 1] == "dev"
    assert command[command.index("--frontend-port") + 1] == "8766"
    assert "--single-port" not in command


def test_server_env_forces_one_worker_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://localhost")
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    settings = load_settings(data_dir=tmp_path, llm_provider="fake")
    env = ui_child.server_env(settings, 9001, 9001, tmp_path / "bun-bin")
    assert env["GRANIAN_WORKERS"] == "1"
    assert env["REFLEX_USE_GRANIAN"] == "true"
    assert "REFLEX_REDIS_URL" not in env
    assert env["AGENTDESK_PORT"] == "9001"
    assert env["AGENTDESK_DATA_DIR"] == str(tmp_path.resolve())
    assert env["REFLEX_WEB_WORKDIR"] == str(tmp_path.resolve() / "web")
    assert env["REFLEX_USE_SYSTEM_BUN"] == "1"
    assert env["PATH"].startswith(str(tmp_path / "bun-bin"))
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        assert env[name] == "1"
    assert env["REFLEX_TELEMETRY_ENABLED"] == "false"
    assert env["AUTOGEN_DISABLE_RUNTIME_TRACING"] == "true"


def test_embedded_provider_fetches_the_model_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.llm import model_fetch

    calls = []
    monkeypatch.setattr(model_fetch, "ensure_model", lambda s, p: calls.append((s, p)))
    launch.prepare_model(load_settings(data_dir=tmp_path, llm_provider="fake"))
    assert calls == []
    settings = load_settings(data_dir=tmp_path, llm_provider="embedded")
    launch.prepare_model(settings)
    assert len(calls) == 1
    assert calls[0][0] is settings
    assert isinstance(calls[0][1], model_fetch.ConsoleProgress)


def test_bad_settings_exit_2_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "AGENTDESK_PORT": "not-a-port", "AGENTDESK_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "run.py", "--no-browser"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "AGENTDESK_PORT" in result.stderr
    assert "Traceback" not in result.stderr
