"""``/v1``: the OpenAI-compatible API's models and chat completions."""

from __future__ import annotations

from typing import Any, Literal

from backend.api.schemas.base import ApiModel


class ModelCard(ApiModel):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class ModelList(ApiModel):
    object: Literal["list"]
    data: list[ModelCard]


class AssistantMessage(ApiModel):
    role: Literal["assistant"]
    content: str


class Choice(ApiModel):
    index: int
    message: AssistantMessage
    finish_reason: str
    logprobs: None


class Usage(ApiModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class RunInfo(ApiModel):
    """AgentDesk's extension: where the run is recorded and which documents it used."""

    run_id: str
    conversation_id: str | None
    mode: str
    engine: str
    status: str
    sources: list[dict[str, Any]]


class ChatCompletion(ApiModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    agentdesk: RunInfo
