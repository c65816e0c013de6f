"""The code agent's steps as run events, and when to stop it: not writing code, going round
in circles, or stopped by the user."""

from __future__ import annotations

from collections import Counter
from typing import Any

from agents.engines.base import RunContext
from agents.engines.code_replies import thought_text

# This many steps in a row without code to run: the model is not following the format.
PARSE_FAILURE_LIMIT = 3
# The same code this many times in one run: the model is going round in circles.
REPEAT_LIMIT = 3
REPEATED = "the agent ran the same code"
# How much of a step's last value (when it printed nothing) the step shows.
VALUE_CHARS = 2000


class StepReporter:
    """smolagents step callback: reports each step as run events, and says when to stop."""

    def __init__(self, context: RunContext, executor: Any) -> None:
        self.context = context
        self.executor = executor
        self.parse_failures = 0
        self.code_seen: Counter[str] = Counter()
        self.stop_reason: str | None = None
        # Set once the run has ended without this thread: later steps are not reported.
        self.detached = False

    def _emit(self, data: dict[str, Any]) -> None:
        if not self.detached:
            self.context.emit_from_thread("step", data)

    def __call__(self, step: Any, agent: Any) -> None:
        from smolagents.utils import AgentParsingError

        self._count_usage(step)
        if thought := thought_text(step.model_output):
            self._emit({"kind": "thought", "text": thought})
        if step.code_action is not None:
            data: dict[str, Any] = {
                "kind": "code",
                "code": step.code_action,
                "output": self._output(step),
            }
            if step.error is not None:
                data["error"] = str(step.error)
            self._emit(data)
            self._count_repeat(step.code_action)
        parse_failed = isinstance(step.error, AgentParsingError)
        self.parse_failures = self.parse_failures + 1 if parse_failed else 0
        if self.parse_failures >= PARSE_FAILURE_LIMIT:
            self.stop_reason = (
                f"the model did not write runnable code {PARSE_FAILURE_LIMIT} times in a row"
            )
        if self.context.cancelled.is_set():
            self.stop_reason = "stopped"
        if self.stop_reason:
            agent.interrupt()

    def _output(self, step: Any) -> str:
        """What the step printed; without prints, its last value (the model sees that too)."""
        printed = str(self.executor.state.get("_print_outputs", ""))
        if printed or step.error is not None or step.action_output is None:
            return printed
        return str(step.action_output)[:VALUE_CHARS]

    def _count_repeat(self, code: str) -> None:
        key = " ".join(code.split())
        self.code_seen[key] += 1
        if self.code_seen[key] >= REPEAT_LIMIT:
            self.stop_reason = f"{REPEATED} {REPEAT_LIMIT} times"

    def _count_usage(self, step: Any) -> None:
        counts = step.token_usage
        if counts is not None:
            usage = self.context.usage
            for key, value in (
                ("prompt_tokens", counts.input_tokens),
                ("completion_tokens", counts.output_tokens),
                ("total_tokens", counts.total_tokens),
            ):
                usage[key] = int(usage.get(key, 0)) + value
