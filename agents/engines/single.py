"""The single engine: one LangChain tool-calling agent using the registry's tools.

LangChain, LangGraph and langchain-openai are imported when a run starts, never at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from typing import TYPE_CHECKING, Any, cast

from agents import prompts
from agents.engines.base import EngineStopped, RunContext, model_failure, until_set
from agents.followup import refers_back
from agents.intents import general_question

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from langchain.agents.middleware.types import InputAgentState
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_openai import ChatOpenAI

# The same call (tool and arguments) asked for this many times in one run means a loop.
REPEAT_LIMIT = 3
# How often a run waiting on the model or a tool looks at its ``cancelled`` flag.
CANCEL_POLL_SECONDS = 0.05


def recursion_limit(max_steps: int) -> int:
    """LangGraph's ``recursion_limit`` for a budget of ``max_steps`` tool rounds.

    A tool round is two graph steps (the model asks, the tools node answers) and the final
    answer one more; LangGraph also counts the check that finds the graph ended, so
    ``max_steps`` rounds plus the answer need ``2 * max_steps + 2``. ``LoopGuard`` ends the run
    first (before an extra round's tools run); this limit is the backstop.
    """
    return 2 * max(1, max_steps) + 2


def out_of_steps(max_steps: int) -> EngineStopped:
    return EngineStopped(f"the agent used its {max_steps} steps without a final answer")


class LoopGuard:
    """Ends a run whose model keeps asking for tools: past its step budget, or repeating itself.

    A step is one tool round: a model turn asking for tools, then those tools. The model may
    take ``max_steps`` of them and must then answer.
    """

    def __init__(self, max_steps: int, repeat_limit: int = REPEAT_LIMIT) -> None:
        self.max_steps = max(1, max_steps)
        self.repeat_limit = repeat_limit
        self.rounds = 0
        self.seen: Counter[tuple[str, str]] = Counter()

    def check(self, tool_calls: list[Any]) -> None:
        """Count a model turn asking for ``tool_calls``; EngineStopped when it is one too many."""
        self.rounds += 1
        if self.rounds > self.max_steps:
            raise out_of_steps(self.max_steps)
        for call in tool_calls:
            name = str(call.get("name", ""))
            key = (name, json.dumps(call.get("args", {}), sort_keys=True, default=str))
            self.seen[key] += 1
            if self.seen[key] >= self.repeat_limit:
                raise EngineStopped(
                    f"the agent repeated the same call to {name} {self.repeat_limit} times"
                )


def _chat_model(context: RunContext, http_client: Any, sync_http: Any) -> ChatOpenAI:
    """The run's model. The HTTP clients are the run's own, so no connection outlives the run
    (langchain-openai otherwise shares a cached client bound to the first event loop)."""
    from langchain_openai import ChatOpenAI

    endpoint = context.endpoint
    if endpoint is None:
        raise RuntimeError("the single engine needs a model endpoint in its RunContext")
    return ChatOpenAI(
        base_url=endpoint.base_url,
        api_key=endpoint.api_key or "none",  # type: ignore[arg-type]
        model=endpoint.model or "local",
        temperature=context.temperature,
        max_tokens=context.max_tokens,  # type: ignore[call-arg]
        # Retries and fallbacks are the manager's job; the run's time budget bounds one call.
        max_retries=0,
        timeout=context.limits.max_seconds,
        http_async_client=http_client,
        # Given, though runs only call the async side, so none is built with a TLS context of
        # its own.
        http_client=sync_http,
    )


# Appended to a general question with no passages: given tools, a small model calls one anyway
# (the calculator's own example for "How many legs does a spider have?"). At the end, so the
# system prompt (and llama.cpp's cached prefix) stays the same.
NO_TOOL_NEEDED = "(A question of general knowledge: answer it from what you know, with no tool.)"


def _messages(context: RunContext) -> list[dict[str, str]]:
    question = context.question
    alone = not refers_back(context.prompt, context.history)
    if not context.sources and alone and general_question(context.prompt):
        question = f"{question}\n{NO_TOOL_NEEDED}"
    return [*context.history, {"role": "user", "content": question}]


def _ai_messages(update: Any) -> list[AIMessage]:
    """The model's messages in one ``updates`` item (``{node: {"messages": [...]}}``)."""
    from langchain_core.messages import AIMessage

    found: list[AIMessage] = []
    if isinstance(update, dict):
        for state in update.values():
            messages = state.get("messages", []) if isinstance(state, dict) else []
            found += [m for m in messages if isinstance(m, AIMessage)]
    return found


def _count_usage(usage: dict[str, Any], message: AIMessage) -> None:
    counts = message.usage_metadata
    if counts:
        for key, value in (
            ("prompt_tokens", counts["input_tokens"]),
            ("completion_tokens", counts["output_tokens"]),
            ("total_tokens", counts["total_tokens"]),
        ):
            usage[key] = int(usage.get(key, 0)) + value


# A tool's result shown to the last word, cut to this many characters.
LAST_WORD_RESULT_CHARS = 1500


async def last_word(context: RunContext, stop: EngineStopped) -> str:
    """The answer from what the tools returned, asked for once, when the agent kept calling
    tools (out of steps or repeating a call) after some had answered; ``stop`` again when
    none had, or no answer comes."""
    found = list(context.tool_context.answered.items())[-4:]
    if not found:
        raise stop
    results = "\n".join(
        f"- {key.split(' ', 1)[0]}: {result[:LAST_WORD_RESULT_CHARS]}" for key, result in found
    )
    step = f"Stopped because {stop}; asked to answer from the tools' results."
    await context.emit("step", {"kind": "thought", "text": step})
    text = prompts.load("single_last_word").format(
        reason=stop, question=context.question, tool_results=results
    )
    reply = await context.client.complete(
        [*context.history, {"role": "user", "content": text}],
        max_tokens=context.max_tokens,
        temperature=context.temperature,
    )
    answer = reply.content.strip()
    if not answer:
        raise stop
    return answer


class SingleEngine:
    """A LangChain ``create_agent`` loop: the model calls tools until it can answer."""

    name = "single"

    async def run(self, context: RunContext) -> str:
        """Run the agent; EngineStopped when stopped, out of steps or looping."""
        work = asyncio.ensure_future(self._run_agent(context))
        watch = asyncio.ensure_future(until_set(context.cancelled, CANCEL_POLL_SECONDS))
        try:
            await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Reached on a finish, on the stop flag and when this task itself is cancelled:
            # either way nothing of the run may outlive it.
            watch.cancel()
            work.cancel()
            await asyncio.gather(work, watch, return_exceptions=True)
        if work.cancelled():
            raise EngineStopped("stopped")
        return work.result()

    async def _run_agent(self, context: RunContext) -> str:
        from agents.engines.http_clients import async_client, sync_client

        timeout = context.limits.max_seconds
        with sync_client(timeout) as sync_http:
            async with async_client(timeout) as http:
                return await self._drive(_chat_model(context, http, sync_http), context)

    async def _drive(self, model: BaseChatModel, context: RunContext) -> str:
        from langchain.agents import create_agent
        from langgraph.errors import GraphRecursionError
        from openai import APIConnectionError, APIStatusError

        from agents.tools.for_langchain import langchain_tools

        agent = create_agent(
            model,
            langchain_tools(context.tools, context.tool_context),
            system_prompt=prompts.load("single_system"),
            name=self.name,
        )
        guard = LoopGuard(context.limits.max_steps)
        answer = ""
        # astream is an async generator; closing it on an early stop ends the graph run at once.
        updates = cast(
            "AsyncGenerator[Any, None]",
            agent.astream(
                cast("InputAgentState", {"messages": _messages(context)}),
                {"recursion_limit": recursion_limit(guard.max_steps)},
                stream_mode="updates",
            ),
        )
        try:
            async with contextlib.aclosing(updates):
                async for update in updates:
                    if context.cancelled.is_set():
                        raise EngineStopped("stopped")
                    for message in _ai_messages(update):
                        _count_usage(context.usage, message)
                        text = str(message.text).strip()
                        if message.tool_calls:
                            if text:
                                await context.emit("step", {"kind": "thought", "text": text})
                            guard.check(message.tool_calls)
                        else:
                            answer = text
        except GraphRecursionError:
            answer = await last_word(context, out_of_steps(guard.max_steps))
        except EngineStopped as stop:
            if context.cancelled.is_set():
                raise
            answer = await last_word(context, stop)
        except (APIConnectionError, APIStatusError) as exc:
            if context.cancelled.is_set():
                raise EngineStopped("stopped") from None
            where = context.endpoint.base_url if context.endpoint else ""
            raise (model_failure(exc, where) or exc) from exc
        if answer:
            await context.emit("token", {"text": answer})
        return answer
