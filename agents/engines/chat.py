"""Plain chat: the conversation so far and the new prompt, answered token by token."""

from __future__ import annotations

from agents import prompts
from agents.engines.base import RunContext


class ChatEngine:
    """Streams the model's answer through the run's address on the gateway; no tools."""

    name = "chat"

    async def run(self, context: RunContext) -> str:
        messages = [{"role": "system", "content": prompts.load("chat_system")}]
        messages += context.history
        messages.append({"role": "user", "content": context.question})
        parts: list[str] = []
        async for text in context.client.stream(
            messages,
            usage=context.usage,
            max_tokens=context.max_tokens,
            temperature=context.temperature,
        ):
            parts.append(text)
            await context.emit("token", {"text": text})
        return "".join(parts)
