"""The tool registry as AutoGen tools, for the team engine's Executor.

Only the team engine imports this module, so AutoGen is loaded only when a team run starts.
"""

from __future__ import annotations

import asyncio
from typing import Any

from autogen_core import CancellationToken
from autogen_core.tools import BaseTool, ToolSchema
from pydantic import BaseModel, ConfigDict, create_model

from agents.tools.registry import Tool, ToolContext, ToolRegistry

# The agent name the tool calls are attributed to in run events and the audit log.
EXECUTOR = "Executor"


class RegistryTool(BaseTool[BaseModel, BaseModel]):
    """One registry tool seen by AutoGen: the registry's own schema, run by ``registry.call``.

    The arguments model accepts anything on purpose: the registry checks the arguments itself,
    so a wrong call is audited and its error reaches the model in the registry's words.
    """

    def __init__(self, tool: Tool, registry: ToolRegistry, context: ToolContext) -> None:
        fields: dict[str, Any] = {
            name: (Any, None) for name in tool.parameters.get("properties", {})
        }
        args_model = create_model(
            f"{tool.name}_args", __config__=ConfigDict(extra="allow"), **fields
        )
        super().__init__(args_model, str, tool.name, tool.description)  # type: ignore[arg-type]
        self._tool = tool
        self._registry = registry
        self._context = context

    @property
    def schema(self) -> ToolSchema:
        """Exactly the registry's JSON schema, not one re-derived from the arguments model."""
        return {
            "name": self._tool.name,
            "description": self._tool.description,
            "parameters": self._tool.parameters,  # type: ignore[typeddict-item]
            "strict": False,
        }

    async def run(self, args: BaseModel, cancellation_token: CancellationToken) -> Any:
        """The tool's result text; a ToolError propagates, and AutoGen hands its message to the
        model as an error result (``is_error``), so the model can correct itself."""
        arguments = args.model_dump(exclude_unset=True)
        return await asyncio.to_thread(
            self._registry.call, self._tool.name, arguments, self._context
        )


def autogen_tools(registry: ToolRegistry, context: ToolContext) -> list[BaseTool[Any, Any]]:
    """Every registry tool as an AutoGen tool whose calls are attributed to the Executor."""
    executor_context = context.for_agent(EXECUTOR)
    return [RegistryTool(tool, registry, executor_context) for tool in registry.tools]
