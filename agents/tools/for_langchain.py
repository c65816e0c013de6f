"""Our registry's tools as LangChain tools, so a LangChain agent calls them through the registry.

Imports LangChain: only the single engine imports this module.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException

from agents.tools.registry import Tool, ToolContext, ToolError, ToolRegistry


def langchain_tool(registry: ToolRegistry, tool: Tool, context: ToolContext) -> BaseTool:
    """One registry tool as a ``StructuredTool`` whose schema is the tool's JSON schema.

    Calls go through ``ToolRegistry.call`` (which checks, audits and announces them) in a worker
    thread, so a slow tool never blocks the event loop. A refused or failed call comes back to
    the model as the tool message text, so the agent can correct itself.
    """

    async def call(**arguments: Any) -> str:
        try:
            return await asyncio.to_thread(registry.call, tool.name, arguments, context)
        except ToolError as exc:
            # LangChain turns a ToolException into an error ToolMessage carrying this text.
            raise ToolException(f"Error: {exc}") from exc

    return StructuredTool(
        name=tool.name,
        description=tool.description,
        args_schema=tool.parameters,
        coroutine=call,
        handle_tool_error=True,
    )


def langchain_tools(registry: ToolRegistry, context: ToolContext) -> list[BaseTool]:
    """Every tool in ``registry`` as a LangChain tool bound to the run's ``context``."""
    return [langchain_tool(registry, tool, context) for tool in registry.tools]
