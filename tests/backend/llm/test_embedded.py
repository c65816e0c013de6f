"""The embedded llama.cpp server process: start failures are reported, not hidden."""

import sys
from pathlib import Path

import pytest

from backend.llm.embedded import EmbeddedServer, server_command
from backend.llm.errors import ModelUnavailable


def test_command_runs_our_server_module(tmp_path: Path) -> None:
    command = server_command(tmp_path / "m.gguf", 1234, 2048, 2, "alias")
    assert command[:3] == [sys.executable, "-m", "backend.llm.llama_server"]
    assert command[command.index("--port") + 1] == "1234"
    assert command[command.index("--ctx") + 1] == "2048"


async def test_a_model_that_cannot_load_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a gguf file")
    server = EmbeddedServer(broken, n_ctx=512, threads=1, alias="x")
    with pytest.raises(ModelUnavailable, match="exited while loading"):
        await server.start(timeout=60)
    assert not server.alive()
