"""The code engine: a smolagents CodeAgent that answers by writing Python, run in the sandbox.

smolagents is imported when a run starts, never at import time. The agent is synchronous, so it
runs in a worker thread and reports each step through ``RunContext.emit_from_thread``.
"""

from __future__ import annotations

import asyncio
import re
from functools import cache
from typing import Any

from agents.engines.base import EngineStopped, RunContext, model_failure
from agents.engines.code_replies import shown_value, tidy_model_class
from agents.engines.code_steps import REPEATED, StepReporter
from agents.intents import FILE_EXTENSIONS, NAMED_FILE, intent_of, pure_computation
from agents.prompts import PROMPTS_DIR
from backend.llm.errors import ModelError

# How often the waiting run looks at its ``cancelled`` flag.
CANCEL_POLL_SECONDS = 0.05
# How long a cancelled run waits for its worker thread to notice: enough for code and tools;
# a model call in flight may take longer and then fails (its client is closed).
STOP_GRACE_SECONDS = 1.0


@cache
def _prompt_templates_text() -> str:
    return (PROMPTS_DIR / "code_agent.yaml").read_text(encoding="utf-8")


def prompt_templates() -> dict[str, Any]:
    """The code agent's smolagents prompt templates, from agents/prompts/code_agent.yaml."""
    import yaml

    templates: dict[str, Any] = yaml.safe_load(_prompt_templates_text())
    return templates


# Appended to a task that is a pure computation, where small models like to search first.
COMPUTE_ONLY = "(This is a computation: compute it in Python, call no tool, then final_answer.)"


# A workspace file the task names, with its folder ("notes/meeting.txt").
_FILE_PATH = re.compile(rf"(?<![\w/.-])[\w-][\w/.-]*\.{FILE_EXTENSIONS}\b", re.I)
_SAVES = re.compile(r"\b(?:save|create|store|append)\b|\bwrite\b[^.?!]*\b(?:to|into)\b", re.I)


def file_hint(prompt: str) -> str:
    """A line naming the tool for the workspace file the task names, or "": a small code model
    searched the documents for "notes/meeting.txt" and looped over list_files' text."""
    if intent_of(prompt) is not NAMED_FILE:
        return ""
    path = _FILE_PATH.search(prompt)
    if path is None:
        return ""
    if _SAVES.search(prompt):
        return (
            f'(Save the file with final_answer(write_file(path="{path[0]}", content=...)), '
            "the content built in Python.)"
        )
    return (
        f'(The file {path[0]} is in the workspace: first print(read_file(path="{path[0]}")) '
        "to see its text, then answer from what it holds.)"
    )


def task_text(context: RunContext) -> str:
    """What the agent is asked: the conversation so far, if any, then the (grounded) prompt;
    a follow-up that points back ("And in 12 kilometres?") rewritten to stand alone instead.

    A pure computation gets no passages and a line saying no tool is needed; it goes at the
    end of the task, so the system prompt (and llama.cpp's cached prefix) stays the same.
    """
    asked = context.standalone or context.prompt
    if pure_computation(asked):
        question = f"{asked}\n{COMPUTE_ONLY}"
    else:
        hint = file_hint(asked)
        question = f"{context.task}\n{hint}" if hint else context.task
    if not context.history or asked != context.prompt:
        # A follow-up rewritten to stand alone holds what it needs of the conversation; with
        # the conversation in front of it too, the small model answered the prompt's example.
        return question
    said = "\n".join(f"{turn['role']}: {turn['content']}" for turn in context.history)
    return f"The conversation so far:\n{said}\n\nThe task:\n{question}"


class _CodeRun:
    """One run of the agent, in a worker thread; the event loop side may abort it."""

    def __init__(self, context: RunContext, sandbox_limits: dict[str, Any]) -> None:
        self.context = context
        self.sandbox_limits = sandbox_limits
        self.model: Any = None
        self.reporter: StepReporter | None = None

    def abort(self) -> None:
        """Close the model's HTTP client, so a stopped run makes no further model calls."""
        if self.model is not None:
            self.model.client.close()

    def detach(self) -> None:
        """The run has ended without waiting for this thread: it reports nothing more."""
        if self.reporter is not None:
            self.reporter.detached = True

    def _agent(self) -> Any:
        """The CodeAgent for this run: the run's endpoint and tools, the sandbox, short prompts."""
        from smolagents import CodeAgent
        from smolagents.monitoring import LogLevel

        from agents.engines.http_clients import sync_client
        from agents.engines.sandbox import ALLOWED_IMPORTS, SandboxExecutor
        from agents.tools.for_smolagents import smolagents_tools

        context, endpoint = self.context, self.context.endpoint
        assert endpoint is not None  # CodeEngine.run checked it
        self.model = tidy_model_class()(
            model_id=endpoint.model or "local",
            api_base=endpoint.base_url,
            api_key=endpoint.api_key or "none",
            # Retries and fallbacks are the manager's job; the run's time budget bounds one call.
            client_kwargs={
                "max_retries": 0,
                "timeout": context.limits.max_seconds,
                "http_client": sync_client(context.limits.max_seconds),
            },
            retry=False,
            temperature=context.temperature,
            max_tokens=context.max_tokens,
        )
        executor = SandboxExecutor(**self.sandbox_limits, should_stop=context.cancelled.is_set)
        self.reporter = StepReporter(context, executor)
        agent = CodeAgent(
            tools=smolagents_tools(context.tools, context.tool_context.as_data()),
            model=self.model,
            prompt_templates=prompt_templates(),
            additional_authorized_imports=list(ALLOWED_IMPORTS),
            executor=executor,
            executor_type="local",
            max_steps=context.limits.max_steps,
            step_callbacks=[self.reporter],
            verbosity_level=LogLevel.OFF,
        )
        # The prompt names exactly what the sandbox allows (smolagents adds its own defaults).
        agent.authorized_imports = list(ALLOWED_IMPORTS)
        return agent

    def __call__(self) -> str:
        """Run the agent to its final answer; EngineStopped, ModelError or ModelUnavailable."""
        from smolagents.memory import ActionStep, FinalAnswerStep
        from smolagents.utils import AgentError, AgentGenerationError

        agent, steps = self._agent(), self.context.limits.max_steps
        reporter = self.reporter
        assert reporter is not None
        out_of_steps = f"the code agent used its {steps} steps without a final answer"
        # Streaming the steps lets the run end at the step budget, where smolagents would ask
        # the model for one more (unchecked) answer.
        task = task_text(self.context)
        stream = agent.run(task, stream=True, max_steps=steps)
        ended = ""
        try:
            for item in stream:
                if isinstance(item, FinalAnswerStep):
                    return shown_value(item.output)
                if not isinstance(item, ActionStep) or item.is_final_answer:
                    continue
                if reporter.stop_reason:
                    if not reporter.stop_reason.startswith(REPEATED):
                        raise EngineStopped(reporter.stop_reason)
                    ended = reporter.stop_reason
                    break
                if item.model_output is None and item.error is None:
                    continue  # the model call failed: its error comes out of the stream next
                if item.step_number >= steps:
                    ended = out_of_steps
                    break
        except AgentGenerationError as exc:
            raise self._model_failure(exc) from exc
        except AgentError as exc:
            if agent.interrupt_switch:
                raise EngineStopped(reporter.stop_reason or "stopped") from exc
            raise
        finally:
            stream.close()
            # The sandbox's worker process ends with the run, not when it is garbage.
            agent.cleanup()
        # Going round in circles or out of steps, with its findings in memory: the model is
        # asked once to answer from them (smolagents' final-answer prompt), then the gate checks.
        answer = self._last_word(agent, task) if not self.context.cancelled.is_set() else ""
        if answer:
            return answer
        raise EngineStopped(ended or out_of_steps)

    def _last_word(self, agent: Any, task: str) -> str:
        """The model's answer from what the steps found; "" when it gives none."""
        message = agent.provide_final_answer(task)
        text = message.content if isinstance(message.content, str) else ""
        if not text and isinstance(message.content, list):
            text = "".join(str(part.get("text", "")) for part in message.content)
        text = text.strip()
        if not text or text.startswith("Error in generating final LLM output"):
            return ""
        self.context.emit_from_thread("step", {"kind": "thought", "text": f"Final answer: {text}"})
        return text

    def _model_failure(self, error: Exception) -> Exception:
        cause = error.__cause__
        if self.context.cancelled.is_set():
            return EngineStopped("stopped")
        where = self.context.endpoint.base_url if self.context.endpoint else ""
        found = model_failure(cause, where) if cause is not None else None
        return found or ModelError(f"the model call failed: {cause or error}")


class CodeEngine:
    """A smolagents CodeAgent: the model writes Python that runs in the sandbox until it calls
    ``final_answer``."""

    name = "code"

    def __init__(
        self, step_seconds: float | None = None, max_print_chars: int | None = None
    ) -> None:
        """Limits for each step's code; None keeps the sandbox's defaults."""
        limits = {"step_seconds": step_seconds, "max_print_chars": max_print_chars}
        self.sandbox_limits = {key: value for key, value in limits.items() if value is not None}

    async def run(self, context: RunContext) -> str:
        """Run the agent; EngineStopped when stopped, out of steps or not writing code."""
        if context.endpoint is None:
            raise RuntimeError("the code engine needs a model endpoint in its RunContext")
        if context.loop is None:
            context.loop = asyncio.get_running_loop()
        run = _CodeRun(context, self.sandbox_limits)
        work = asyncio.ensure_future(asyncio.to_thread(run))
        try:
            while not work.done():
                await asyncio.wait({work}, timeout=CANCEL_POLL_SECONDS)
                if context.cancelled.is_set():
                    run.abort()
        except asyncio.CancelledError:
            # A thread cannot be killed: tell it to stop (its code, tools and model calls all
            # look at the flag) and give it a moment, so its last events come before ours.
            context.cancelled.set()
            run.abort()
            await asyncio.wait({work}, timeout=STOP_GRACE_SECONDS)
            run.detach()
            # Whatever the thread ends with later (EngineStopped, most likely) is of no interest.
            work.add_done_callback(lambda done: done.cancelled() or done.exception())
            raise
        answer = work.result()
        await context.emit("token", {"text": answer})
        return answer
