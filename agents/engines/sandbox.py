"""Where the code agent's Python runs: a worker process per run, with smolagents' interpreter
tightened inside it (the rules: ``agents.engines.sandbox_interpreter`` and ``sandbox_policy``).

``SandboxExecutor`` is the executor the CodeAgent is given. It sends each step's code to the
worker and waits, running the tool calls the code makes (the tools stay in the app, behind the
registry, which checks and audits them). It ends the worker when a step runs past its time
limit by more than ``KILL_GRACE_SECONDS`` (a long native call the interpreter cannot stop),
when the worker uses more memory than ``max_memory_mb``, or when the run is stopped; the next
step gets a new worker, without the variables of earlier steps, and the model is told so.

What stays open: the worker is an ordinary process of the same user, so code that got around
the interpreter's rules could still use the user's files and network. It has nothing of the
app's in memory and no environment variables, and what it sends back is read as plain data.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Any

from smolagents.local_python_executor import CodeOutput, InterpreterError, PythonExecutor

from agents.engines import sandbox_wire as wire
from agents.engines.sandbox_interpreter import (
    ALLOWED_IMPORTS,
    MAX_ANSWER_CHARS,
    MAX_PRINT_CHARS,
    STEP_SECONDS,
)
from agents.engines.sandbox_worker import WorkerGone, WorkerLimits, WorkerProcess

__all__ = ["ALLOWED_IMPORTS", "MAX_MEMORY_MB", "RunStopped", "SandboxExecutor"]

# Memory one run's worker may use, over what it starts with.
MAX_MEMORY_MB = 1024
# A step's code that has not answered this long after its limit is stuck in a native call.
KILL_GRACE_SECONDS = 1.0
# How often the waiting app looks at the clock, the stop flag and the worker's memory.
POLL_SECONDS = 0.05
_FRESH_START = "the sandbox was restarted, so variables from earlier steps are gone"


class RunStopped(InterpreterError):  # type: ignore[misc]
    """The run was stopped while its code was running."""


class SandboxExecutor(PythonExecutor):  # type: ignore[misc]
    """The CodeAgent's executor: each step's code runs in this run's worker process."""

    def __init__(
        self,
        step_seconds: float = STEP_SECONDS,
        max_print_chars: int = MAX_PRINT_CHARS,
        max_memory_mb: int = MAX_MEMORY_MB,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.limits = WorkerLimits(step_seconds, max_print_chars, max_memory_mb)
        self.should_stop = should_stop
        # What smolagents and the code engine read after a step: its printed output.
        self.state: dict[str, Any] = {"_print_outputs": ""}
        self.tools: dict[str, Any] = {}
        self.variables: dict[str, Any] = {}
        self._worker: WorkerProcess | None = None
        self._finalizer: weakref.finalize[..., Any] | None = None

    def send_tools(self, tools: dict[str, Any]) -> None:
        """The tools the code may call; they run here, in the app."""
        self.tools = dict(tools)
        if self._worker is not None:
            self._worker.send(("tools", list(self.tools)))

    def send_variables(self, variables: dict[str, Any]) -> None:
        """Variables for the code (only those that are plain data can go to the worker)."""
        for name, value in variables.items():
            try:
                wire.encode(value)
            except wire.NotPlain:
                continue
            self.variables[name] = value
        if self._worker is not None:
            self._worker.send(("variables", self.variables))

    def __call__(self, code_action: str) -> CodeOutput:
        """Run one step's code in the worker: its output, or InterpreterError saying why not."""
        self.state["_print_outputs"] = ""
        if self.should_stop():
            raise RunStopped("RunStopped: the run was stopped")
        try:
            worker = self._ready_worker()
            worker.send(("run", code_action))
            return self._wait(worker)
        except WorkerGone as gone:
            self._end_worker()
            raise InterpreterError(f"Code execution failed: {gone}; {_FRESH_START}") from None

    def _wait(self, worker: WorkerProcess) -> CodeOutput:
        deadline = time.monotonic() + self.limits.step_seconds + KILL_GRACE_SECONDS
        while True:
            if problem := self._problem(worker, deadline):
                self._end_worker()
                raise problem
            if not worker.poll(POLL_SECONDS):
                continue
            message = worker.receive()
            if message[0] == "tool":
                started = time.monotonic()
                worker.send(self._tool_reply(*message[1:]))
                # Time spent in the app's tools is not the code's: the worker's own clock
                # still stops the step, the kill waits for it.
                deadline += time.monotonic() - started
                continue
            self.state["_print_outputs"] = message[2]
            if message[0] == "failed":
                raise InterpreterError(message[1])
            return CodeOutput(output=message[1], logs=message[2], is_final_answer=message[3])

    def _problem(self, worker: WorkerProcess, deadline: float) -> InterpreterError | None:
        """Why the step must end now, with the worker: stopped, out of time or of memory."""
        if self.should_stop():
            return RunStopped("Code execution failed: RunStopped: the run was stopped")
        limits = self.limits
        if time.monotonic() > deadline:
            return InterpreterError(
                f"Code execution failed: StepTimeLimit: the code ran longer than "
                f"{limits.step_seconds:g} seconds, the limit for one step, and was stopped "
                f"inside one long call; {_FRESH_START}; do less work per step"
            )
        if worker.over_memory():
            return InterpreterError(
                f"Code execution failed: MemoryError: the code used more than the "
                f"{limits.max_memory_mb} MB of memory it may use, and was stopped; "
                f"{_FRESH_START}; work on less data at a time"
            )
        return None

    def _tool_reply(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        tool = self.tools.get(name)
        if tool is None:
            return ("tool_error", "InterpreterError", f"there is no tool named {name!r}")
        try:
            return ("tool_result", wire.portable(tool(*args, **kwargs), MAX_ANSWER_CHARS))
        except Exception as error:  # the step's error, as when the tool ran in the code
            return ("tool_error", type(error).__name__, str(error))

    def _ready_worker(self) -> WorkerProcess:
        if self._worker is None:
            worker = WorkerProcess(self.limits)
            self._finalizer = weakref.finalize(self, worker.stop)
            self._worker = worker
            worker.send(("tools", list(self.tools)))
            if self.variables:
                worker.send(("variables", self.variables))
        return self._worker

    def _end_worker(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._worker = self._finalizer = None

    def close(self) -> None:
        """End the worker; a later step would start a new one."""
        self._end_worker()

    def cleanup(self) -> None:
        """smolagents' name for ``close`` (``CodeAgent.cleanup`` calls it)."""
        self.close()
