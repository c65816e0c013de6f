"""The sandbox policy, checked on the executor directly: what generated code may and may not do."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from smolagents.local_python_executor import InterpreterError, LocalPythonExecutor

from agents.engines.sandbox import ALLOWED_IMPORTS, SandboxExecutor


def executor(**limits: object) -> SandboxExecutor:
    sandbox = SandboxExecutor(**limits)  # type: ignore[arg-type]
    sandbox.send_tools({})
    return sandbox


def refusal(code: str, sandbox: SandboxExecutor | None = None) -> str:
    """The error message running ``code`` ends with (it must end with one)."""
    with pytest.raises(InterpreterError) as caught:
        (sandbox or executor())(code)
    return str(caught.value)


def escapes(marker: Path) -> list[tuple[str, str]]:
    """(code, why it is refused): each would create ``marker`` if it ran."""
    touch = f"system('touch {marker}')"
    return [
        (f"import os\nos.{touch}", "Import of os is not allowed"),
        (f"import subprocess\nsubprocess.run(['touch', '{marker}'])", "subprocess is not allowed"),
        (f"import sys\nsys.modules['os'].{touch}", "Import of sys is not allowed"),
        ("from socket import socket\nsocket()", "socket is not allowed"),
        (f"import pathlib\npathlib.Path('{marker}').touch()", "pathlib is not allowed"),
        (f"import io\nio.open('{marker}', 'w')", "io is not allowed"),
        (f"import shutil\nshutil.copy('/etc/hostname', '{marker}')", "shutil is not allowed"),
        ("import ctypes", "ctypes is not allowed"),
        ("import importlib\nimportlib.import_module('os')", "importlib is not allowed"),
        ("import builtins\nbuiltins.open", "builtins is not allowed"),
        ("import time\ntime.sleep(100)", "time is not allowed"),
        (f"open('{marker}', 'w').write('x')", "open() is not available"),
        (f"__import__('os').{touch}", "__import__() is not available"),
        (f"getattr(__builtins__, 'open')('{marker}', 'w')", "'__builtins__': names with double"),
        (f"f = getattr(print, '__self__')\nf.open('{marker}', 'w')", "'__self__': names with"),
        ("getattr(len, '__' + 'self__')", "'__self__': names with double underscores"),
        ("().__class__.__base__.__subclasses__()", "'__subclasses__': names with double"),
        (f"eval(\"open('{marker}', 'w')\")", "eval() is not available"),
        (f"exec(\"open('{marker}', 'w')\")", "exec() is not available"),
        ("compile('1', 'x', 'eval')", "compile() is not available"),
        ("globals()['__builtins__']", "globals() is not available"),
        # A module's private parts lead on: random._os is the os module.
        (f"import random\nrandom._os.{touch}", "'_os' is private to the module random"),
        (f"import random\ngetattr(random, '_o' + 's').{touch}", "'_os' is private to the module"),
        # Both open in smolagents 1.26 itself: a generator's frame holds the interpreter's
        # variables (its import allow-list among them), and get_field walks dunders.
        (
            f"g = (x for x in [1])\ng.gi_frame.f_locals['authorized_imports'].append('os')\n"
            f"import os\nos.{touch}",
            "'gi_frame' reaches into the interpreter",
        ),
        (
            "g = (x for x in [1])\nframe = getattr(g, 'gi_' + 'frame')\n"
            f"frame.f_locals['authorized_imports'].append('os')\nimport os\nos.{touch}",
            "'f_locals' reaches into the interpreter",
        ),
        ("import string\nstring.Formatter().get_field('0.__class__', [1], {})", "'Formatter'"),
        ("import string\ngetattr(string, 'Form' + 'atter')", "'Formatter' reaches into"),
        ("from string import Formatter", "'Formatter' reaches into the interpreter"),
        ("from string import *", "'import *' is not allowed"),
        ("from re import _compiler", "'_compiler' is private and cannot be imported"),
    ]


@pytest.mark.parametrize("case", range(len(escapes(Path("x")))))
def test_escapes_are_refused(tmp_path: Path, case: int) -> None:
    marker = tmp_path / "escaped"
    code, reason = escapes(marker)[case]

    assert reason in refusal(code)
    assert not marker.exists()


def test_the_frame_escape_works_without_the_sandbox_policy(tmp_path: Path) -> None:
    # Why the policy refuses frame attributes: the stock executor lets this import anything.
    stock = LocalPythonExecutor(["collections"], timeout_seconds=None)
    stock.send_tools({})
    code = "g = (x for x in [1])\ng.gi_frame.f_locals['authorized_imports'].append('os')\n"
    assert stock(code + "import os\nos.getcwd()").output == str(Path.cwd())


@pytest.mark.parametrize(
    "code",
    [
        "import json\njson.JSONEncoder.item_separator = ';'",
        "import json\nsetattr(json.JSONEncoder, 'item_separator', ';')",
        "import json\njson.JSONEncoder.item_separator += ';'",
        "import json\ndel json.JSONEncoder.item_separator",
        "import json\nencoder = json.JSONEncoder\nencoder.item_separator: str = ';'",
    ],
)
def test_shared_classes_cannot_be_changed(code: str) -> None:
    assert "only objects this code made can change" in refusal(code)
    assert json.JSONEncoder.item_separator == ", "


def test_shared_module_state_is_out_of_reach() -> None:
    assert "'_cache' is private to the module re" in refusal("import re\nre._cache.clear()")
    message = refusal("import decimal\ndecimal.getcontext().prec = 50")
    assert "Context objects" in message and "decimal.localcontext(prec=...)" in message


def test_its_own_objects_are_its_own() -> None:
    code = """
class Counter:
    def __init__(self):
        self._count = 0
    def bump(self):
        self._count += 1
        return self._count
counter = Counter()
counter.bump()
counter.label = 'clicks'
counter.label += '!'
print(counter.bump(), counter._count, counter.label)
del counter.label
setattr(counter, 'other', 1)
getattr(counter, '_count'), hasattr(counter, 'label'), counter.other
"""
    result = executor()(code)
    assert result.logs == "2 2 clicks!\n"
    assert result.output == (2, False, 1)


def test_subclasses_may_call_super_init_and_nothing_more() -> None:
    code = """
class Base:
    def __init__(self, size):
        self.size = size
class Box(Base):
    def __init__(self):
        super().__init__(3)
Box().size
"""
    assert executor()(code).output == 3
    assert "'__init__': names with double" in refusal("import json\njson.JSONEncoder.__init__")
    assert "'__init__': names with double" in refusal("super(int, 1).__init__()")


def test_every_allowed_module_imports_and_works() -> None:
    code = (
        "\n".join(f"import {name}" for name in ALLOWED_IMPORTS)
        + """
from collections import Counter
import decimal
with decimal.localcontext(prec=5):
    third = decimal.Decimal(1) / decimal.Decimal(3)
words = Counter(re.findall(r'\\w+', 'a b a'))
print(words.most_common(1), statistics.mean([1, 2, 3]), str(third))
print(json.dumps({'r': fractions.Fraction(1, 3).denominator}), textwrap.dedent('  a b'))
if __name__ == '__main__':
    print(string.ascii_lowercase[:3], functools.reduce(lambda a, b: a * b, range(1, 6)))
"""
    )
    assert executor()(code).logs == ("[('a', 2)] 2 0.33333\n" + '{"r": 3} a b\n' + "abc 120\n")


def test_state_is_kept_between_steps() -> None:
    sandbox = executor()
    sandbox("import math\nradius = 2")
    assert sandbox("round(math.pi * radius ** 2, 2)").output == 12.57


def test_imports_inside_functions_follow_the_same_rules() -> None:
    assert executor()("def area(r):\n    import math\n    return math.pi * r * r\narea(1)").output
    assert "'_os' is private" in refusal("def f():\n    import random\n    return random._os\nf()")
    assert "Import of os is not allowed" in refusal("def f():\n    import os\nf()")


def test_a_refused_step_runs_none_of_its_code() -> None:
    sandbox = executor()
    sandbox("print('first step')")
    message = refusal("print('second step')\nx = open('/etc/hostname')", sandbox)
    assert message.startswith("Refused before running")
    # The step's output is its own (empty), not the previous step's.
    assert str(sandbox.state["_print_outputs"]) == ""


def test_an_endless_loop_ends_at_the_time_limit() -> None:
    message = refusal("while True:\n    pass", executor(step_seconds=0.2))
    assert "the code ran longer than 0.2 seconds, the limit for one step" in message


def test_catching_the_time_limit_does_not_keep_the_code_going() -> None:
    code = "while True:\n    try:\n        x = 1\n    except Exception:\n        pass"
    assert "StepTimeLimit" in refusal(code, executor(step_seconds=0.2))


def test_the_next_step_gets_a_fresh_time_limit() -> None:
    sandbox = executor(step_seconds=0.2)
    refusal("while True:\n    pass", sandbox)
    assert sandbox("1 + 1").output == 2


def test_stopping_the_run_stops_running_code() -> None:
    stop = threading.Event()
    timer = threading.Timer(0.1, stop.set)
    timer.start()
    assert "RunStopped: the run was stopped" in refusal(
        "while True:\n    pass", executor(should_stop=stop.is_set)
    )


def test_printed_output_is_capped() -> None:
    result = executor(max_print_chars=100)("for i in range(1000):\n    print('y' * 100)")
    assert result.logs == "y" * 100 + "\n[printed output cut at 100 characters]\n"


def test_a_huge_last_value_is_cut() -> None:
    result = executor(max_print_chars=100)("'z' * 10000")
    assert result.output == "z" * 100 + "\n[value cut]"


def test_syntax_errors_come_from_the_interpreter() -> None:
    assert re.search(r"Code parsing failed on line 1", refusal("def broken(:"))
