"""The sandbox worker: a process of its own, one per code run, where generated code runs.

Why a process: a thread cannot be stopped inside one long native call (``sum(range(10**12))``,
``10**10**10``, a regular expression that backtracks for ever), nor can its memory be capped,
and whatever code changes in the interpreter (a class patched, the decimal context, the random
seed) would otherwise change the app. A worker is ended when a step runs past its time limit
or memory cap, and a new one starts for the next step. It runs with no environment variables
(no API keys or tokens to read) and, on Linux, with its address space capped.

``WorkerProcess`` is the app's end; ``serve`` runs in the worker. They talk through a pipe in
``sandbox_wire`` messages: the app sends ``("tools", names)``, ``("variables", values)`` and
``("run", code)``; the worker answers a run with ``("done", output, logs, is_final_answer)`` or
``("failed", message, logs)``, and asks for each tool call with ``("tool", name, args, kwargs)``,
answered by ``("tool_result", value)`` or ``("tool_error", error_class, message)``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

import psutil

from agents.engines import sandbox_wire as wire
from agents.engines.sandbox_interpreter import SandboxInterpreter

# How long a new worker may take to say it is ready (spawning one, on Windows, imports smolagents).
START_SECONDS = 60.0
# Environment variables the worker keeps: local time and text encoding, nothing secret.
KEPT_ENVIRONMENT = ("TZ", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "SYSTEMROOT")


@dataclass(frozen=True)
class WorkerLimits:
    """What one worker may use: per step time and printed characters, and memory in all."""

    step_seconds: float
    max_print_chars: int
    max_memory_mb: int
    # Off only in tests, to check the app's own memory watch.
    cap_address_space: bool = True


class WorkerGone(Exception):
    """The worker process ended, or sent something that is not a message."""


def _address_space_bytes() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _confine(limits: WorkerLimits) -> None:
    """Drop the environment, leave Ctrl+C to the app, and cap memory where the OS allows."""
    kept = {key: os.environ[key] for key in KEPT_ENVIRONMENT if key in os.environ}
    os.environ.clear()
    os.environ.update(kept)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # RLIMIT_AS is enforced on Linux only; elsewhere the app watches the worker's memory.
    if not (limits.cap_address_space and sys.platform.startswith("linux")):
        return
    import resource

    used = _address_space_bytes()
    if used is not None:
        cap = used + limits.max_memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))


_error_classes: dict[str, type[Exception]] = {}


def _error_class(name: str) -> type[Exception]:
    """An exception class named like the one a tool raised in the app (``ToolError``), so the
    step's error reads the same as when the tool ran here."""
    name = name if name.isidentifier() else "ToolFailed"
    return _error_classes.setdefault(name, type(name, (Exception,), {}))


def _relay(connection: Connection, name: str) -> Callable[..., Any]:
    """A stand-in for the tool ``name``: the call is made by the app, which holds the tool."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            wire.send(connection, ("tool", name, args, kwargs))
        except wire.NotPlain as error:
            raise _error_class("ToolError")(
                f"{name}: its arguments must be plain values (text, numbers, lists, dicts): {error}"
            ) from None
        reply = wire.receive(connection)
        if reply[0] == "tool_result":
            return reply[1]
        raise _error_class(reply[1])(reply[2])

    call.__name__ = name
    return call


def _failure(error: BaseException, limits: WorkerLimits) -> str:
    """What the model is told about a failed step: the error, cut short, memory explained."""
    message = str(error).rstrip() or type(error).__name__
    if isinstance(error, MemoryError) or isinstance(error.__context__, MemoryError):
        message += (
            f" (the code needed more memory than the {limits.max_memory_mb} MB it may use; "
            "work on less data at a time)"
        )
    if len(message) > limits.max_print_chars:
        message = message[: limits.max_print_chars] + " [error message cut]"
    return message


def _run(interpreter: SandboxInterpreter, code: str, limits: WorkerLimits) -> tuple[Any, ...]:
    try:
        result = interpreter(code)
    except Exception as error:  # InterpreterError mostly; MemoryError can come from anywhere
        return ("failed", _failure(error, limits), str(interpreter.state["_print_outputs"]))
    return ("done", result.output, result.logs, result.is_final_answer)


def serve(connection: Connection, limits: WorkerLimits) -> None:
    """The worker's life: confine itself, say it is ready, run steps until the app hangs up."""
    _confine(limits)
    interpreter = SandboxInterpreter(limits.step_seconds, limits.max_print_chars)
    interpreter.send_tools({})
    wire.send(connection, ("ready",))
    while True:
        try:
            message = wire.receive(connection)
        except EOFError:
            return
        if message[0] == "tools":
            interpreter.send_tools({name: _relay(connection, name) for name in message[1]})
        elif message[0] == "variables":
            interpreter.send_variables(message[1])
        elif message[0] == "run":
            reply = _run(interpreter, message[1], limits)
            try:
                wire.send(connection, reply)
            except (wire.NotPlain, MemoryError) as error:
                wire.send(connection, ("failed", _failure(error, limits), ""))
        else:
            return


def _context() -> BaseContext:
    """A fork server where there is one: each worker is a quick fork of a clean process that
    has imported smolagents once, not of the app with its threads. Otherwise (Windows) spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # "__main__": the app's main module is imported once there, not again in each worker.
        context.set_forkserver_preload(["__main__", __name__])
        return context
    return multiprocessing.get_context("spawn")


class WorkerProcess:
    """The app's end of one worker: start it, talk to it, watch its memory, end it."""

    def __init__(self, limits: WorkerLimits) -> None:
        self.limits = limits
        context = _context()
        here, there = context.Pipe()
        self.process: Any = context.Process(  # type: ignore[attr-defined]
            target=serve, args=(there, limits), name="agentdesk-sandbox", daemon=True
        )
        self.process.start()
        there.close()
        self.connection = here
        if not here.poll(START_SECONDS) or self.receive() != ("ready",):
            self.stop()
            raise WorkerGone("the sandbox process did not start")
        self.baseline = self.memory()

    def send(self, message: Any) -> None:
        try:
            wire.send(self.connection, message)
        except OSError as error:
            raise WorkerGone(f"the sandbox process is gone ({error})") from None

    def poll(self, seconds: float) -> bool:
        """Whether a message (or the end of the pipe) is there, waiting at most ``seconds``."""
        try:
            return bool(self.connection.poll(seconds))
        except OSError:
            return True  # receive() will say what happened

    def receive(self) -> Any:
        try:
            return wire.receive(self.connection)
        except (EOFError, OSError):
            self.process.join(1.0)
            raise WorkerGone(
                f"the sandbox process ended unexpectedly (exit code {self.process.exitcode})"
            ) from None
        except wire.NotPlain as error:
            raise WorkerGone(f"the sandbox process sent something unexpected ({error})") from None

    def memory(self) -> int:
        """The worker's resident memory in bytes (0 once it is gone)."""
        try:
            return int(psutil.Process(self.process.pid).memory_info().rss)
        except (psutil.Error, ValueError):
            return 0

    def over_memory(self) -> bool:
        """Whether the worker uses more memory than its cap, over what it started with."""
        return self.memory() - self.baseline > self.limits.max_memory_mb * 2**20

    def stop(self) -> None:
        """End the worker now (it holds nothing worth a goodbye) and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5.0)
        self.connection.close()
