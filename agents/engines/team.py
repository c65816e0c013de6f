"""The team engine: an AutoGen group chat where a Planner plans and an Executor uses the tools.

They take turns (Planner first) until a message says "FINAL ANSWER:" or the turns run out.
AutoGen is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agents import prompts
from agents.engines.base import EngineStopped, RunContext, model_failure, until_set

if TYPE_CHECKING:
    from autogen_agentchat.teams import RoundRobinGroupChat
    from autogen_core import CancellationToken
    from autogen_ext.models.openai import OpenAIChatCompletionClient

PLANNER, EXECUTOR = "Planner", "Executor"
FINAL_MARK = "FINAL ANSWER"
# However the model capitalises it ("Final ANSWER: …", "final answer - …").
# The mark: "FINAL ANSWER" in capitals, or the words in any case with a colon (or a dash);
# "do not write the final answer yet" is none.
_FINAL = re.compile(r"\bFINAL\s+ANSWER\b\s*[:\-]?\s*|\b(?i:final\s+answer)\s*[:\-]\s*")
# The one extra turn the Planner gets when the chat ended before anyone wrote the answer.
LAST_WORD = (
    "The chat is over. Write the final answer for the user now, starting with "
    '"FINAL ANSWER:", using only what the Executor found.'
)
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
    """What the team is asked: the question (with passages, if any; rewritten to stand alone
    when it points back) after a short recap."""
    question = context.task
    recent = context.history[-HISTORY_TURNS:]
    if not recent:
        return question
    recap = "\n".join(
        f"{m['role']}: {' '.join(m['content'].split())[:HISTORY_CHARS]}" for m in recent
    )
    return f"Conversation so far:\n{recap}\n\nTask: {question}"


def final_answer(text: str) -> str | None:
    """The text after the last "FINAL ANSWER:", or None when ``text`` holds no final answer."""
    marks = list(_FINAL.finditer(text))
    return text[marks[-1].end() :].strip() if marks else None


class Referee:
    """Decides when the team's chat is over, message by message.

    A final answer counts only once the Executor has spoken: a Planner that answers in its
    own plan has guessed, not worked it out. A Planner that says the same thing twice in a row
    has nothing new to add, so the chat ends there too (with its final answer, if it gave one).
    """

    def __init__(self) -> None:
        self.executor_spoke = False
        self.answer: str | None = None
        self.planner_said = ""
        self.circled = False
        # What the agents said, in order, for a last call when the chat ends with no answer.
        self.said: list[tuple[str, str]] = []

    def __call__(self, messages: Sequence[Any]) -> bool:
        from autogen_agentchat.messages import BaseChatMessage

        for message in messages:
            if not isinstance(message, BaseChatMessage):
                continue
            if message.source not in (PLANNER, EXECUTOR):
                continue
            text = message.to_text()
            self.said.append((message.source, text))
            found = final_answer(text)
            if found and (self.executor_spoke or message.source == EXECUTOR):
                self.answer = found
                return True
            if message.source == EXECUTOR:
                self.executor_spoke = True
            elif text.strip() == self.planner_said:
                self.circled = True  # the same message again: the chat goes round in circles
                return True
            else:
                self.planner_said = text.strip()
        return False


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


def _team(
    client: OpenAIChatCompletionClient, context: RunContext, referee: Referee
) -> RoundRobinGroupChat:
    from autogen_agentchat.agents import AssistantAgent
    from autogen_agentchat.conditions import FunctionalTermination, MaxMessageTermination
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
    # Only the agents can end the chat (the referee reads their messages alone), not a task
    # that quotes the words. The task message counts as one message, hence the +1.
    stop = FunctionalTermination(referee) | MaxMessageTermination(
        team_turns(context.limits.max_steps) + 1
    )
    return RoundRobinGroupChat([planner, executor], termination_condition=stop)


class TeamEngine:
    """A Planner and an Executor (with the tools) talk until the Planner gives the answer."""

    name = "team"

    async def run(self, context: RunContext) -> str:
        """The team's final answer; EngineStopped when stopped or out of turns."""
        client = _model_client(context)
        referee = Referee()
        try:
            answer = await self._run_team(_team(client, context, referee), context, referee)
        finally:
            await client.close()
        await context.emit("token", {"text": answer})
        return answer

    async def _run_team(
        self, team: RoundRobinGroupChat, context: RunContext, referee: Referee
    ) -> str:
        """Run the chat until it ends, the run is stopped, or this task is cancelled."""
        from autogen_core import CancellationToken

        token = CancellationToken()
        chat = asyncio.create_task(self._chat(team, context, token, referee))
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
        self,
        team: RoundRobinGroupChat,
        context: RunContext,
        token: CancellationToken,
        referee: Referee,
    ) -> str:
        """Run the group chat, announcing each agent message; the final answer."""
        from autogen_agentchat.base import TaskResult
        from autogen_agentchat.messages import BaseChatMessage, ThoughtEvent

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
        except RuntimeError as error:
            raise team_error(error) from error
        if referee.answer is None and referee.executor_spoke:
            # The Executor found something, but nobody wrote the answer: the Planner is asked
            # once more, with the whole exchange, to write it now.
            referee.answer = await self._last_word(context, referee)
        if referee.answer is None:
            turns = team_turns(context.limits.max_steps)
            if referee.circled:
                raise EngineStopped("the team went round in circles without a final answer")
            raise EngineStopped(f"the team used its {turns} turns without a final answer")
        return referee.answer

    async def _last_word(self, context: RunContext, referee: Referee) -> str | None:
        """The Planner's final answer from the exchange so far, or None when it gives none."""
        exchange = "\n\n".join(f"{source}: {text}" for source, text in referee.said)
        messages = [
            {"role": "system", "content": prompts.load("team_planner")},
            {
                "role": "user",
                "content": f"Task: {task_text(context)}\n\nWhat the team found:\n{exchange}\n\n"
                f"{LAST_WORD}",
            },
        ]
        reply = await context.client.complete(
            messages, max_tokens=context.max_tokens, temperature=context.temperature
        )
        text = reply.content.strip()
        await context.emit("step", {"kind": "message", "text": text}, PLANNER)
        return final_answer(text)
