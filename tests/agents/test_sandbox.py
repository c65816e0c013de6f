"""The sandbox, checked on the executor directly: what generated code may do, its limits, and
what it cannot reach (escapes by class: ``tests/hardening/test_sandbox_boundary.py``)."""

from __future__ import annotations

import gc
import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import psutil
import pytest
from smolagents.default_tools import FinalAnswerTool
from smolagents.local_python_executor import InterpreterError

from agents.engines.sandbox import ALLOWED_IMPORTS, SandboxExecutor
from agents.engines.sandbox_modules import MAX_ITEMS
from agents.engines.sandbox_pool import pool


@pytest.fixture(autouse=True)
def _workers_back_to_the_pool() -> Iterator[None]:
    # Executors a failed assertion keeps alive in a traceback give their worker back here.
    yield
    gc.collect()


def executor(tools: dict[str, Any] | None = None, **limits: Any) -> SandboxExecutor:
    sandbox = SandboxExecutor(**limits)
    sandbox.send_tools({"final_answer": FinalAnswerTool(), **(tools or {})})
    return sandbox


def refusal(code: str, sandbox: SandboxExecutor | None = None) -> str:
    """The error message running ``code`` ends with (it must end with one)."""
    with pytest.raises(InterpreterError) as caught:
        (sandbox or executor())(code)
    return str(caught.value)


def test_every_offered_module_imports_and_works() -> None:
    code = (
        "\n".join(f"import {name}" for name in ALLOWED_IMPORTS)
        + """
from collections import Counter
from datetime import date, timedelta
words = Counter(re.findall(r'\\w+', 'a b a'))
print(words.most_common(1), statistics.mean([1, 2, 3]), statistics.median([5, 1, 3]))
print(json.dumps({'n': math.factorial(5)}), textwrap.fill('a b c d', 3))
print(string.ascii_lowercase[:3], functools.reduce(lambda a, b: a * b, range(1, 6)))
print(date(2026, 12, 7) + timedelta(days=30), decimal.Decimal('0.1') + decimal.Decimal('0.2'))
"""
    )
    assert executor()(code).logs == (
        "[('a', 2)] 2 3\n{\"n\": 120} a b\nc d\nabc 120\n2027-01-06 0.3\n"
    )


def test_everyday_code_works() -> None:
    code = """
def is_prime(n):
    if n < 2:
        return False
    i = 2
    while i * i <= n:
        if n % i == 0:
            return False
        i += 1
    return True
primes = [n for n in range(5000) if is_prime(n)]
rows = {name: len(name) for name in ['ada', 'grace']}
class Box:
    def __init__(self, size):
        self.size = size
    def double(self):
        return self.size * 2
f"{len(primes)} {'stressed'[::-1]} {sorted(rows.items())} {Box(21).double()} {4180 * 23 / 100:,}"
"""
    assert executor()(code).output == "669 desserts [('ada', 3), ('grace', 5)] 42 961.4"


def test_state_is_kept_between_steps_and_not_between_runs() -> None:
    sandbox = executor()
    sandbox("import math\nradius = 2")
    assert sandbox("round(math.pi * radius ** 2, 2)").output == 12.57
    sandbox.close()
    assert "NameError" in refusal("radius", executor())


def test_tools_run_in_the_app_with_what_the_code_passes() -> None:
    calls: list[tuple[Any, ...]] = []

    def lookup(*args: Any, **kwargs: Any) -> str:
        calls.append((args, kwargs))
        if args and args[0] == "nowhere":
            raise ValueError("no such place")
        return "Paris"

    sandbox = executor({"lookup": lookup})
    result = sandbox("city = lookup('france', exact=True)\nprint(city)")
    assert result.logs == "Paris\n"
    assert calls == [(("france",), {"exact": True})]
    caught = sandbox("try:\n    lookup('nowhere')\nexcept ValueError as e:\n    print('no:', e)")
    assert caught.logs == "no: no such place\n"
    assert "ValueError: no such place" in refusal("lookup('nowhere')", sandbox)


def test_a_tool_error_of_the_apps_own_class_reaches_the_code_by_name() -> None:
    class ToolError(Exception):
        pass

    def refuse(*_: Any) -> str:
        raise ToolError("not in the workspace")

    message = refusal("refuse('x')", executor({"refuse": refuse}))
    assert "ToolError: not in the workspace" in message


def test_final_answer_ends_the_step_there() -> None:
    result = executor()("x = 6 * 7\nfinal_answer(f'it is {x}')\nprint('not reached')")
    assert result.is_final_answer
    assert result.output == "it is 42"
    assert result.logs == ""


def test_variables_from_the_agent_are_passed_in_when_plain() -> None:
    sandbox = executor()
    sandbox.send_variables(
        {"numbers": [1, 2, 3], "odd": object(), "nested": [object()], "bad name": 1}
    )
    assert sandbox("sum(numbers)").output == 6
    assert "NameError" in refusal("odd", sandbox)
    assert "NameError" in refusal("nested", sandbox)


def test_an_endless_loop_ends_at_the_time_limit_and_the_next_step_runs() -> None:
    sandbox = executor(step_seconds=0.3)
    message = refusal("x = 1\nwhile True:\n    pass", sandbox)
    assert "TimeoutError" in message and "variables from earlier steps are gone" in message
    assert sandbox("1 + 1").output == 2


def test_catching_the_time_limit_does_not_keep_the_code_going() -> None:
    code = (
        "while True:\n    try:\n        "
        "while True:\n            pass\n    except Exception:\n        x = 1"
    )
    assert "TimeoutError" in refusal(code, executor(step_seconds=0.3))


def test_memory_is_capped() -> None:
    sandbox = executor(max_memory_mb=64)
    assert "MemoryError" in refusal("x = [0] * (10 ** 8)", sandbox)
    assert "MemoryError" in refusal("10 ** 10 ** 10", sandbox)
    assert sandbox("len('ok')").output == 2


def test_stopping_the_run_ends_running_code() -> None:
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    sandbox = executor(step_seconds=30, should_stop=stop.is_set)
    assert "RunStopped: the run was stopped" in refusal("while True:\n    pass", sandbox)


def test_printed_output_is_capped() -> None:
    result = executor(max_print_chars=100)("for i in range(1000):\n    print('y' * 100)")
    assert result.logs == "y" * 100 + "\n[printed output cut at 100 characters]\n"


def test_a_huge_last_value_is_cut() -> None:
    result = executor(max_print_chars=100)("'z' * 10000")
    assert result.output == "z" * 100 + "\n[value cut]"


def test_syntax_errors_say_so() -> None:
    assert "SyntaxError" in refusal("def broken(:")


def test_host_modules_check_what_they_are_given() -> None:
    sandbox = executor()
    assert "TypeError: mean() takes a list of numbers" in refusal(
        "import statistics\nstatistics.mean('abc')", sandbox
    )
    assert "ValueError" in refusal("statistics.mean([])", sandbox)
    assert f"at most {MAX_ITEMS:,} numbers" in refusal(
        f"statistics.mean([1] * {MAX_ITEMS + 1})", sandbox
    )
    assert "width from 1 to 10,000" in refusal("import textwrap\ntextwrap.wrap('a', 0)", sandbox)


def test_the_worker_has_no_environment_and_no_app_parent_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENTDESK_API_TOKEN", "secret-token-for-the-test")
    sandbox = executor()
    sandbox("x = 1")
    pid = sandbox._session.worker_pid
    worker = psutil.Process(pid)
    assert worker.environ() == {}
    assert worker.pid != os.getpid()
    sandbox.close()


def test_every_run_gets_a_worker_of_its_own() -> None:
    first, second = executor(), executor()
    first("x = 1")
    second("x = 2")
    assert first._session.worker_pid != second._session.worker_pid
    assert first("x").output == 1
    first.close()
    second.close()
    assert pool() is pool()


def test_changing_shared_classes_changes_nothing_in_the_app() -> None:
    refusal("import json\njson.JSONEncoder.item_separator = ';'")
    assert json.JSONEncoder.item_separator == ", "


def test_a_table_read_as_text_parses_with_csv_and_string_io() -> None:
    """read_file gives code a CSV as text; people hand it to csv through io.StringIO."""
    code = """
import csv, io
text = "region,units\\nnorth,120\\nsouth,85\\n"
rows = list(csv.DictReader(io.StringIO(text)))
print(sum(int(r["units"]) for r in rows), max(rows, key=lambda r: int(r["units"]))["region"])
"""
    assert executor()(code).logs == "205 north\n"
    assert "takes text or a list of lines" in refusal("import io\nio.StringIO(3)")


def test_reaching_for_a_file_says_which_tool_reads_it() -> None:
    """ "Permission denied" alone sent the model checking permissions, step after step."""
    opened = refusal("with open('sales.csv') as f:\n    print(f.read())")
    assert "PermissionError" in opened and "Code has no file access" in opened
    assert "read_file" not in opened  # not offered: not named
    with_tools = executor({"read_file": FinalAnswerTool()})
    looked = refusal("import os\nprint(os.path.exists('notes.txt'))", with_tools)
    assert "text = read_file(path=" in looked
    assert "Code has no file access" not in refusal("1 / 0", with_tools)
