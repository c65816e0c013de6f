"""Where the code agent's Python runs: a session of the sandbox's interpreter per run
(``agents.engines.sandbox_pool`` says what the boundary is and why).

``SandboxExecutor`` is the executor the CodeAgent is given. Each step's code is fed to the
run's session, which keeps variables between steps. When the code calls a tool, the
interpreter pauses and hands the call here: the tool runs in the app, behind the registry,
which checks and audits its arguments, and its result (plain data) is handed back.
``final_answer`` ends the step there. A step is limited in time and memory inside the worker;
a stopped run ends its worker at once; printed output and the answer are cut at their caps.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast, get_args

from smolagents.local_python_executor import CodeOutput, InterpreterError, PythonExecutor

from agents.engines.sandbox_modules import HOST_MODULES, host_modules
from agents.engines.sandbox_pool import pool

if TYPE_CHECKING:
    from pydantic_monty import ExcType, ExternalExceptionData, ExternalResult

__all__ = ["ALLOWED_IMPORTS", "MAX_MEMORY_MB", "RunStopped", "SandboxExecutor"]

# What the prompt offers: the interpreter's own modules, then the host modules.
ALLOWED_IMPORTS = (
    "math", "datetime", "json", "re", "collections", "itertools", "functools", "random",
    "decimal", "unicodedata", "bisect", "copy", "dataclasses", "typing", "base64", "hashlib",
    "csv",
    *HOST_MODULES,
)  # fmt: skip
# Said after a PermissionError: the code tried to open a file or look at a path.
NO_FILES = "Code has no file access: open() and os cannot reach any file."
USE_FILE_TOOLS = (
    "To read a file from the workspace, call text = read_file(path='name.csv'), which returns "
    "its text; to save one, call write_file(path='name.txt', content=text)."
)
STEP_SECONDS = 10.0
MAX_PRINT_CHARS = 4000
# A final answer longer than this (shown as text) is cut: it goes into a run event.
MAX_ANSWER_CHARS = 100_000
# Memory one run's code may use.
MAX_MEMORY_MB = 1024
# Tool and host calls one run's code may make, over all its steps.
MAX_CALLS = 1000
# How often a running step looks at the run's stop flag.
POLL_SECONDS = 0.05
_FRESH_START = "the sandbox was restarted, so variables from earlier steps are gone"
# Plain values the app passes in as variables.
_PLAIN = (str, int, float, bool, type(None), list, tuple, dict)


class RunStopped(InterpreterError):  # type: ignore[misc]
    """The run was stopped while its code was running."""


class _CappedPrints:
    """Printed output that stops growing at ``limit`` characters, saying it was cut."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.full = False

    def __call__(self, _stream: str, text: str) -> None:
        if self.full:
            return
        room = self.limit - self.size
        if len(text) > room:
            text = text[:room] + f"\n[printed output cut at {self.limit} characters]\n"
            self.full = True
        self.parts.append(text)
        self.size += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def shown(value: Any, limit: int) -> Any:
    """``value`` itself when it is plain data and short when shown; else its text, cut."""
    try:
        text = str(value)
    except Exception as error:  # e.g. an int too long to write out
        return f"<a {type(value).__name__} that cannot be shown: {type(error).__name__}: {error}>"
    if len(text) > limit:
        return text[:limit] + "\n[value cut]"
    return value if isinstance(value, _PLAIN) else text


def _local_timezone() -> dict[str, Any]:
    """The computer's time zone now, so ``datetime.now()`` in code is the user's local time."""
    now = datetime.now().astimezone()
    offset = now.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    return {"offset_seconds": seconds, "name": now.tzname() or "local"}


def _error_reply(error: Exception) -> ExternalExceptionData:
    """A tool's error as the interpreter raises it in the code: same class where it has one."""
    from pydantic_monty import ExcType

    name = type(error).__name__
    if name in get_args(ExcType):
        return {"exc_type": cast("ExcType", name), "message": str(error)}
    return {"exc_type": "RuntimeError", "message": f"{name}: {error}"}


class _StopWatch:
    """While a step runs: ends the run's worker as soon as the run is stopped."""

    def __init__(self, session: Any, should_stop: Callable[[], bool]) -> None:
        self.pid = session.worker_pid
        self.should_stop = should_stop
        self.done = threading.Event()
        self.fired = False
        self.thread = threading.Thread(target=self._watch, daemon=True, name="sandbox-stop")

    def __enter__(self) -> _StopWatch:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()

    def _watch(self) -> None:
        import psutil

        while not self.done.wait(POLL_SECONDS):
            if self.should_stop() and self.pid is not None:
                self.fired = True
                with contextlib.suppress(psutil.Error):
                    psutil.Process(self.pid).kill()
                return


class SandboxExecutor(PythonExecutor):  # type: ignore[misc]
    """The CodeAgent's executor: each step's code runs in this run's interpreter session."""

    def __init__(
        self,
        step_seconds: float = STEP_SECONDS,
        max_print_chars: int = MAX_PRINT_CHARS,
        max_memory_mb: int = MAX_MEMORY_MB,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.step_seconds = step_seconds
        self.max_print_chars = max_print_chars
        self.max_memory_mb = max_memory_mb
        self.should_stop = should_stop
        # What smolagents and the code engine read after a step: its printed output.
        self.state: dict[str, Any] = {"_print_outputs": ""}
        self.tools: dict[str, Any] = {}
        self.variables: dict[str, Any] = {}
        self._session: Any = None
        self._finalizer: weakref.finalize[..., Any] | None = None
        self._new_variables: dict[str, Any] = {}

    def send_tools(self, tools: dict[str, Any]) -> None:
        """The tools the code may call; they run here, in the app."""
        self.tools = dict(tools)

    def send_variables(self, variables: dict[str, Any]) -> None:
        """Variables for the code (only plain data goes in, by the rule tools' arguments
        follow)."""
        plain = {k: v for k, v in variables.items() if _is_plain(v) and k.isidentifier()}
        self.variables.update(plain)
        self._new_variables.update(plain)

    def __call__(self, code_action: str) -> CodeOutput:
        """Run one step's code: its output, or InterpreterError saying why not."""
        from pydantic_monty import (
            MontyCrashedError,
            MontyError,
            MontyRuntimeError,
            MontySyntaxError,
        )

        self.state["_print_outputs"] = ""
        if self.should_stop():
            raise RunStopped("RunStopped: the run was stopped")
        prints = _CappedPrints(self.max_print_chars)
        session = self._ready_session()
        watch = _StopWatch(session, self.should_stop)
        try:
            with watch:
                return self._run(session, code_action, prints)
        except MontyCrashedError as crash:
            self._end_session()
            if watch.fired:
                raise RunStopped("Code execution failed: RunStopped: the run was stopped") from None
            why = "ran past its time limit" if crash.timed_out else "ended unexpectedly"
            raise InterpreterError(
                f"Code execution failed: the code {why}; {_FRESH_START}"
            ) from None
        except MontyRuntimeError as error:
            message = self._cut(error.display("traceback")) + self._file_hint(error)
            if _heap_in_doubt(error):
                # A time or memory limit stops the code mid-operation: its heap is not trusted.
                self._end_session()
                message += f"\n({_FRESH_START}; do less work per step)"
            raise InterpreterError(f"Code execution failed: {message}") from None
        except MontySyntaxError as error:
            message = self._cut(error.display("traceback"))
            raise InterpreterError(f"Code parsing failed: {message}") from None
        except MontyError as error:  # e.g. a value that cannot go across
            raise InterpreterError(f"Code execution failed: {self._cut(str(error))}") from None
        finally:
            self.state["_print_outputs"] = prints.text

    def _file_hint(self, error: Any) -> str:
        """What to do instead, when the code reached for a file: "Permission denied" alone
        sends a small model checking permissions and trying again."""
        if "PermissionError" not in str(error.display("type-msg")):
            return ""
        if "read_file" not in self.tools:
            return f"\n({NO_FILES})"
        return f"\n({NO_FILES} {USE_FILE_TOOLS})"

    def _cut(self, message: str) -> str:
        """An error message as long as printed output may be: its start and its last line."""
        limit = self.max_print_chars
        if len(message) <= limit:
            return message
        last = message.rstrip().rsplit("\n", 1)[-1][: limit // 2]
        return f"{message[: limit - len(last)]}\n[message cut]\n{last}"

    def _run(self, session: Any, code: str, prints: _CappedPrints) -> CodeOutput:
        from pydantic_monty import FunctionSnapshot, MontyComplete

        inputs, self._new_variables = self._new_variables, {}
        snapshot = session.feed_start(
            code, inputs=inputs or None, external_lookup=self.tools, print_callback=prints
        )
        while not isinstance(snapshot, MontyComplete):
            if isinstance(snapshot, FunctionSnapshot) and not snapshot.is_os_function:
                name = str(snapshot.function_name)
                if name == "final_answer" and "final_answer" in self.tools:
                    answer = self._final_answer(snapshot)
                    # The rest of the step is not run: the session ends with the answer.
                    self._end_session()
                    return CodeOutput(output=answer, logs=prints.text, is_final_answer=True)
                if name in self.tools:
                    snapshot = snapshot.resume(self._tool_reply(name, snapshot))
                    continue
            snapshot = snapshot.resume_auto()
        output = shown(snapshot.output, self.max_print_chars)
        return CodeOutput(output=output, logs=prints.text, is_final_answer=False)

    def _final_answer(self, snapshot: Any) -> Any:
        args, kwargs = snapshot.args, snapshot.kwargs
        value = args[0] if args else kwargs.get("answer", next(iter(kwargs.values()), None))
        return shown(value, MAX_ANSWER_CHARS)

    def _tool_reply(self, name: str, snapshot: Any) -> ExternalResult:
        arguments = [*snapshot.args, *snapshot.kwargs.values()]
        if not all(_is_plain(value) for value in arguments):
            message = f"{name}() takes text, numbers, lists and dicts only"
            return {"exc_type": "TypeError", "message": message}
        try:
            result = self.tools[name](*snapshot.args, **snapshot.kwargs)
        except Exception as error:  # the step's error, as when the tool ran in the code
            return _error_reply(error)
        return {"return_value": shown(result, MAX_ANSWER_CHARS)}

    def _ready_session(self) -> Any:
        if self._session is None:
            session = pool().checkout(
                limits={
                    "max_feed_duration_secs": self.step_seconds,
                    "max_memory": self.max_memory_mb * 2**20,
                    "max_suspensions": MAX_CALLS,
                    "max_total_sleep_secs": self.step_seconds,
                },
                os_policy={"timezone": _local_timezone(), "sleep_system_max": self.step_seconds},
                external_modules=host_modules(),
            )
            session.__enter__()
            self._session = session
            # An executor dropped without close() still gives its worker back to the pool.
            self._finalizer = weakref.finalize(self, _end, session)
            self._new_variables = dict(self.variables)
        return self._session

    def _end_session(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._session = self._finalizer = None

    def close(self) -> None:
        """End the session; a later step would start a new one."""
        self._end_session()

    def cleanup(self) -> None:
        """smolagents' name for ``close`` (``CodeAgent.cleanup`` calls it)."""
        self.close()


def _is_plain(value: Any, depth: int = 0) -> bool:
    """Only data crosses into a tool: no type, function or object from the sandbox."""
    if depth > 20:
        return False
    if value is None or type(value) in (str, int, float, bool):
        return True
    if type(value) in (list, tuple):
        return all(_is_plain(item, depth + 1) for item in value)
    if type(value) is dict:
        return all(type(key) is str and _is_plain(item, depth + 1) for key, item in value.items())
    return False


def _end(session: Any) -> None:
    # A worker that is already gone has nothing left to end.
    with contextlib.suppress(Exception):
        session.__exit__(None, None, None)


def _heap_in_doubt(error: Any) -> bool:
    text = str(error.display("type-msg"))
    return text.startswith(("TimeoutError", "MemoryError", "RecursionError"))
