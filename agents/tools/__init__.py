"""One tool registry for every engine (see ``registry``), the built-in tools and adapters."""

from agents.tools.registry import (
    Tool,
    ToolCallRecord,
    ToolContext,
    ToolError,
    ToolRegistry,
    arguments_from_json,
)

__all__ = [
    "Tool",
    "ToolCallRecord",
    "ToolContext",
    "ToolError",
    "ToolRegistry",
    "arguments_from_json",
]
