"""Our registry's tools as smolagents tools, so code the code agent writes calls them through the
registry (which checks, audits and announces every call).

Imports smolagents: only the code engine imports this module.
"""

from __future__ import annotations

from typing import Any

from smolagents import Tool as SmolagentsTool

from agents.tools.registry import Tool, ToolContext, ToolError, ToolRegistry

# The JSON schema types smolagents accepts for tool inputs; any other is shown as "any".
SMOLAGENTS_TYPES = frozenset({"string", "boolean", "integer", "number", "array", "object", "any"})


def smolagents_inputs(parameters: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """smolagents ``inputs`` from a JSON schema: one entry per property, in order.

    Optional arguments are ``nullable``, as smolagents wants; the model may pass None for them,
    which means "not given".
    """
    required = set(parameters.get("required", []))
    inputs: dict[str, dict[str, Any]] = {}
    for name, schema in parameters.get("properties", {}).items():
        kinds = schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        known = [kind for kind in kinds if kind in SMOLAGENTS_TYPES]
        entry: dict[str, Any] = {
            "type": known[0] if len(known) == 1 else "any",
            "description": schema.get("description") or name.replace("_", " "),
        }
        if name not in required or "null" in kinds:
            entry["nullable"] = True
        inputs[name] = entry
    return inputs


def smolagents_tool(registry: ToolRegistry, tool: Tool, context: ToolContext) -> SmolagentsTool:
    """One registry tool as a smolagents ``Tool`` whose ``forward`` calls ``registry.call``.

    Generated code may pass arguments by position or by name. A refused or failed call raises
    ToolError, which the executor reports to the model as the step's error.
    """
    inputs = smolagents_inputs(tool.parameters)
    order = list(inputs)
    required = set(tool.parameters.get("required", []))

    def forward(self: SmolagentsTool, *args: Any, **kwargs: Any) -> str:
        if len(args) > len(order):
            raise ToolError(f"{tool.name} takes at most {len(order)} arguments: {', '.join(order)}")
        arguments = dict(zip(order, args, strict=False))
        for name, value in kwargs.items():
            if name in arguments:
                raise ToolError(f"{tool.name} got two values for '{name}'")
            arguments[name] = value
        arguments = {k: v for k, v in arguments.items() if v is not None or k in required}
        return registry.call(tool.name, arguments, context)

    # The registry and context live in the closure, not as attributes the generated code could
    # reach; forward takes *args, so smolagents' check of its signature is skipped.
    attributes = {
        "__module__": __name__,
        "name": tool.name,
        "description": tool.description,
        "inputs": inputs,
        "output_type": "string",
        "skip_forward_signature_validation": True,
        "forward": forward,
    }
    tool_class = type(f"{tool.name}_tool", (SmolagentsTool,), attributes)
    instance: SmolagentsTool = tool_class()
    return instance


def smolagents_tools(registry: ToolRegistry, context: ToolContext) -> list[SmolagentsTool]:
    """Every tool in ``registry`` as a smolagents tool bound to the run's ``context``."""
    return [smolagents_tool(registry, tool, context) for tool in registry.tools]
