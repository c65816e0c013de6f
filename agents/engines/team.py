"""The team engine: an AutoGen group chat where a Planner plans and an Executor uses the tools.

They take turns (Planner first) until a message says "FINAL ANSWER:" or the turns run out.
AutoGen is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from agents import prompts
from agents.engines.base import EngineStopped, RunContext, model_failure, until_set

if TYPE_CHECKING:
    from autogen_agentchat.teams import RoundRobinGroupChat
    from autogen_core import CancellationToken
    from autogen_ext.models.openai import OpenAIChatCompletionClient

PLANNER, EXECUTOR = "Planner", "Executor"
FINAL_MARK = "FINAL ANSWER"
_FINAL = re.compile(rf"{FINAL_MARK}:?\s*(.*)", re.DOTALL)
# How often the run's stop flag is checked; a stop then cancels the model call in flight.
STOP_POLL_SECONDS = 0.1
# The earlier conversation goes in the task text, kept short: the newest turns, each clipped.
HISTORY_TURNS = 6
HISTORY_CHARS = 300


def team_turns(max_steps: int) -> int:
    """Agent messages the team may write: a Planner and an Executor turn per step, plus the
    Planner's final answer."""
    return 2 * max(1, max_steps) + 1


def task_text(context: RunContext) -> str:
    """What the team is asked: the question (with passages, if any) after a short recap."""
    question = context.question
    recent = context.history[-HISTORY_TURNS:]
    if not recent:
        return question
    recap = "\n".join(
        f"{m['role']}: {' '.join(m['content'].split())[:HISTORY_CHARS]}" for m in recent
    )
    return f"Conversation so far:\n{recap}\n\nTask: {question}"


def final_answer(text: str) -> str | None:
    """The text after "FINAL ANSWER:", or None when ``text`` holds no final answer."""
    found = _FINAL.search(text)
    return found.group(1).strip() if found else None


def team_error(error: RuntimeError) -> Exception:
    """A clear error for a failure inside the group chat.

    AutoGen re-raises an agent's failure as a RuntimeError holding the original error's type,
    message and traceback as text; the user gets the first line, as a model error if it is one.
    """
    first_line = str(error).split("\n", 1)[0].strip()
    return model_failure(first_line) or RuntimeError(f"the team failed: {first_line}")


def _model_client(context: RunContext) -> OpenAIChatCompletionClient:
    from autogen_ext.models.openai import OpenAIChatCompletionClient

    from agents.engines.http_clients import async_client

    endpoint = context.endpoint
    if endpoint is None:
        raise RuntimeError("the team engine needs a model endpoint (RunContext.endpoint)")
    return OpenAIChatCompletionClient(
        model=endpoint.model or "local",
        base_url=endpoint.base_url,
        api_key=endpoint.api_key or "none",
        model_info={
            "vision": False,
            "function_calling": True,
            "json_output": True,
            "family": "unknown",
            "structured_output": True,
        },
        temperature=context.temperature,
        max_tokens=context.max_tokens,
        # The gateway behind the endpoint already retries; a stopped run must not be retried.
        max_retries=0,
        # Passed through to AsyncOpenAI (its TypedDict does not list it): one TLS context.
        http_client=async_client(context.limits.max_seconds),  # type: ignore[call-arg]
    )


def _team(client: OpenAIChatCompletionClient, context: RunContext) -> RoundRobinGroupChat:
    from autogen_agentchat.agents import AssistantAgent
    from autogen_agentchat.conditions import MaxMessageTermination, TextMentionTermination
    from autogen_agentchat.teams import RoundRobinGroupChat

    from agents.tools.for_autogen import autogen_tools

    planner = AssistantAgent(
        PLANNER,
        model_client=client,
        description="Plans the work and writes the final answer.",
        system_message=prompts.load("team_planner"),
    )
    executor = AssistantAgent(
        EXECUTOR,
        model_client=client,
        tools=[*autogen_tools(context.tools, context.tool_context)],
        description="Carries out the plan's steps with tools.",
        system_message=prompts.load("team_executor"),
        reflect_on_tool_use=True,
    )
    # Only the agents can end the chat with a final answer, not a task that quotes the words.
    # The task message counts as one message, hence the +1.
    stop = TextMentionTermination(FINAL_MARK, sources=[PLANNER, EXECUTOR]) | MaxMessageTermination(
        team_turns(context.limits.max_steps) + 1
    )
    return RoundRobinGroupChat([planner, executor], termination_condition=stop)


class TeamEngine:
    """A Planner and an Executor (with the tools) talk until the Planner gives the answer."""

    name = "team"

    async def run(self, context: RunContext) -> str:
        """The team's final answer; EngineStopped when stopped or out of turns."""
        client = _model_client(context)
        try:
            answer = await self._run_team(_team(client, context), context)
        finally:
            await client.close()
        await context.emit("token", {"text": answer})
        return answer

    async def _run_team(self, team: RoundRobinGroupChat, context: RunContext) -> str:
        """Run the chat until it ends, the run is stopped, or this task is cancelled."""
        from autogen_core import CancellationToken

        token = CancellationToken()
        chat = asyncio.create_task(self._chat(team, context, token))
        stop = asyncio.create_task(until_set(context.cancelled, STOP_POLL_SECONDS))
        try:
            # Waiting this way (not `await chat`) keeps the chat running if this task is
            # cancelled, so the token can stop it cleanly in `finally`.
            await asyncio.wait({chat, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            if not chat.done():
                token.cancel()  # cancels the model call or tool wait in flight
                await asyncio.wait({chat})
        if context.cancelled.is_set() and (chat.cancelled() or chat.exception() is not None):
            raise EngineStopped("stopped")
        return chat.result()

    async def _chat(
        self, team: RoundRobinGroupChat, context: RunContext, token: CancellationToken
    ) -> str:
        """Run the group chat, announcing each agent message; the final answer."""
        from autogen_agentchat.base import TaskResult
        from autogen_agentchat.messages import BaseChatMessage, ThoughtEvent

        answer: str | None = None
        stream = team.run_stream(
            task=task_text(context), cancellation_token=token, output_task_messages=False
        )
        try:
            async for item in stream:
                # Tool calls and results are announced by the registry itself.
                if isinstance(item, TaskResult) or item.source not in (PLANNER, EXECUTOR):
                    continue
                if isinstance(item, ThoughtEvent):
                    step = {"kind": "thought", "text": item.content}
                    await context.emit("step", step, item.source)
                elif isinstance(item, BaseChatMessage):
                    text = item.to_text()
                    await context.emit("step", {"kind": "message", "text": text}, item.source)
                    answer = final_answer(text) if FINAL_MARK in text else answer
        except RuntimeError as error:
            raise team_error(error) from error
        if answer is None:
            turns = team_turns(context.limits.max_steps)
            raise EngineStopped(f"the team used its {turns} turns without a final answer")
        return answer
