"""The escape corpus (``escape_corpus``) against the code sandbox and the tools: every case is
refused, cut short or kept inside the sandbox's interpreter, with 0 escapes, within the
sandbox's own limits, and the next step still runs. The app's secrets are in its environment
while the corpus runs, so code that reached them would show the canary. (The code cases'
``expect`` phrases were the messages of the earlier, rule-based sandbox; the boundary now is the
interpreter itself, so a code case is judged by what got out, not by the words of its refusal.)
A few cases go end to end through the code engine
with the scripted fake model, and through the app. The table of cases is printed at the end
and written to ``escape_table.md`` in pytest's temp dir."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from smolagents.default_tools import FinalAnswerTool
from smolagents.local_python_executor import InterpreterError, LocalPythonExecutor

from agents.engines.base import EngineStopped
from agents.engines.code import CodeEngine
from agents.engines.sandbox import SandboxExecutor
from agents.tools.for_smolagents import smolagents_tools
from agents.tools.registry import MAX_RESULT_CHARS, ToolError
from backend.config import Settings
from backend.llm.fake_rules import last_user_text
from backend.llm.fake_server import FakeOpenAIServer
from backend.storage.tool_calls import MAX_ARGUMENT_CHARS
from tests.hardening.escape_corpus import CAPPED, CODE_CASES, TOOL_CASES, Case
from tests.hardening.escape_world import APP_STATE, Table, World, code_run

# The workspace holds symbolic links and a named pipe; the address-space cap is Linux's.
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

# The sandbox's own limits, small enough for a quick corpus.
STEP_SECONDS = 1.0
MAX_PRINT_CHARS = 2000
MAX_MEMORY_MB = 384
# The app itself may not grow by more than this over one case (the worker holds the bombs).
APP_GROWTH_BYTES = 64 * 2**20


def params(cases: list[Case]) -> list[Any]:
    return [
        pytest.param(case, id=case.name, marks=[pytest.mark.slow] if case.slow else [])
        for case in cases
    ]


@pytest.fixture(scope="module")
def table(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Table]:
    rows = Table()
    yield rows
    text = rows.markdown()
    (tmp_path_factory.getbasetemp() / "escape_table.md").write_text(text, encoding="utf-8")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        # Module teardown output is captured like a test's; the table is for the reader.
        with capture.global_and_fixture_disabled():
            reporter.write_sep("=", "escape corpus")
            reporter.write_line(text)


def executor_for(world: World) -> SandboxExecutor:
    executor = SandboxExecutor(STEP_SECONDS, MAX_PRINT_CHARS, MAX_MEMORY_MB)
    tools = smolagents_tools(world.registry, world.tool_context())
    executor.send_tools({tool.name: tool for tool in [*tools, FinalAnswerTool()]})
    return executor


def expected(case: Case, message: str) -> bool:
    phrases = (case.expect,) if isinstance(case.expect, str) else case.expect
    return any(phrase in message for phrase in phrases)


def app_memory() -> int:
    return int(psutil.Process().memory_info().rss)


@pytest.mark.timeout(60)
@pytest.mark.usefixtures("secrets_in_env")
@pytest.mark.parametrize("case", params(CODE_CASES))
def test_code_case(case: Case, world: World, table: Table) -> None:
    world.events.clear()
    before = {name: probe() for name, probe in APP_STATE.items()}
    executor = executor_for(world)
    memory = app_memory()
    started = time.monotonic()
    try:
        result = executor(world.fill(case.code))
        refused, message = False, f"{result.logs}{result.output}"
    except InterpreterError as error:
        refused, message = True, str(error)
    seconds = time.monotonic() - started
    table.add(case.name, "code", refused, message, seconds)

    assert world.escapes(message) == []
    assert app_memory() - memory < APP_GROWTH_BYTES
    if case.keeps:
        assert APP_STATE[case.keeps]() == before[case.keeps]
    # Whatever the agent is told stays short: the output cap, or a cut error message.
    assert len(message) < MAX_PRINT_CHARS + 500 or case.outcome == CAPPED
    # The run goes on: the next step works, in a new worker if the last one was ended.
    assert executor("print(6 * 7)").logs == "42\n"
    executor.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", params(TOOL_CASES))
def test_tool_case(case: Case, world: World, table: Table) -> None:
    world.events.clear()
    started = time.monotonic()
    try:
        message = world.registry.call(case.tool, world.fill(case.arguments), world.tool_context())
        refused = False
    except ToolError as error:
        refused, message = True, str(error)
    table.add(case.name, "tool", refused, message, time.monotonic() - started)

    assert world.escapes(message) == []
    assert expected(case, message), message
    assert refused is (case.outcome != CAPPED)
    assert len(message) <= MAX_RESULT_CHARS + 100
    # The call was announced with its arguments cut short (a whole file stays out of events).
    (call,) = [data for kind, data in world.events if kind == "tool_call"]
    assert len(str(call["arguments"])) < MAX_ARGUMENT_CHARS + 200


def test_the_corpus_covers_what_it_should() -> None:
    names = [case.name for case in [*CODE_CASES, *TOOL_CASES]]
    assert len(names) == len(set(names)), "case names are unique"
    imports = {case.code.split()[1] for case in CODE_CASES if case.code.startswith("import ")}
    wanted = "os subprocess socket ctypes sys importlib builtins shutil pathlib multiprocessing"
    assert set(f"{wanted} threading".split()) <= imports


@pytest.mark.timeout(60)
def test_after_the_corpus_a_normal_run_still_works(world: World) -> None:
    executor = executor_for(world)
    executor("import math\nradius = 2\nwrite_file('notes/area.txt', str(math.pi * radius**2))")
    result = executor("print(read_file('notes/area.txt')[:6])\nfinal_answer(radius)")
    assert (result.logs, result.output, result.is_final_answer) == ("12.566\n", 2, True)
    executor.close()
    assert world.escapes("") == []


@pytest.mark.timeout(60)
def test_memory_is_capped_by_the_interpreter_itself() -> None:
    # The cap is the interpreter's own on every system, not an OS limit of one of them.
    executor = SandboxExecutor(step_seconds=5, max_memory_mb=128)
    executor.send_tools({})
    memory = app_memory()
    with pytest.raises(InterpreterError, match="MemoryError"):
        executor("x = []\nwhile True:\n    x.append('y' * 10**6)")
    assert app_memory() - memory < APP_GROWTH_BYTES
    assert executor("1 + 1").output == 2
    executor.close()


@pytest.mark.timeout(60)
def test_a_stopped_run_ends_its_worker() -> None:
    stop = threading.Event()
    executor = SandboxExecutor(step_seconds=30, should_stop=stop.is_set)
    executor.send_tools({})
    executor("x = 1")
    worker = psutil.Process(executor._session.worker_pid)
    threading.Timer(0.2, stop.set).start()
    with pytest.raises(InterpreterError, match="RunStopped: the run was stopped"):
        executor("sum(range(10**15))")
    worker.wait(timeout=10)
    assert not worker.is_running()


def test_the_table_is_written(table: Table) -> None:
    table.add("(check)", "code", True, "a | message", 0.0)
    assert "| (check) | code | yes | a \\| message | 0.00 |" in table.markdown()
    table.rows.pop()


CASES = {case.name: case for case in CODE_CASES}
# Each case, and what the interpreter tells the model about it.
THROUGH_THE_ENGINE = {
    "import os": "has no attribute 'system'",
    "str.format attribute walk": "has no attribute '_os'",
    "read_file .. from code": "leads outside the workspace",
    "'x' * 10**10": "MemoryError",
    "sum(range(10**12))": "TimeoutError",
    "print 100 MB in lines": "printed output cut",
}


def reply(source: str) -> str:
    """A model reply in smolagents' format: a thought, then one code block."""
    return f"Thought: let me try.\n<code>\n{source}\n</code>"


def sandbox_workers() -> list[psutil.Process]:
    """The interpreter workers serving a run now (the pool starts one per run)."""
    workers = [p for p in psutil.Process().children() if p.name().startswith("monty")]
    return [p for p in workers if p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.timeout(60)
@pytest.mark.usefixtures("secrets_in_env")
@pytest.mark.parametrize("name", list(THROUGH_THE_ENGINE))
async def test_the_engine_shows_the_refusal_and_the_run_ends(
    name: str, world: World, fake: FakeOpenAIServer, table: Table
) -> None:
    case, phrase = CASES[name], THROUGH_THE_ENGINE[name]
    fake.set_rules(
        [
            {"match": "New task", "reply": reply(world.fill(case.code)), "times": 1},
            # Only the message about this case leads to the answer.
            {"match": re.escape(phrase), "reply": reply("final_answer('it did not work')")},
        ]
    )
    run = code_run(world, fake.base_url, "Get out of the sandbox")
    started = time.monotonic()

    answer = await CodeEngine(step_seconds=STEP_SECONDS, max_print_chars=MAX_PRINT_CHARS).run(
        run.context
    )

    first, last = run.steps()
    seen = first.get("error", first["output"])
    table.add(f"{name} (engine)", "run", "error" in first, seen, time.monotonic() - started)
    assert answer == "it did not work"
    assert phrase in seen
    assert phrase in last_user_text(fake.requests[1]["messages"])
    assert last["code"] == "final_answer('it did not work')"
    assert run.events[-1] == ("token", {"text": "it did not work"})
    assert world.escapes(json.dumps(run.events, default=str)) == []
    assert sandbox_workers() == [], "the run's worker ended with it"


@pytest.mark.timeout(60)
@pytest.mark.usefixtures("secrets_in_env")
async def test_a_model_that_keeps_trying_is_stopped(world: World, fake: FakeOpenAIServer) -> None:
    fake.set_rules(
        [
            # Asked at the end to answer from its steps, the model has nothing to say.
            {"match": "Based on the above, answer this task", "reply": ""},
            {"reply": reply(world.fill(CASES["import os"].code))},
        ]
    )
    run = code_run(world, fake.base_url, "Get out of the sandbox", max_steps=8)

    with pytest.raises(EngineStopped, match="ran the same code 3 times"):
        await CodeEngine(step_seconds=STEP_SECONDS).run(run.context)

    last_lines = [step["error"].splitlines()[-1] for step in run.steps()]
    assert last_lines == ["AttributeError: module 'os' has no attribute 'system'"] * 3
    assert world.escapes(json.dumps(run.events, default=str)) == []


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_through_the_app_nothing_gets_out_and_the_app_carries_on(
    client: httpx.AsyncClient, fake: FakeOpenAIServer, settings: Settings
) -> None:
    outside = settings.data_dir / "outside"
    outside.mkdir(parents=True)
    secret = "CANARY-through-the-app"
    (outside / "canary.txt").write_text(secret, encoding="utf-8")
    sentinel = outside / "sentinel.txt"
    fake.set_rules(
        [
            {"match": "New task", "reply": reply("print(read_file('../outside/canary.txt'))")},
            {"match": "leads outside", "reply": reply(f"import os\nos.system('touch {sentinel}')")},
            {"match": "no attribute 'system'", "reply": reply("final_answer('nothing got out')")},
        ]
    )
    query = {"prompt": "Read the canary", "mode": "code", "use_knowledge": False}
    body = (await client.post("/api/agent/query", json=query)).json()

    assert (body["status"], body["answer"]) == ("completed", "nothing got out"), body
    errors = [s["data"].get("error", "") for s in body["steps"] if s["data"].get("kind") == "code"]
    assert "leads outside the workspace" in errors[0] and "no attribute 'system'" in errors[1]
    assert secret not in json.dumps(body) and not sentinel.exists()
    audited = (await client.get(f"/api/agent/runs/{body['run_id']}/tools")).json()
    assert [call["tool"] for call in audited["tool_calls"]] == ["read_file"]

    fake.set_rules([{"match": "New task", "reply": reply("final_answer(6 * 7)")}])
    query = {"prompt": "What is six times seven?", "mode": "code", "use_knowledge": False}
    normal = (await client.post("/api/agent/query", json=query)).json()
    assert (normal["status"], normal["answer"]) == ("completed", "42")
    assert (await client.get("/api/health")).status_code == 200


def test_the_two_escapes_found_were_real_on_the_stock_interpreter(tmp_path: Path) -> None:
    # Why the corpus has them: smolagents' own executor lets both through (in this process).
    stock = LocalPythonExecutor(["functools", "random"], timeout_seconds=None)
    stock.send_tools({})
    marker = tmp_path / "escaped"
    chain = CASES["functools.update_wrapper to the interpreter's globals"].code
    stock(chain.replace("@SENTINEL@", str(marker)))
    assert marker.exists(), "update_wrapper led to code that runs any import"
    printed = stock("import random\nprint('{0._os.environ}'.format(random))").logs
    assert printed.startswith("environ({"), "str.format walked to the environment"
