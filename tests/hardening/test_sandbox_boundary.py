"""The sandbox's boundary by class, not by case: every module the code can import, every
exception, every string-formatting route, coroutines, frames and tracebacks, and the host
functions handed in. Each probe walks whatever it can reach and tries it on the canary file; the
host must stay out of reach whatever the walk finds: the canary is neither shown nor changed,
the sentinel is not made, nothing connects to the canary socket, the app's secrets (in its
environment while this runs) are not shown, and the worker has no environment at all.

The walks are generated from the names CPython itself has (``sys.stdlib_module_names``, each
module's ``dir()``, the built-in exception classes), so a module or attribute nobody listed is
probed too.
"""

from __future__ import annotations

import builtins
import importlib
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import psutil
import pytest
from smolagents.local_python_executor import InterpreterError

from agents.engines.sandbox import ALLOWED_IMPORTS, SandboxExecutor
from tests.hardening.escape_world import World

# Names that lead from an object towards the interpreter running it, in CPython.
ESCAPE_NAMES = [
    "__class__",
    "__base__",
    "__bases__",
    "__mro__",
    "__subclasses__",
    "__dict__",
    "__globals__",
    "__builtins__",
    "__code__",
    "__closure__",
    "__func__",
    "__self__",
    "__module__",
    "__loader__",
    "__spec__",
    "__import__",
    "__init__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__getattribute__",
    "__traceback__",
    "__context__",
    "__cause__",
    "gi_frame",
    "gi_code",
    "cr_frame",
    "cr_code",
    "ag_frame",
    "f_back",
    "f_globals",
    "f_locals",
    "f_builtins",
    "f_code",
    "tb_frame",
    "tb_next",
    "co_consts",
    "_os",
    "_sys",
    "_io",
    "environ",
    "system",
    "popen",
    "spawn",
    "fork",
    "modules",
]
STEP_SECONDS = 10.0
pytestmark = pytest.mark.usefixtures("secrets_in_env")


def run(world: World, code: str, tools: dict[str, Any] | None = None) -> str:
    """Everything ``code`` printed or returned, or the error it ended with; the worker's
    environment is checked on the way."""
    executor = SandboxExecutor(step_seconds=STEP_SECONDS, max_print_chars=200_000)
    executor.send_tools(tools or {})
    try:
        executor("0")
        assert psutil.Process(executor._session.worker_pid).environ() == {}
        result = executor(world.fill(code))
        seen = f"{result.logs}{result.output}"
    except InterpreterError as error:
        seen = str(error)
    finally:
        executor.close()
    return seen


def out_of_reach(world: World, seen: str) -> None:
    assert world.escapes(seen) == []
    assert "environ(" not in seen


class Prober:
    """One sandbox session that walks a subject a piece at a time: one step per attribute and
    per call, so an error that ends a step (the interpreter's own, uncatchable) ends only that
    piece of the walk. ``seen`` collects everything shown; ``reached`` counts what was found."""

    CALLS = ("(@CANARY@)", "(@CANARY@, 'w')", "('touch @SENTINEL@')", "()")

    def __init__(self, world: World, setup: str) -> None:
        self.world = world
        self.setup = world.fill(f"import json\n{setup}")
        self.executor = SandboxExecutor(step_seconds=STEP_SECONDS, max_print_chars=20_000)
        self.executor.send_tools({})
        self.seen: list[str] = []
        self.reached = 0

    def step(self, code: str) -> str:
        if self.executor._session is None:
            self.executor(self.setup)
            pid = self.executor._session.worker_pid
            assert psutil.Process(pid).environ() == {}
        try:
            result = self.executor(self.world.fill(code))
            shown = f"{result.logs}{result.output}"
        except InterpreterError as error:
            shown = str(error)
        self.seen.append(shown)
        return shown

    def walk(self, subject: str, names: list[str]) -> None:
        """Every name of ``names`` and ESCAPE_NAMES on ``subject``, each found value called
        with the canary and probed through ESCAPE_NAMES once more."""
        wanted = sorted({*names, *ESCAPE_NAMES})
        found = self.step(f"json.dumps([n for n in {json.dumps(wanted)} if hasattr({subject}, n)])")
        if found.startswith("["):
            present = json.loads(found)
        else:  # one name's lookup ended the step: look them up one at a time
            present = [n for n in wanted if self.step(f"hasattr({subject}, {n!r})") == "True"]
        for name in present:
            self.reached += 1
            value = f"getattr({subject}, {name!r})"
            self.step(f"repr({value})[:300]")
            self.step(
                f"out = []\nfor n in {json.dumps(ESCAPE_NAMES)}:\n"
                f"    try:\n        out.append(repr(getattr({value}, n))[:200])\n"
                "    except Exception as e:\n        pass\nout"
            )
            for call in self.CALLS:
                self.step(f"repr({value}{call.replace('@CANARY@', repr('@CANARY@'))})[:300]")

    def close(self) -> str:
        self.executor.close()
        return "\n".join(self.seen)


def sandbox_modules(world: World) -> list[str]:
    """Every standard-library module (and every module offered) that imports in the sandbox."""
    candidates = sorted(set(sys.stdlib_module_names) | set(ALLOWED_IMPORTS))
    code = (
        f"names = {json.dumps(candidates)}\nok = []\n"
        "for name in names:\n"
        "    try:\n"
        "        exec('import ' + name)\n"
        "        ok.append(name)\n"
        "    except Exception as e:\n"
        "        pass\n"
        "','.join(ok)"
    )
    seen = run(world, code)
    importable = [name for name in seen.strip().split(",") if name]
    assert importable, seen
    return importable


def host_names(module: str) -> list[str]:
    """The attribute names CPython's own module of that name has (public and private)."""
    try:
        return [name for name in dir(importlib.import_module(module)) if len(name) < 40]
    except Exception:  # a module CPython here cannot import is still probed by ESCAPE_NAMES
        return []


def test_the_modules_that_import_are_found(world: World) -> None:
    importable = sandbox_modules(world)
    assert {"math", "json", "re", "datetime", "statistics"} <= set(importable)
    # Nothing that reaches the system imports at all.
    assert not {"subprocess", "socket", "ctypes", "importlib", "multiprocessing"} & set(importable)


def test_every_importable_module_keeps_the_host_out_of_reach(world: World) -> None:
    walked = {}
    for module in sandbox_modules(world):
        prober = Prober(world, f"import {module}")
        prober.walk(module, host_names(module))
        out_of_reach(world, prober.close())
        walked[module] = prober.reached
    # The walks did reach things: they probed what is there, not just failed at the start.
    assert walked["math"] > 20 and walked["os"] > 5 and walked["json"] > 2, walked
    assert sum(walked.values()) > 300, walked


EXCEPTIONS = sorted(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)


def test_every_exception_and_its_traceback_keep_the_host_out_of_reach(world: World) -> None:
    for name in EXCEPTIONS:
        code = (
            "caught = None\n"
            f"try:\n    raise {name}('x')\n"
            "except BaseException as e:\n    caught = e\n"
            "if caught is None:\n    caught = 1 / 1\n"
        )
        prober = Prober(world, code)
        prober.walk("caught", ["args", "with_traceback", "add_note"])
        out_of_reach(world, prober.close())


SUBJECTS = {
    "a module": "random",
    "a function": "probe",
    "a lambda": "(lambda: 0)",
    "a class": "Thing",
    "an instance": "Thing()",
    "an exception": "ValueError('x')",
    "a built-in": "print",
    "a type": "int",
}
FIELDS = [
    "{0.__class__}",
    "{0.__globals__}",
    "{0.__init__.__globals__}",
    "{0._os.environ}",
    "{0.__dict__}",
    "{0.__class__.__mro__[-1].__subclasses__}",
    "{0.__traceback__.tb_frame.f_globals}",
    "{0.f_back.f_globals}",
    "{0[__builtins__]}",
    "{0!r:{0.__class__}}",
]
ROUTES = [
    "TEMPLATE.format(SUBJECT)",
    "TEMPLATE.format_map({'0': SUBJECT})",
    "format(SUBJECT, TEMPLATE)",
    "__import__('string').Formatter().format(TEMPLATE, SUBJECT)",
    "__import__('string').Template('$x').substitute(x=SUBJECT)",
    "'%s %r' % (SUBJECT, SUBJECT)",
    "'%(a)s' % {'a': SUBJECT}",
    "f'{SUBJECT!r} {SUBJECT!s}'",
    "str(SUBJECT) + repr(SUBJECT)",
]


def test_every_formatting_route_keeps_the_host_out_of_reach(world: World) -> None:
    lines = ["import random, string", "class Thing:\n    pass", "def probe():\n    return 0"]
    lines.append("out = []")
    for subject in SUBJECTS.values():
        for field in FIELDS:
            for route in ROUTES:
                call = route.replace("TEMPLATE", repr(field)).replace("SUBJECT", subject)
                lines.append(
                    f"try:\n    out.append(str({call})[:300])\n"
                    "except Exception as e:\n    out.append(type(e).__name__)"
                )
    lines.append("print(out)")
    seen = run(world, "\n".join(lines))
    out_of_reach(world, seen)
    assert seen.startswith("[")


COROUTINES_AND_FRAMES = {
    "a coroutine": "async def job():\n    return 1\nsubject = job()",
    "an awaited result": "async def job():\n    return 1\nsubject = await job()",
    "an asyncio task": "import asyncio\nasync def job():\n    return 1\nsubject = asyncio",
    "a generator expression": "subject = (x for x in range(3))",
    "a traceback": "try:\n    1 / 0\nexcept Exception as e:\n    subject = e.__traceback__",
    "a frame": "import sys\nsubject = sys._getframe(0)",
    "the sys module": "import sys\nsubject = sys",
    "a closure": "def outer():\n    v = 1\n    def inner():\n        return v\n    return inner\n"
    "subject = outer()",
}


@pytest.mark.parametrize("name", list(COROUTINES_AND_FRAMES))
def test_coroutines_frames_and_tracebacks_keep_the_host_out_of_reach(
    world: World, name: str
) -> None:
    setup = textwrap.indent(COROUTINES_AND_FRAMES[name], "    ")
    # Where the interpreter has no such thing, the walk probes None: that is the finding.
    prober = Prober(world, f"subject = None\ntry:\n{setup}\nexcept Exception as e:\n    pass")
    prober.walk("subject", [])
    out_of_reach(world, prober.close())


def test_generators_are_not_part_of_the_language_here(world: World) -> None:
    seen = run(world, "def gen():\n    yield 1\nlist(gen())")
    assert "yield" in seen


def test_dynamic_code_runs_inside_the_same_boundary(world: World) -> None:
    for runner in ("exec", "eval"):
        code = f"{runner}(\"open('@CANARY@').read()\")"
        out_of_reach(world, run(world, code))


def test_host_functions_take_plain_data_only(world: World, tmp_path: Path) -> None:
    seen_by_tool: list[Any] = []

    def tool(*args: Any, **kwargs: Any) -> str:
        seen_by_tool.append((args, kwargs))
        return "ok"

    code = (
        "import statistics, textwrap\n"
        "class Thing:\n    pass\n"
        "def f():\n    return 1\n"
        "out = []\n"
        "for value in [f, Thing, Thing(), lambda: 0, statistics, print, int]:\n"
        "    for call in (lambda v: tool(v), lambda v: statistics.mean([v]), "
        "lambda v: textwrap.fill(v)):\n"
        "        try:\n            out.append(call(value))\n"
        "        except Exception as e:\n            out.append(type(e).__name__)\n"
        "print(out)"
    )
    seen = run(world, code, {"tool": tool})
    out_of_reach(world, seen)
    # What reached the tool is inert: no callable came across from the sandbox.
    for args, kwargs in seen_by_tool:
        for value in [*args, *kwargs.values()]:
            assert not callable(value), value
