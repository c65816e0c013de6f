"""AgentDesk as an MCP server: the agents' tools offered to MCP clients at ``/mcp``.

Streamable HTTP, stateless, JSON responses. Every call goes through ``ToolRegistry.call`` with
``agent="mcp"``, so it is checked and audited like an agent's call. The endpoint asks for the
API token like ``/api`` does and sits behind the app's Host guard; it also refuses browser
origins other than AgentDesk's own. ``mcp`` is imported when the app starts, not on import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from agents.tools.audit import AuditLog
from agents.tools.registry import ToolContext, ToolError, ToolRegistry
from backend import __version__
from backend.config import Settings
from backend.security import TOKEN_HINT, send_json, token_matches

if TYPE_CHECKING:
    from mcp.server import Server
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    from backend.services import Services

PATH = "/mcp"


def build_server(tools: ToolRegistry, audit: AuditLog) -> Server[Any]:
    """A low-level MCP server listing ``tools`` with their JSON schemas and calling them."""
    import anyio
    import mcp.types as types
    from mcp.server import Server, ServerRequestContext

    async def list_tools(
        _: ServerRequestContext[Any], __: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(name=t.name, description=t.description, input_schema=t.parameters)
                for t in tools.tools
            ]
        )

    async def call_tool(
        _: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        context = ToolContext(agent="mcp", audit=audit)
        try:
            # Tools block (files, database, the embedder): keep them off the event loop.
            text = await anyio.to_thread.run_sync(
                tools.call, params.name, params.arguments or {}, context
            )
        except ToolError as exc:
            return types.CallToolResult(content=[types.TextContent(text=str(exc))], is_error=True)
        return types.CallToolResult(content=[types.TextContent(text=text)])

    def input_schema(name: str) -> dict[str, Any] | None:
        return tools.get(name).parameters if name in tools else None

    return Server(
        "AgentDesk",
        version=__version__,
        instructions="The tools of AgentDesk, a local AI agent workbench.",
        get_tool_input_schema=input_schema,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def _answer(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    await send_json(send, status, {"detail": detail}, headers)


def _refusal(method: str, content_type: str) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
    """Requests the transport would answer without JSON, or not at all, answered here."""
    if method == "GET":
        # Stateless: the server never speaks first, so a GET stream would stay open and empty
        # for as long as the client holds it. MCP lets a server say 405 instead.
        detail = "AgentDesk's MCP server sends nothing unasked: POST JSON-RPC messages to /mcp"
        return 405, detail, [(b"allow", b"POST")]
    if method == "POST" and content_type.split(";")[0].strip() != "application/json":
        # The transport would answer a bare text/plain 400 (it compares case-sensitively too).
        return 415, "Send MCP messages as JSON (Content-Type: application/json)", []
    return None


class McpEndpoint:
    """The ASGI app at ``/mcp``: token and origin checks, then the MCP transport."""

    def __init__(self, settings: Settings, origins: list[str]) -> None:
        self.settings = settings
        self.origins = set(origins)
        self._manager: StreamableHTTPSessionManager | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        expected = self.settings.api_token
        if expected and not token_matches(expected, headers.get("authorization")):
            await _answer(send, 401, TOKEN_HINT, [(b"www-authenticate", b"Bearer")])
            return
        origin = headers.get("origin")
        # A web page in the user's browser must not drive the tools (CORS alone would let a
        # simple request through); MCP clients that are programs send no Origin at all.
        if origin and origin not in self.origins:
            await _answer(send, 403, f"Origin '{origin}' may not use AgentDesk's MCP server", [])
            return
        refusal = _refusal(scope["method"], headers.get("content-type", ""))
        if refusal is not None:
            await _answer(send, *refusal)
            return
        manager = self._manager
        if manager is None:
            await _answer(send, 503, "AgentDesk is still starting; try again in a moment", [])
            return
        await manager.handle_request(scope, receive, send)

    @asynccontextmanager
    async def running(self, services: Services) -> AsyncIterator[None]:
        """Serve MCP requests while inside; a fresh session manager each time (they run once)."""
        from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
        from mcp.server.transport_security import TransportSecuritySettings

        server = build_server(services.agents.tools, AuditLog(services.db))
        manager = StreamableHTTPSessionManager(
            app=server,
            json_response=True,
            stateless=True,
            # The app's HostGuard already checks Host, with AgentDesk's own allowed names.
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        async with manager.run():
            self._manager = manager
            try:
                yield
            finally:
                self._manager = None


def mount(app: FastAPI, settings: Settings, origins: list[str]) -> McpEndpoint | None:
    """Add ``/mcp`` to ``app`` unless ``AGENTDESK_MCP_SERVER`` is off; the endpoint, or None."""
    if not settings.mcp_server:
        return None
    endpoint = McpEndpoint(settings, origins)
    # A route, not a Mount: a Mount answers only below /mcp/, so /mcp itself would redirect.
    app.router.add_route(PATH, cast(Any, endpoint), include_in_schema=False)
    return endpoint
