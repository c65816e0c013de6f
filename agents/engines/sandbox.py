"""Where the code agent's Python runs: smolagents' LocalPythonExecutor, tightened.

Generated code may import only ALLOWED_IMPORTS (smolagents' own extra defaults such as ``time``
are dropped). It finds no ``open``, ``eval``, ``exec``, ``compile`` or ``__import__``, and names
with double underscores are refused, so ``getattr(__builtins__, ...)`` chains go nowhere. Two
ways out of smolagents 1.26's interpreter are closed too (both checked to work there): frame
attributes (``(x for x in ()).gi_frame.f_locals`` hands out its import allow-list) and
``string.Formatter().get_field``, which walks dunder attributes to any class. Private (``_x``)
attributes can be read, and attributes set, only on objects the code itself made, so it cannot
patch shared classes or module state (such as ``re._cache``) of the server it runs in.

Each step runs at most ``step_seconds`` and keeps at most ``max_print_chars`` of printed output.
smolagents' own ``timeout_seconds`` is off: it waits for the timed-out thread anyway. Instead the
interpreter's per-operation counter checks a deadline and the run's stop flag.

What stays open: this runs in the server's process, so one long native call
(``sum(range(10**12))``) runs until it returns, and memory is not capped. Real isolation needs
a separate process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from smolagents.local_python_executor import (
    CodeOutput,
    InterpreterError,
    LocalPythonExecutor,
    PrintContainer,
)

from agents.engines.sandbox_policy import (
    DELETE,
    GET,
    SET,
    prepare,
    sandbox_delattr,
    sandbox_getattr,
    sandbox_setattr,
)

ALLOWED_IMPORTS = (
    "math", "statistics", "datetime", "json", "re", "collections", "itertools", "functools",
    "random", "decimal", "fractions", "string", "textwrap", "unicodedata",
)  # fmt: skip
STEP_SECONDS = 10.0
MAX_PRINT_CHARS = 4000


class StepTimeLimit(InterpreterError):  # type: ignore[misc]
    """The code of one step ran past its time limit."""


class RunStopped(InterpreterError):  # type: ignore[misc]
    """The run was stopped while its code was running."""


class _StepBudget(dict[str, int]):
    """The interpreter's operation counter, which also ends the step at its deadline or stop.

    smolagents bumps ``state["_operations_count"]["counter"]`` before every node it evaluates;
    once past the deadline every bump raises, so not even an ``except`` block can run on.
    """

    def __init__(self, executor: SandboxExecutor) -> None:
        super().__init__(counter=0)
        self.executor = executor

    def __setitem__(self, key: str, value: int) -> None:
        super().__setitem__(key, value)
        executor = self.executor
        if executor.should_stop():
            raise RunStopped("the run was stopped")
        if time.monotonic() > executor.deadline:
            raise StepTimeLimit(
                f"the code ran longer than {executor.step_seconds:g} seconds, the limit for one "
                "step, and was stopped; do less work per step"
            )


class _CappedPrints(PrintContainer):  # type: ignore[misc]
    """Printed output that stops growing at ``limit`` characters, saying it was cut."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.full = False

    def append(self, text: str) -> _CappedPrints:
        if not self.full:
            room = self.limit - len(self.value)
            if len(text) <= room:
                self.value += text
            else:
                self.value += text[:room] + f"\n[printed output cut at {self.limit} characters]\n"
                self.full = True
        return self

    def __iadd__(self, other: object) -> _CappedPrints:
        return self.append(str(other))


class _SandboxState(dict[str, Any]):
    """The interpreter's variables; swaps in the budget and capped output at each step's start."""

    def __init__(self, executor: SandboxExecutor, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.executor = executor

    def __setitem__(self, key: str, value: Any) -> None:
        if key == "_operations_count" and not isinstance(value, _StepBudget):
            value = _StepBudget(self.executor)
        elif key == "_print_outputs" and not isinstance(value, _CappedPrints):
            value = _CappedPrints(self.executor.max_print_chars)
        super().__setitem__(key, value)


class SandboxExecutor(LocalPythonExecutor):  # type: ignore[misc]
    """LocalPythonExecutor with the policy above; one per run, its variables kept across steps."""

    def __init__(
        self,
        step_seconds: float = STEP_SECONDS,
        max_print_chars: int = MAX_PRINT_CHARS,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        functions: dict[str, Callable[..., Any]] = {
            "getattr": sandbox_getattr,
            "setattr": sandbox_setattr,
            GET: sandbox_getattr,
            SET: sandbox_setattr,
            DELETE: sandbox_delattr,
            # smolagents handles super() itself, but only once the name is among its functions.
            "super": super,
        }
        super().__init__(
            list(ALLOWED_IMPORTS),
            # Room for the cut note: _CappedPrints does the capping.
            max_print_outputs_length=max_print_chars + 100,
            additional_functions=functions,
            timeout_seconds=None,
        )
        self.authorized_imports = list(ALLOWED_IMPORTS)
        self.step_seconds = step_seconds
        self.max_print_chars = max_print_chars
        self.should_stop = should_stop
        self.deadline = math.inf
        self.state = _SandboxState(self, {"__name__": "__main__"})

    def __call__(self, code_action: str) -> CodeOutput:
        """Run one step's code: refused, or run under the step's deadline and output cap."""
        # A refused step must not show the previous step's prints as its own.
        self.state["_print_outputs"] = PrintContainer()
        code = prepare(code_action)
        self.deadline = time.monotonic() + self.step_seconds
        try:
            result = super().__call__(code)
        finally:
            self.deadline = math.inf
        if not result.is_final_answer and len(text := str(result.output)) > self.max_print_chars:
            result.output = text[: self.max_print_chars] + "\n[value cut]"
        return result
