"""AgentDesk as an MCP server, driven by the official ``mcp`` client over real loopback HTTP:
tool list and schemas, calls and refusals, the audit trail, the token, the Host and Origin
guards, and the setting that turns it off."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.types import CallToolResult, TextContent
from sqlalchemy import select

from backend.services import Services
from backend.storage.models import ToolCall
from tests.conftest import LiveServer, SettingsFactory

TOKEN = "mcp-test-token"


async def with_session(url: str, work: Any, token: str | None = None) -> Any:
    """Run ``await work(session)`` in an initialized MCP client session with ``url``."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with (
        create_mcp_http_client(headers=headers) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        return await work(session)


def text_of(result: CallToolResult) -> str:
    assert len(result.content) == 1 and isinstance(result.content[0], TextContent)
    return result.content[0].text


def services_of(server: LiveServer) -> Services:
    app = server.server.config.app
    assert isinstance(app, FastAPI)
    services: Services = app.state.services
    return services


def mcp_rows(server: LiveServer) -> list[dict[str, Any]]:
    with services_of(server).db.session() as session:
        rows = session.scalars(
            select(ToolCall).where(ToolCall.agent == "mcp").order_by(ToolCall.id)
        )
        return [
            {"tool": r.tool, "arguments": r.arguments, "error": r.error, "run_id": r.run_id}
            for r in rows
        ]


@pytest.fixture
def secured(make_settings: SettingsFactory) -> Iterator[LiveServer]:
    server = LiveServer(make_settings(api_token=TOKEN)).start()
    yield server
    server.stop()


async def test_lists_the_registry_tools_with_their_schemas(live: LiveServer) -> None:
    async def tools(session: ClientSession) -> Any:
        return (await session.list_tools()).tools

    listed = {tool.name: tool for tool in await with_session(f"{live.url}/mcp", tools)}
    registry = services_of(live).agents.tools
    assert set(listed) == {tool.name for tool in registry.tools}
    assert {"calculator", "search_knowledge", "write_file", "read_file"} <= set(listed)
    for tool in registry.tools:
        assert listed[tool.name].input_schema == tool.parameters
        assert listed[tool.name].description == tool.description


async def test_calls_are_answered_refused_and_audited(live: LiveServer) -> None:
    async def calls(session: ClientSession) -> tuple[CallToolResult, CallToolResult]:
        answer = await session.call_tool("calculator", {"expression": "6*7"})
        refused = await session.call_tool("write_file", {"path": "../x", "content": "no"})
        return answer, refused

    answer, refused = await with_session(f"{live.url}/mcp", calls)
    assert not answer.is_error and text_of(answer) == "42"
    assert refused.is_error
    assert "'../x' leads outside the workspace" in text_of(refused)
    assert not (services_of(live).settings.data_dir / "x").exists()

    rows = mcp_rows(live)
    assert [row["tool"] for row in rows] == ["calculator", "write_file"]
    assert rows[0]["arguments"] == {"expression": "6*7"} and rows[0]["error"] is None
    assert rows[1]["error"] == text_of(refused)
    assert all(row["run_id"] is None for row in rows)


async def test_the_calculator_reads_everyday_phrasing_and_refuses_costly_steps(
    live: LiveServer,
) -> None:
    """round(5, -10**8) through /mcp once built a 100-million-digit number holding the GIL."""

    async def calls(session: ClientSession) -> tuple[CallToolResult, CallToolResult]:
        costly = await session.call_tool("calculator", {"expression": "round(5, -10**8)"})
        everyday = await session.call_tool("calculator", {"expression": "23% of 4,180"})
        return costly, everyday

    costly, everyday = await with_session(f"{live.url}/mcp", calls)
    assert costly.is_error and "round: the number of digits must be between" in text_of(costly)
    assert not everyday.is_error and text_of(everyday) == "961.4"


async def test_an_unknown_tool_is_a_tool_error_naming_the_tools(live: LiveServer) -> None:
    async def call(session: ClientSession) -> CallToolResult:
        return await session.call_tool("no_such_tool", {})

    result = await with_session(f"{live.url}/mcp", call)
    assert result.is_error
    assert "no tool named 'no_such_tool'" in text_of(result) and "calculator" in text_of(result)


async def test_the_token_is_required_when_one_is_set(secured: LiveServer) -> None:
    async def calculate(session: ClientSession) -> CallToolResult:
        return await session.call_tool("calculator", {"expression": "40+2"})

    result = await with_session(f"{secured.url}/mcp", calculate, token=TOKEN)
    assert text_of(result) == "42"

    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        async with httpx.AsyncClient() as http:
            refused = await http.post(f"{secured.url}/mcp", json=body, headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert "AGENTDESK_API_TOKEN" in refused.json()["detail"]
    assert mcp_rows(secured) == [
        {"tool": "calculator", "arguments": {"expression": "40+2"}, "error": None, "run_id": None}
    ]


def test_foreign_hosts_and_web_pages_are_refused(live: LiveServer) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    rebound = httpx.post(f"{live.url}/mcp", json=body, headers={"Host": "evil.example"})
    assert rebound.status_code == 421
    page = httpx.post(f"{live.url}/mcp", json=body, headers={"Origin": "http://evil.example"})
    assert page.status_code == 403 and "evil.example" in page.json()["detail"]


def test_a_get_stream_and_a_post_that_is_not_json_are_refused_in_json(live: LiveServer) -> None:
    # Found by the API fuzz: a GET stream stayed open for good (stateless, nothing is ever
    # sent on it), and a POST that was not JSON got a text/plain 400.
    stream = httpx.get(f"{live.url}/mcp", headers={"Accept": "text/event-stream"}, timeout=10)
    assert stream.status_code == 405 and "POST JSON-RPC messages" in stream.json()["detail"]
    assert stream.headers["allow"] == "POST"
    text = httpx.post(f"{live.url}/mcp", content=b"{}", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415 and "application/json" in text.json()["detail"]


def test_the_setting_turns_the_mcp_server_off(make_settings: SettingsFactory) -> None:
    server = LiveServer(make_settings(mcp_server=False)).start()
    try:
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        assert httpx.post(f"{server.url}/mcp", json=body).status_code == 404
        assert httpx.get(f"{server.url}/api/health").status_code == 200
    finally:
        server.stop()
