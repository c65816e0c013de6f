"""External MCP servers as tool sources: a small real MCP server (streamable HTTP on a loopback
port, and one over stdio) whose tools join the registry as ``<server>__<tool>`` and are called
through ``ToolRegistry.call``; a server that is down is skipped with a warning."""

from __future__ import annotations

import logging
import socket
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError as RemoteToolError
from sqlalchemy import select

from agents.tools import mcp_sources
from agents.tools.builtin import default_registry
from agents.tools.mcp_sources import add_mcp_tools, source_status
from agents.tools.registry import ToolContext, ToolError, ToolRegistry
from backend.config import McpServerEntry, SettingsError
from backend.storage.db import Database
from backend.storage.models import ToolCall
from tests.conftest import SettingsFactory, client_for, free_port


def demo_server() -> MCPServer:
    server = MCPServer("demo")

    @server.tool()
    def shout(text: str) -> str:
        """Upper-case the text."""
        return text.upper()

    @server.tool()
    def refuse(why: str) -> str:
        """Always fails, saying why."""
        raise RemoteToolError(f"refused: {why}")

    return server


class McpHttpServer:
    """A MCP server app served by uvicorn (lifespan on: it runs the session manager)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        app = demo_server().streamable_http_app(stateless_http=True)
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/mcp"

    def start(self) -> McpHttpServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "did not start"
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def remote() -> Iterator[McpHttpServer]:
    server = McpHttpServer().start()
    yield server
    server.stop()


def registry_with(
    make_settings: SettingsFactory, db: Database, servers: list[dict[str, object]]
) -> ToolRegistry:
    settings = make_settings(mcp_servers=servers)
    registry = default_registry(settings, db)
    add_mcp_tools(registry, settings)
    return registry


def test_remote_tools_join_the_registry_and_work(
    remote: McpHttpServer, make_settings: SettingsFactory, db: Database, context: ToolContext
) -> None:
    registry = registry_with(make_settings, db, [{"name": "demo", "url": remote.url}])
    shout = registry.get("demo__shout")
    assert shout.parameters["type"] == "object"
    assert shout.parameters["properties"]["text"]["type"] == "string"
    assert shout.parameters["required"] == ["text"]
    assert shout.description == "Upper-case the text. (MCP server 'demo')"
    assert "calculator" in registry and "demo__refuse" in registry

    assert registry.call("demo__shout", {"text": "quiet please"}, context) == "QUIET PLEASE"
    with pytest.raises(ToolError, match="missing argument"):
        registry.call("demo__shout", {}, context)
    with pytest.raises(ToolError, match=r"MCP server 'demo' says: .*refused: no reason"):
        registry.call("demo__refuse", {"why": "no reason"}, context)

    with db.session() as session:
        rows = list(session.scalars(select(ToolCall).where(ToolCall.tool.like("demo__%"))))
    assert [(r.tool, r.agent, r.error is None) for r in rows] == [
        ("demo__shout", "tester", True),
        ("demo__shout", "tester", False),
        ("demo__refuse", "tester", False),
    ]
    assert source_status() == [
        {
            "name": "demo",
            "target": remote.url,
            "ok": True,
            "tools": ["demo__shout", "demo__refuse"],
            "error": None,
        }
    ]


def test_a_server_that_is_down_is_skipped_with_a_warning(
    remote: McpHttpServer,
    make_settings: SettingsFactory,
    db: Database,
    context: ToolContext,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gone = f"http://127.0.0.1:{free_port()}/mcp"
    servers: list[dict[str, object]] = [
        {"name": "gone", "url": gone},
        {"name": "demo", "url": remote.url},
    ]
    with caplog.at_level(logging.WARNING, logger="agents.tools.mcp_sources"):
        registry = registry_with(make_settings, db, servers)
    assert not [name for name in (t.name for t in registry.tools) if name.startswith("gone__")]
    assert registry.call("demo__shout", {"text": "still here"}, context) == "STILL HERE"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert f"MCP server 'gone' ({gone}) is skipped" in warnings[0]
    assert "tried again at the next start" in warnings[0]
    status = {s["name"]: s for s in source_status()}
    assert status["gone"]["ok"] is False and "ConnectError" in status["gone"]["error"]
    assert status["demo"]["ok"] is True


def test_a_server_that_stops_later_gives_a_tool_error(
    make_settings: SettingsFactory, db: Database, context: ToolContext
) -> None:
    server = McpHttpServer().start()
    registry = registry_with(make_settings, db, [{"name": "demo", "url": server.url}])
    server.stop()
    with pytest.raises(ToolError, match="MCP server 'demo' failed: ConnectError"):
        registry.call("demo__shout", {"text": "anyone?"}, context)


def test_a_server_that_never_answers_is_given_up_on(
    make_settings: SettingsFactory,
    db: Database,
    context: ToolContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mcp_sources, "LIST_TIMEOUT_S", 0.5)
    monkeypatch.setattr(mcp_sources, "CALL_TIMEOUT_S", 0.5)
    # Connections are queued by the kernel but never accepted, so no request gets an answer.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/mcp"
        registry = registry_with(make_settings, db, [{"name": "mute", "url": url}])
        assert source_status()[0]["error"] == "no answer within 0.5 s"
        assert len(registry) == len(default_registry(make_settings(), db))

        entry = McpServerEntry(name="mute", url=url)
        remote = SimpleNamespace(
            name="echo", title=None, description="Echo.", input_schema={"type": "object"}
        )
        registry.add(mcp_sources.remote_tool(entry, "mute__echo", remote, Path(".")))
        with pytest.raises(ToolError, match=r"MCP server .mute. failed: no answer within 0\.5 s"):
            registry.call("mute__echo", {}, context)


STDIO_SERVER = """
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("words")

    @server.tool()
    def count_words(text: str) -> int:
        \"\"\"Count the words in the text.\"\"\"
        return len(text.split())

    server.run("stdio")
"""


def test_a_stdio_server_is_started_for_each_call(
    tmp_path: Path, make_settings: SettingsFactory, db: Database, context: ToolContext
) -> None:
    script = tmp_path / "words_server.py"
    script.write_text(textwrap.dedent(STDIO_SERVER))
    servers: list[dict[str, object]] = [{"name": "words", "command": [sys.executable, str(script)]}]
    registry = registry_with(make_settings, db, servers)
    assert registry.get("words__count_words").parameters["required"] == ["text"]
    assert registry.call("words__count_words", {"text": "one two three"}, context) == "3"


async def test_the_app_adds_remote_tools_at_start(
    remote: McpHttpServer, make_settings: SettingsFactory
) -> None:
    settings = make_settings(mcp_servers=[{"name": "demo", "url": remote.url}])
    async with client_for(settings) as http:
        tools = http.app.state.services.agents.tools  # type: ignore[attr-defined]
        assert "demo__shout" in tools and "calculator" in tools


@pytest.mark.parametrize(
    ("servers", "message"),
    [
        ('[{"name": "a b", "url": "http://127.0.0.1:9/mcp"}]', "use 1 to 32 letters, digits"),
        ('[{"name": "a"}]', "MCP server 'a': give either 'url' or 'command'"),
        ('[{"name": "a", "url": "http://h/mcp", "token": "x"}]', "Extra inputs are not permitted"),
        ('[{"name": "a", "url": "127.0.0.1:9/mcp"}]', "'url' must start with http://"),
        (
            '[{"name": "a", "command": ["x"]}, {"name": "a", "url": "http://h/mcp"}]',
            "used twice: a",
        ),
    ],
)
def test_bad_server_lists_are_refused_with_a_clear_message(
    make_settings: SettingsFactory, servers: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTDESK_MCP_SERVERS", servers)
    with pytest.raises(SettingsError) as error:
        make_settings()
    assert message in str(error.value)
    assert "AGENTDESK_MCP_SERVERS" in str(error.value)
