"""OpenAPI ``responses=`` entries for what is not a JSON body: event streams and downloads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

TEXT = {"schema": {"type": "string"}}


def event_stream(
    description: str, json_model: type[BaseModel] | None = None
) -> dict[int | str, dict[str, Any]]:
    """A ``text/event-stream`` 200 (each message's ``data`` is JSON); with ``json_model``, the
    route answers that JSON body instead when streaming is not asked for."""
    entry: dict[str, Any] = {"description": description, "content": {"text/event-stream": TEXT}}
    if json_model is not None:
        entry["model"] = json_model
    return {200: entry}


def download(description: str, json_model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """A file download: Markdown, or JSON shaped as ``json_model`` (``?format=json``)."""
    return {
        200: {
            "description": description,
            "model": json_model,
            "content": {"text/markdown": TEXT},
        }
    }
