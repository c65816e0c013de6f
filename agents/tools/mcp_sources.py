"""External MCP servers as tool sources: their tools join the registry as ``<server>__<tool>``.

The servers come from ``AGENTDESK_MCP_SERVERS``: streamable HTTP (``url``, optional
``headers``) or stdio (``command``). Their tools are listed once at start-up, all servers
at the same time and each within ``LIST_TIMEOUT_S``; a server that does not answer is logged,
skipped and tried again at the next start (``source_status()`` says how each one went).

Each call opens a short client session of its own (connect, initialize, call, close) in a
fresh event loop on the calling thread, so there is no connection to keep alive, restart or
share between threads, and a server restarted in between simply answers the next call. A
stdio server is started for each call and stopped after it: simple, but slower. ``mcp`` is
imported only when a server is configured.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from agents.tools.registry import Tool, ToolError, ToolRegistry
from backend.config import McpServerEntry, Settings

if TYPE_CHECKING:
    from mcp import ClientSession
    from mcp.types import CallToolResult

log = logging.getLogger(__name__)

# Longest wait for a server's tool list at start-up, and for one tool call.
LIST_TIMEOUT_S = 10.0
CALL_TIMEOUT_S = 60.0
# Tool names models accept (OpenAI: ^[A-Za-z0-9_-]{1,64}$); the audit table keeps 64 too.
MAX_NAME = 64

T = TypeVar("T")


@dataclass
class SourceStatus:
    """How listing one server's tools went at the last start-up."""

    name: str
    target: str
    tools: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": self.target,
            "ok": self.error is None,
            "tools": self.tools,
            "error": self.error,
        }


_last_status: list[SourceStatus] = []


def source_status() -> list[dict[str, Any]]:
    """Each configured MCP server at the last start-up in this process: its tools, or why not."""
    return [status.as_dict() for status in _last_status]


def target(entry: McpServerEntry) -> str:
    """Where a server is, in words: its URL or its command line."""
    return entry.url or " ".join(entry.command)


def reason(exc: BaseException, timeout: float) -> str:
    """What went wrong, without the task-group wrappers the MCP client adds around it."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def run_blocking(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run async client work to the end from synchronous code, in a fresh event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work())
    # asyncio.run refuses to nest in a running loop (called from async code by mistake).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


@asynccontextmanager
async def open_session(entry: McpServerEntry, logs_dir: Path) -> AsyncIterator[ClientSession]:
    """An initialized client session with one server, closed on leaving."""
    from mcp import ClientSession

    async with AsyncExitStack() as stack:
        if entry.url:
            from mcp.client.streamable_http import streamable_http_client
            from mcp.shared._httpx_utils import create_mcp_http_client

            http = await stack.enter_async_context(create_mcp_http_client(headers=entry.headers))
            streams = streamable_http_client(entry.url, http_client=http)
        else:
            from mcp import StdioServerParameters, stdio_client

            # A quick blocking mkdir is fine: this loop only serves these few MCP requests.
            logs_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
            # The server's own messages (stderr) go to a log file, not the app's console.
            errlog = stack.enter_context(
                (logs_dir / f"mcp-{entry.name}.log").open("a", encoding="utf-8")
            )
            command = StdioServerParameters(command=entry.command[0], args=entry.command[1:])
            streams = stdio_client(command, errlog=errlog)
        read, write = await stack.enter_async_context(streams)
        session = await stack.enter_async_context(ClientSession(read, write))
        await session.initialize()
        yield session


def result_text(result: CallToolResult) -> str:
    """A tool result as text: its text parts, else its structured content as JSON."""
    parts = []
    for block in result.content:
        text = getattr(block, "text", None)
        parts.append(text if isinstance(text, str) else f"[{block.type} content not shown]")
    if not any(parts) and result.structured_content is not None:
        parts = [json.dumps(result.structured_content, ensure_ascii=False)]
    return "\n".join(parts)


def remote_tool(entry: McpServerEntry, name: str, remote: Any, logs_dir: Path) -> Tool:
    """A registry tool named ``name`` that calls ``remote`` (an MCP tool) on ``entry``."""
    schema = dict(remote.input_schema or {})
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    schema.setdefault("required", [])

    async def call_remote(arguments: dict[str, Any]) -> CallToolResult:
        import anyio

        with anyio.fail_after(CALL_TIMEOUT_S):
            async with open_session(entry, logs_dir) as session:
                return await session.call_tool(remote.name, arguments)

    def call(**arguments: Any) -> str:
        try:
            result = run_blocking(lambda: call_remote(arguments))
        except Exception as exc:
            problem = reason(exc, CALL_TIMEOUT_S)
            raise ToolError(f"MCP server '{entry.name}' failed: {problem}") from None
        text = result_text(result)
        if result.is_error:
            raise ToolError(f"MCP server '{entry.name}' says: {text or 'the tool failed'}")
        return text

    description = remote.description or remote.title or f"The {remote.name} tool"
    return Tool(name, f"{description} (MCP server '{entry.name}')", schema, call)


async def _list_one(entry: McpServerEntry, logs_dir: Path) -> list[Any]:
    import anyio

    with anyio.fail_after(LIST_TIMEOUT_S):
        async with open_session(entry, logs_dir) as session:
            return list((await session.list_tools()).tools)


async def _list_all(
    entries: list[McpServerEntry], logs_dir: Path
) -> list[list[Any] | BaseException]:
    return await asyncio.gather(*(_list_one(e, logs_dir) for e in entries), return_exceptions=True)


def tool_name(server: str, tool: str) -> str:
    """``<server>__<tool>``, with characters tool names may not hold replaced by ``_``."""
    return f"{server}__{re.sub(r'[^A-Za-z0-9_-]', '_', tool)}"[:MAX_NAME]


def add_mcp_tools(registry: ToolRegistry, settings: Settings) -> list[SourceStatus]:
    """Add the tools of every server in ``settings.mcp_servers`` that answers; how each went.

    Never raises for a server: one that is down or misbehaves is logged and skipped.
    """
    global _last_status
    entries = settings.mcp_servers
    if not entries:
        _last_status = []
        return []
    listed = run_blocking(lambda: _list_all(entries, settings.logs_dir))
    statuses = []
    for entry, outcome in zip(entries, listed, strict=True):
        status = SourceStatus(entry.name, target(entry))
        statuses.append(status)
        if isinstance(outcome, BaseException):
            status.error = reason(outcome, LIST_TIMEOUT_S)
            log.warning(
                "MCP server '%s' (%s) is skipped: %s; it is tried again at the next start",
                entry.name,
                status.target,
                status.error,
            )
            continue
        for remote in outcome:
            name = tool_name(entry.name, remote.name)
            if name in registry:
                log.warning("MCP tool %s is skipped: a tool with that name exists", name)
                continue
            registry.add(remote_tool(entry, name, remote, settings.logs_dir))
            status.tools.append(name)
        log.info("MCP server '%s': %d tool(s) added", entry.name, len(status.tools))
    _last_status = statuses
    return statuses
