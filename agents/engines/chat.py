"""Plain chat: the conversation so far and the new prompt, answered token by token."""

from __future__ import annotations

from typing import Any

from agents import prompts
from agents.engines.base import RunContext

# An answer cut at the token limit of one model call is continued this many times at most.
CONTINUATIONS = 2
CONTINUE = "Continue exactly where you stopped, without repeating anything."
# Said after an answer that is still cut after its continuations: never a silent half answer.
CUT_SHORT = (
    '\n\n(The answer was cut short at its length limit; raise "Longest answer" in Settings '
    "for longer answers.)"
)


class ChatEngine:
    """Streams the model's answer through the run's address on the gateway; no tools.

    An answer the model server ends at its token limit (an essay at 512 tokens) is continued,
    and one still cut after that says so: a half answer never passes for a whole one."""

    name = "chat"

    async def run(self, context: RunContext) -> str:
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": prompts.load("chat_system")}
        ]
        messages += context.history
        messages.append({"role": "user", "content": context.question})
        answer = ""
        for turn in range(CONTINUATIONS + 1):
            part, cut = await self._part(context, messages)
            answer += part
            if not cut:
                return answer
            if turn < CONTINUATIONS:
                messages += [
                    {"role": "assistant", "content": part},
                    {"role": "user", "content": CONTINUE},
                ]
        await context.emit("token", {"text": CUT_SHORT})
        return answer + CUT_SHORT

    async def _part(self, context: RunContext, messages: list[dict[str, Any]]) -> tuple[str, bool]:
        """One model call's text, and whether the server cut it at the token limit."""
        parts: list[str] = []
        ended: list[str] = []
        async for text in context.client.stream(
            messages,
            usage=context.usage,
            ended=ended,
            max_tokens=context.max_tokens,
            temperature=context.temperature,
        ):
            parts.append(text)
            await context.emit("token", {"text": text})
        return "".join(parts), "length" in ended
