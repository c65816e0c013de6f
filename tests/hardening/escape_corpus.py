"""The escape corpus: hostile inputs for the code sandbox and the agents' tools, as data.

Each case is one step of generated code, or one tool call, and what must happen to it:

- ``REFUSED``: it fails, and the message the agent sees contains ``expect``;
- ``CAPPED``: it runs, and what comes back is cut short with a note containing ``expect``;
- ``CONTAINED``: it runs, but only in the sandbox's worker process: the app's own state named
  by ``keeps`` is unchanged.

And for every case (``tests/hardening/test_escapes.py`` checks it): the canary file outside the
workspace is neither changed nor shown, the sentinel file is not created, nothing connects to
the listening canary socket, and the next step runs normally. The placeholders @CANARY@,
@SENTINEL@, @OUTSIDE@ (absolute paths) and @PORT@ are filled in by the test; the workspace's
parent holds ``outside/``, so ``../outside/canary.txt`` leads there from the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

REFUSED, CAPPED, CONTAINED = "refused", "capped", "contained"


@dataclass(frozen=True)
class Case:
    """One hostile input and what must happen to it."""

    name: str
    code: str = ""
    tool: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    # A phrase the message must contain; or phrases, any one of which will do.
    expect: str | tuple[str, ...] = ""
    outcome: str = REFUSED
    keeps: str = ""
    slow: bool = False


def code(
    name: str, source: str, expect: str | tuple[str, ...], outcome: str = REFUSED, **more: Any
) -> Case:
    return Case(name, code=source, expect=expect, outcome=outcome, **more)


def tool(
    label: str, tool_name: str, expect: str, outcome: str = REFUSED, /, **arguments: Any
) -> Case:
    return Case(label, tool=tool_name, arguments=arguments, expect=expect, outcome=outcome)


TOUCH = "system('touch @SENTINEL@')"
NOT_ALLOWED = "is not allowed"
DUNDER = "names with double underscores are not allowed"
INTERNAL = "reaches into the interpreter"
NO_DYNAMIC = "code here has no files, processes or dynamic code"
# A step stopped by the interpreter's clock, or (inside one native call) by ending the worker.
TIME_LIMIT = "the limit for one step"
MEMORY = "MemoryError"
# Growing by steps: whichever limit comes first (on a busy machine, that may be the clock).
BOUNDED = (MEMORY, TIME_LIMIT)
NO_TOOL_SEES_IT = "outside the workspace"

IMPORTS = [
    code("import os", f"import os\nos.{TOUCH}", "Import of os is not allowed"),
    code("from os import system", f"from os import system\n{TOUCH}", "Import from os"),
    code("import os.path", "import os.path\nos.path.exists('@CANARY@')", "Import of os.path"),
    code(
        "import subprocess",
        "import subprocess\nsubprocess.run(['touch', '@SENTINEL@'])",
        "Import of subprocess is not allowed",
    ),
    code(
        "import socket",
        "import socket\nsocket.create_connection(('127.0.0.1', @PORT@))",
        "Import of socket is not allowed",
    ),
    code(
        "import ctypes",
        "import ctypes\nctypes.CDLL(None).system(b'touch @SENTINEL@')",
        "Import of ctypes is not allowed",
    ),
    code("import sys", f"import sys\nsys.modules['os'].{TOUCH}", "Import of sys is not allowed"),
    code(
        "import importlib",
        f"import importlib\nimportlib.import_module('os').{TOUCH}",
        "Import of importlib is not allowed",
    ),
    code(
        "import builtins",
        "import builtins\nbuiltins.open('@SENTINEL@', 'w')",
        "Import of builtins is not allowed",
    ),
    code(
        "import shutil",
        "import shutil\nshutil.copy('@CANARY@', '@SENTINEL@')",
        "Import of shutil is not allowed",
    ),
    code(
        "import pathlib",
        "import pathlib\npathlib.Path('@SENTINEL@').write_text('x')",
        "Import of pathlib is not allowed",
    ),
    code(
        "import multiprocessing",
        "import multiprocessing\nmultiprocessing.Process(target=print).start()",
        "Import of multiprocessing is not allowed",
    ),
    code(
        "import threading",
        "import threading\nthreading.Thread(target=print).start()",
        "Import of threading is not allowed",
    ),
    code("import io", "import io\nio.open('@SENTINEL@', 'w')", "Import of io is not allowed"),
    code(
        "import urllib",
        "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:@PORT@/')",
        "Import of urllib.request is not allowed",
    ),
    code(
        "import asyncio",
        "import asyncio\nasyncio.run(asyncio.open_connection('127.0.0.1', @PORT@))",
        "Import of asyncio is not allowed",
    ),
    code("import pickle", "import pickle\npickle.loads(b'cos\\nsystem\\n.')", NOT_ALLOWED),
    code("import gc", "import gc\ngc.get_objects()", "Import of gc is not allowed"),
    code("import time", "import time\ntime.sleep(100)", "Import of time is not allowed"),
    code("import * from an allowed module", "from string import *", "'import *' is not allowed"),
    # Allowed modules hold other modules: each one is checked against the allow-list too.
    code("json.codecs", "import json\njson.codecs.open('@SENTINEL@', 'w')", "module: codecs"),
    code("statistics.sys", f"import statistics\nstatistics.sys.modules['os'].{TOUCH}", "sys"),
    code("random._os", f"import random\nrandom._os.{TOUCH}", "'_os' is private to the module"),
    code(
        "random._os by a built name",
        f"import random\ngetattr(random, '_o' + 's').{TOUCH}",
        "'_os' is private to the module random",
    ),
    code("from re import _compiler", "from re import _compiler", "'_compiler' is private"),
]

BUILTINS = [
    code("open to read", "print(open('@CANARY@').read())", "open() is not available"),
    code("open to write", "open('@SENTINEL@', 'w').write('x')", "open() is not available"),
    code("__import__", f"__import__('os').{TOUCH}", "__import__() is not available"),
    code("eval", "eval(\"open('@SENTINEL@', 'w')\")", "eval() is not available"),
    code("exec", "exec('import os')", "exec() is not available"),
    code("compile", "compile('1', 'x', 'eval')", "compile() is not available"),
    code("eval by another name", "f = eval\nf('1')", "`eval` is not defined"),
    code("globals()", "globals()['__builtins__']", "globals() is not available"),
    code("vars()", "vars()", "vars() is not available"),
    code("breakpoint()", "breakpoint()", "breakpoint() is not available"),
    code("input()", "input()", "input() is not available"),
    code("exit()", "exit()", "exit() is not available"),
    code("__builtins__ lookup", "__builtins__['open']('@SENTINEL@', 'w')", DUNDER),
    code("getattr(__builtins__)", "getattr(__builtins__, 'open')('@SENTINEL@', 'w')", DUNDER),
    code("len.__self__", "getattr(len, '__' + 'self__').open('@SENTINEL@', 'w')", DUNDER),
    code("bytearray", "bytearray(10)", "Forbidden function evaluation: 'bytearray'"),
]

DUNDER_WALKS = [
    code("subclasses walk", "().__class__.__base__.__subclasses__()", DUNDER),
    code("mro walk", "''.__class__.__mro__[1].__subclasses__()", DUNDER),
    code("func.__globals__", "def f():\n    pass\nf.__globals__['__builtins__']", DUNDER),
    code("lambda.__code__", "(lambda: 0).__code__", DUNDER),
    code(
        "type().mro() then a built dunder name",
        "base = type(1).mro()[-1]\ngetattr(base, '__subcl' + 'asses__')()",
        "'__subclasses__': names with double underscores",
    ),
    code("type(module)('os')", "import json\ntype(json)('os')", "Forbidden access to module: os"),
    code("type(type) builds a class", "type(type)('X', (object,), {})", "`object` is not defined"),
    code(
        "traceback frames", "try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__", DUNDER
    ),
    code("generator frame", "(x for x in [1]).gi_frame.f_locals", INTERNAL),
    code(
        "generator frame by a built name",
        "frame = getattr((x for x in [1]), 'gi_' + 'frame')\n"
        f"frame.f_locals['authorized_imports'].append('os')\nimport os\nos.{TOUCH}",
        "'f_locals' reaches into the interpreter",
    ),
    code(
        "string.Formatter",
        "import string\nstring.Formatter().get_field('0.__class__', [1], {})",
        "'Formatter' reaches into",
    ),
    # str.format reads attributes by name, and walked to os.environ before it was guarded.
    code(
        "str.format attribute walk",
        "import random\nprint('{0._os.environ}'.format(random))",
        "'_os' is private to the module random",
    ),
    code(
        "str.format dunder walk",
        "def f():\n    pass\nprint('{0.__globals__}'.format(f))",
        "'__globals__': names with double underscores",
    ),
    code(
        "str.format unbound",
        "import random\nstr.format('{0._os.environ}', random)",
        "'_os' is private to the module random",
    ),
    code(
        "str.format_map",
        "import random\n'{r._os.environ}'.format_map({'r': random})",
        "'_os' is private to the module random",
    ),
    code(
        "str.format nested in a format spec",
        "import random\n'{0:{1._os.sep}}'.format(1, random)",
        "'_os' is private to the module random",
    ),
    code(
        "str.format by a built name",
        "import random\ngetattr('{0._os.environ}', 'form' + 'at')(random)",
        "'_os' is private to the module random",
    ),
    # functools.update_wrapper read any attribute named in updated=: a function's __globals__
    # is the interpreter's module, whose evaluate_python_code runs code with any import.
    code(
        "functools.update_wrapper to the interpreter's globals",
        "import functools\ndef f():\n    pass\nleak = {}\nbox = [leak]\n"
        "X = type('X', (), {'__globals__': leak})\n"
        "functools.update_wrapper(X, f, assigned=(), updated=('__globals__',))\n"
        "run = functools.reduce(dict.get, box + ['evaluate_python_code'])\n"
        "run(\"import subprocess\\nsubprocess.run(['touch', '@SENTINEL@'])\", "
        "authorized_imports=['*'])",
        "'update_wrapper' reaches into the interpreter",
    ),
    code(
        "functools.wraps by a built name",
        "import functools\ngetattr(functools, 'wra' + 'ps')",
        "'wraps' reaches into the interpreter",
    ),
    code(
        "interpreter helpers by name",
        "_sandbox_getattr(1, 'real')",
        "'_sandbox_getattr' reaches into the interpreter",
    ),
]

# Changes to shared classes and module state: refused, or kept inside the worker.
SHARED_STATE = [
    code(
        "patch a shared class",
        "import json\njson.JSONEncoder.item_separator = ';'",
        "only objects this code made can change",
        keeps="json encoder",
    ),
    code(
        "patch through functools.update_wrapper",
        "import json, functools\nclass Mine:\n    item_separator = ';'\n"
        "functools.update_wrapper(json.JSONEncoder, Mine, assigned=('item_separator',),"
        " updated=())",
        "'update_wrapper' reaches into the interpreter",
        keeps="json encoder",
    ),
    code(
        "seed the random generator",
        "import random\nrandom.seed(0)\nrandom.random()",
        "0.844",
        CONTAINED,
        keeps="random state",
    ),
    code(
        "change the decimal context",
        "import decimal\ndecimal.setcontext(decimal.Context(prec=3))\n"
        "decimal.Decimal(1) / decimal.Decimal(7)",
        "0.143",
        CONTAINED,
        keeps="decimal context",
    ),
    code("clear the re cache", "import re\nre._cache.clear()", "'_cache' is private"),
]

HUGE_OUTPUT = [
    code("print 100 MB at once", "print('x' * 10**8)", "[printed output cut at", CAPPED),
    code(
        "print 100 MB in lines",
        "for i in range(100):\n    print('x' * 10**6)",
        "[printed output cut at",
        CAPPED,
    ),
    code("a 10 MB last value", "'z' * 10**7", "[value cut]", CAPPED),
    code("a 10 MB final answer", "final_answer('y' * 10**7)", "[value cut]", CAPPED),
    code("a 10 MB error message", "raise ValueError('e' * 10**7)", "[error message cut]"),
    code("a 10 MB value in an error", "x = 'a' * 10**7\nx['key']", "[error message cut]"),
    code(
        "a value too long to write out",
        "1 << 10**7",
        "cannot be shown: ValueError: Exceeds the limit",
        CAPPED,
    ),
]

# Each of these waits for the step's limit (and the native ones for the worker's end): slow.
ENDLESS = [
    code("while True", "while True:\n    pass", TIME_LIMIT),
    code(
        "while True catching everything",
        "while True:\n    try:\n        x = 1\n    except BaseException:\n        pass",
        TIME_LIMIT,
    ),
    code("count for ever", "import itertools\nfor i in itertools.count():\n    pass", TIME_LIMIT),
    code(
        "an endless __str__",
        "class Loop:\n    def __str__(self):\n        while True:\n            pass\nLoop()",
        "cannot be shown: StepTimeLimit",
        CAPPED,
    ),
    code(
        "an endless __del__",
        "class Loop:\n    def __del__(self):\n        while True:\n            pass\n"
        "loop = Loop()\ndel loop\nprint('after')",
        TIME_LIMIT,
    ),
    # One native call the interpreter's clock never sees: the worker is ended for these.
    code("sum(range(10**12))", "sum(range(10**12))", "inside one long call"),
    code("max of an endless count", "import itertools\nmax(itertools.count())", "inside one long"),
    code("10**10**10", "10**10**10", "inside one long call"),
    code("pow(10, 10**9)", "pow(10, 10**9)", "inside one long call"),
    code(
        "regular expression backtracking",
        "import re\nre.match('(a+)+$', 'a' * 40 + 'b')",
        "inside one long call",
    ),
    code("math.factorial(10**8)", "import math\nmath.factorial(10**8)", "inside one long call"),
    code(
        "library code the interpreter does not count",
        "import textwrap\ntextwrap.fill('a ' * 10**7)",
        "inside one long call",
    ),
]

MEMORY_BOMBS = [
    code("'x' * 10**10", "'x' * 10**10", MEMORY),
    code("[0] * 10**10", "[0] * 10**10", MEMORY),
    code("list(range(10**10))", "list(range(10**10))", MEMORY),
    code("a list that grows", "x = []\nwhile True:\n    x.append('y' * 10**7)", BOUNDED, slow=True),
    code(
        "a string that doubles", "x = 'a' * 10**6\nwhile True:\n    x = x + x", BOUNDED, slow=True
    ),
    code(
        "a list of an endless count",
        "import itertools\nlist(itertools.count())",
        BOUNDED,
        slow=True,
    ),
    code("1 << 10**11", "1 << 10**11", MEMORY),
    code("a format width", "'{:>10000000000}'.format(1)", MEMORY),
    code("str.ljust", "'x'.ljust(10**10)", MEMORY),
    code(
        "decimal precision",
        "import decimal\nwith decimal.localcontext(prec=10**9):\n"
        "    x = decimal.Decimal(1) / decimal.Decimal(7)",
        MEMORY,
    ),
]

RECURSION = [
    code("endless recursion", "def f(n):\n    return f(n + 1)\nf(0)", "RecursionError"),
    code(
        "mutual recursion",
        "def a(n):\n    return b(n)\ndef b(n):\n    return a(n)\na(0)",
        "RecursionError",
    ),
    code("deep JSON", "import json\njson.loads('[' * 100000 + ']' * 100000)", "RecursionError"),
    code(
        "a deeply nested list shown",
        "x = []\nfor _ in range(5000):\n    x = [x]\nx",
        "cannot be shown: RecursionError",
        CAPPED,
    ),
    code("a parser bomb", "x = " + "+".join(["1"] * 100_000), "recursion"),
]

# The tools, called from the code: the same rules as when the model calls them by name.
TOOLS_FROM_CODE = [
    code("read_file .. from code", "print(read_file('../outside/canary.txt'))", NO_TOOL_SEES_IT),
    code("read_file absolute from code", "read_file('@CANARY@')", "is outside the folders"),
    code(
        "write_file .. from code",
        "write_file('../outside/sentinel.txt', 'x')",
        NO_TOOL_SEES_IT,
    ),
    code("read_file a link from code", "read_file('link_to_canary')", "is a link that leads"),
    code(
        "a tool argument that is not plain data",
        "read_file((x for x in ['a']))",
        "its arguments must be plain values",
    ),
    code(
        "a 50 MB tool argument",
        "write_file('big.txt', 'x' * 5 * 10**7)",
        "too large to pass on",
    ),
    code(
        "a 2 MB file from code",
        "write_file('big.txt', 'x' * 2 * 10**6)",
        "the content is too large",
    ),
    code(
        "a huge file read from code", "print(read_file('huge.txt'))", "[printed output cut", CAPPED
    ),
]

ENDLESS = [replace(case, slow=True) for case in ENDLESS]
CODE_CASES = [
    *IMPORTS,
    *BUILTINS,
    *DUNDER_WALKS,
    *SHARED_STATE,
    *HUGE_OUTPUT,
    *ENDLESS,
    *MEMORY_BOMBS,
    *RECURSION,
    *TOOLS_FROM_CODE,
]

OUTSIDE = "is outside the folders you may read"
FILE_TOOLS = [
    tool("read ..", "read_file", NO_TOOL_SEES_IT, path="../outside/canary.txt"),
    tool("read many ..", "read_file", NO_TOOL_SEES_IT, path="../../../../../../../etc/passwd"),
    tool("read .. with backslashes", "read_file", NO_TOOL_SEES_IT, path="..\\outside\\canary.txt"),
    tool("read .. after a folder", "read_file", NO_TOOL_SEES_IT, path="notes/../../outside/x"),
    tool("read absolute canary", "read_file", OUTSIDE, path="@CANARY@"),
    tool("read /etc/passwd", "read_file", OUTSIDE, path="/etc/passwd"),
    tool("read /proc/self/environ", "read_file", OUTSIDE, path="/proc/self/environ"),
    tool("read a Windows path", "read_file", OUTSIDE, path="C:\\Windows\\win.ini"),
    tool("read a UNC path", "read_file", OUTSIDE, path="\\\\server\\share\\x.txt"),
    tool("read ~", "read_file", "'~' is not expanded", path="~/.ssh/id_rsa"),
    tool("read a file: URL", "read_file", "does not exist", path="file:///etc/passwd"),
    tool("read %2e%2e", "read_file", "does not exist", path="%2e%2e/outside/canary.txt"),
    tool("read a look-alike ..", "read_file", "does not exist", path="\u2024\u2024/outside/x"),
    tool("read a link out", "read_file", "is a link that leads", path="link_to_canary"),
    tool(
        "read through a linked folder", "read_file", "is a link", path="link_to_outside/canary.txt"
    ),
    tool("read a link loop", "read_file", "leads round in a loop", path="loop"),
    tool("read inside a link loop", "read_file", "leads round in a loop", path="loop/x.txt"),
    tool("read a link out of a knowledge folder", "read_file", OUTSIDE, path="@DOCS@/link"),
    tool(
        "read a 300-character name", "read_file", "a name in the path is too long", path="a" * 300
    ),
    tool("read a 1200-character path", "read_file", "the path is too long", path="a/" * 600),
    tool("read NUL", "read_file", "NUL character", path="notes\x00/../../outside/canary.txt"),
    tool("read a named pipe", "read_file", "not a regular file", path="pipe"),
    tool("read a folder", "read_file", "is a folder", path="notes"),
    tool("read a path that is not text", "read_file", "must be of type string", path=["a"]),
    tool("read 10 MB", "read_file", "more characters not shown", CAPPED, path="huge.txt"),
    tool("write ..", "write_file", NO_TOOL_SEES_IT, path="../outside/sentinel.txt", content="x"),
    tool("write absolute", "write_file", "is an absolute path", path="@SENTINEL@", content="x"),
    tool("write ~", "write_file", "is an absolute path", path="~/sentinel.txt", content="x"),
    tool(
        "write through a linked folder",
        "write_file",
        "is a link that leads",
        path="link_to_outside/sentinel.txt",
        content="x",
    ),
    tool(
        "write a dangling link out",
        "write_file",
        "is a link that leads",
        path="link_to_sentinel",
        content="x",
    ),
    tool("write a link loop", "write_file", "leads round in a loop", path="loop", content="x"),
    tool("write a 300-character name", "write_file", "too long", path="b" * 300, content="x"),
    tool("write NUL", "write_file", "NUL character", path="a\x00b", content="x"),
    tool("write the workspace", "write_file", "needs a file name", path=".", content="x"),
    tool("write 2 MB", "write_file", "the content is too large", path="b.txt", content="x" * 2**21),
    tool("list ..", "list_files", NO_TOOL_SEES_IT, path=".."),
    tool("list /", "list_files", OUTSIDE, path="/"),
    tool("list outside", "list_files", OUTSIDE, path="@OUTSIDE@"),
    tool("list a linked folder", "list_files", "is a link", path="link_to_outside"),
    tool("list a link loop", "list_files", "leads round in a loop", path="loop"),
    tool("list a 300-character name", "list_files", "too long", path="c" * 300),
]

OTHER_TOOLS = [
    tool(
        "read_document by a path",
        "read_document",
        "no document named",
        name="../outside/canary.txt",
    ),
    tool("read_document by absolute path", "read_document", "no document named", name="@CANARY@"),
    tool("read_document with a huge id", "read_document", "no document", document_id=10**30),
    tool("calculator power tower", "calculator", "is too large", expression="9**9**9"),
    tool(
        "calculator deep nesting",
        "calculator",
        "not a valid",
        expression="(" * 201 + "1" + ")" * 201,
    ),
    tool(
        "calculator import",
        "calculator",
        "unknown function '__import__'",
        expression="__import__('os')",
    ),
    tool("calculator attribute walk", "calculator", "attributes", expression="().__class__"),
    tool("calculator long", "calculator", "too long", expression="1+" * 300 + "1"),
    tool("remember 1 MB", "remember", "the note is too long", text="x" * 10**6),
    tool("an unknown tool", "shell", "there is no tool named 'shell'", command="ls"),
    tool("unknown arguments", "read_file", "unknown argument", path="a.txt", mode="w"),
]

TOOL_CASES = [*FILE_TOOLS, *OTHER_TOOLS]
