"""The sandbox's interpreter: smolagents' LocalPythonExecutor, tightened. It runs inside the
sandbox worker process (``agents.engines.sandbox_worker``), never in the app's own.

Generated code may import only ALLOWED_IMPORTS (smolagents' own extra defaults such as ``time``
are dropped). It finds no ``open``, ``eval``, ``exec``, ``compile`` or ``__import__``, and names
with double underscores are refused, so ``getattr(__builtins__, ...)`` chains go nowhere. Two
ways out of smolagents 1.26's interpreter are closed too (both checked to work there): frame
attributes (``(x for x in ()).gi_frame.f_locals`` hands out its import allow-list) and
``string.Formatter().get_field``, which walks dunder attributes to any class. Two more were
found by the escape corpus (``tests/hardening``): ``str.format`` walked attributes past the
rules (it now follows those of ``getattr``), and ``functools.update_wrapper(..., updated=
('__globals__',))`` handed out this interpreter's module globals, with a function in them that
runs code with any import (it is not available). Private (``_x``) attributes can be read, and
attributes set, only on objects the code itself made (``sandbox_policy``, ``sandbox_guards``).

Each step runs at most ``step_seconds`` and keeps at most ``max_print_chars`` of printed output.
smolagents' own ``timeout_seconds`` is off: it waits for the timed-out thread anyway. Instead the
interpreter's per-operation counter checks a deadline. A long native call
(``sum(range(10**12))``) does not pass that counter: the worker process is ended for it.
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

from agents.engines.sandbox_guards import sandbox_delattr, sandbox_getattr, sandbox_setattr
from agents.engines.sandbox_policy import DELETE, GET, SET, prepare
from agents.engines.sandbox_wire import portable

ALLOWED_IMPORTS = (
    "math", "statistics", "datetime", "json", "re", "collections", "itertools", "functools",
    "random", "decimal", "fractions", "string", "textwrap", "unicodedata",
)  # fmt: skip
STEP_SECONDS = 10.0
MAX_PRINT_CHARS = 4000
# A final answer longer than this (shown as text) is cut: it goes into a run event.
MAX_ANSWER_CHARS = 100_000


class StepTimeLimit(InterpreterError):  # type: ignore[misc]
    """The code of one step ran past its time limit."""


class _StepBudget(dict[str, int]):
    """The interpreter's operation counter, which also ends the step at its deadline.

    smolagents bumps ``state["_operations_count"]["counter"]`` before every node it evaluates;
    once past the deadline every bump raises, so not even an ``except`` block can run on.
    """

    def __init__(self, interpreter: SandboxInterpreter) -> None:
        super().__init__(counter=0)
        self.interpreter = interpreter

    def __setitem__(self, key: str, value: int) -> None:
        super().__setitem__(key, value)
        interpreter = self.interpreter
        if time.monotonic() > interpreter.deadline:
            raise StepTimeLimit(
                f"the code ran longer than {interpreter.step_seconds:g} seconds, the limit for one "
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

    def __init__(self, interpreter: SandboxInterpreter, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.interpreter = interpreter

    def __setitem__(self, key: str, value: Any) -> None:
        if key == "_operations_count" and not isinstance(value, _StepBudget):
            value = _StepBudget(self.interpreter)
        elif key == "_print_outputs" and not isinstance(value, _CappedPrints):
            value = _CappedPrints(self.interpreter.max_print_chars)
        super().__setitem__(key, value)


class SandboxInterpreter(LocalPythonExecutor):  # type: ignore[misc]
    """LocalPythonExecutor with the policy above; its variables are kept across steps."""

    def __init__(
        self, step_seconds: float = STEP_SECONDS, max_print_chars: int = MAX_PRINT_CHARS
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
        self.deadline = math.inf
        self.state = _SandboxState(self, {"__name__": "__main__"})

    def __call__(self, code_action: str) -> CodeOutput:
        """Run one step's code: refused, or run under the step's deadline and output cap.

        The output comes back as plain data (see ``sandbox_wire.portable``); making it so may
        run the code's own ``__str__``, so that happens before the deadline is lifted.
        """
        # A refused step must not show the previous step's prints as its own.
        self.state["_print_outputs"] = PrintContainer()
        code = prepare(code_action)
        self.deadline = time.monotonic() + self.step_seconds
        try:
            result = super().__call__(code)
            limit = MAX_ANSWER_CHARS if result.is_final_answer else self.max_print_chars
            result.output = portable(result.output, limit)
        finally:
            self.deadline = math.inf
        return result
