"""The sandbox's rules for generated code: names and attributes it may not use, checked
before a step runs; and the rewrite that sends attribute access through the guards of
``agents.engines.sandbox_guards`` while it runs (see ``agents.engines.sandbox_interpreter``)."""

from __future__ import annotations

import ast

from smolagents.local_python_executor import (
    InterpreterError,
    LocalPythonExecutor,
)

# Classes that sandboxed code defines get this __module__ (the interpreter's own).
SANDBOX_MODULE = LocalPythonExecutor.__module__
UNAVAILABLE = frozenset(
    {"eval", "exec", "compile", "open", "__import__", "globals", "locals", "vars", "input"}
    | {"breakpoint", "help", "exit", "quit"}
)
GET, SET, DELETE = "_sandbox_getattr", "_sandbox_setattr", "_sandbox_delattr"
# Ways out of the interpreter: frames (and what leads to them) hold its own variables, and
# string.Formatter().get_field walks dunder attributes; functools.update_wrapper (and wraps)
# reads any attribute named in ``updated=``, such as a function's __globals__: the interpreter's
# module, with code that runs any import. Then the interpreter's own state.
INTERNALS = frozenset(
    {"gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "cr_origin"}
    | {"ag_frame", "ag_code", "ag_await", "tb_frame", "tb_next", "f_back", "f_builtins"}
    | {"f_code", "f_globals", "f_locals", "f_trace", "Formatter", "get_field"}
    | {"update_wrapper", "wraps"}
    | {"_print_outputs", "_operations_count", GET, SET, DELETE}
)
# str methods that read attributes by name ('{0._os.environ}'.format(random)): the guards hand
# out checked stand-ins.
FORMAT_METHODS = frozenset({"format", "format_map"})


def is_dunder(name: str) -> bool:
    """Whether ``name`` is a ``__double_underscore__`` name."""
    return name.startswith("__") and name.endswith("__")


def is_private(name: str) -> bool:
    """Whether ``name`` is a ``_private`` (not dunder) name."""
    return name.startswith("_") and not is_dunder(name)


def name_problem(name: str) -> str | None:
    """Why code may not use the attribute or name ``name``, or None."""
    if is_dunder(name) and name != "__name__":
        return f"'{name}': names with double underscores are not allowed here"
    if name in INTERNALS:
        return f"'{name}' reaches into the interpreter and is not allowed here"
    return None


def _is_super_init(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
        and not func.value.args
        and not func.value.keywords
    )


class _Checker(ast.NodeVisitor):
    """Finds what the policy refuses before any of the code runs."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def visit_Name(self, node: ast.Name) -> None:
        if problem := name_problem(node.id):
            self.problems.append(problem)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if problem := name_problem(node.attr):
            self.problems.append(problem)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in UNAVAILABLE:
            self.problems.append(
                f"{func.id}() is not available: code here has no files, processes or "
                "dynamic code; use the tools you were given"
            )
        elif _is_super_init(func):
            pass  # ``super().__init__(...)`` in a class of its own: the one dunder it may use
        else:
            self.visit(func)
        for part in [*node.args, *node.keywords]:
            self.visit(part)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.problems.append("'import *' is not allowed; import the names you need")
            elif problem := name_problem(alias.name.rsplit(".", 1)[-1]):
                self.problems.append(problem)
            elif isinstance(node, ast.ImportFrom) and alias.name.startswith("_"):
                # ``from m import _x`` reads a private name without an attribute to guard.
                self.problems.append(f"'{alias.name}' is private and cannot be imported")

    visit_ImportFrom = visit_Import

    def visit_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) > 1 or not isinstance(node.targets[0], ast.Attribute | ast.Name):
            self._plain_targets(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        # ``a.b += 1`` becomes a set of ``a.b + 1``: ``a`` is evaluated twice, so no calls in it.
        if isinstance(node.target, ast.Attribute) and any(
            isinstance(part, ast.Call) for part in ast.walk(node.target.value)
        ):
            self.problems.append("write 'x = f(); x.attr += ...' instead of 'f().attr += ...'")
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.comprehension) -> None:
        self._plain_targets([node.target])
        self.generic_visit(node)

    visit_comprehension = visit_For

    def _plain_targets(self, targets: list[ast.expr]) -> None:
        if any(
            isinstance(part, ast.Attribute) and isinstance(part.ctx, ast.Store)
            for target in targets
            for part in ast.walk(target)
        ):
            self.problems.append("set attributes one at a time, as 'x.attr = value'")


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


class _GuardAttributes(ast.NodeTransformer):
    """Routes private attribute reads, ``.format`` and every attribute change through the
    guards."""

    def __init__(self) -> None:
        self.changed = False

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        guarded = is_private(node.attr) or node.attr in FORMAT_METHODS
        if isinstance(node.ctx, ast.Load) and guarded:
            self.changed = True
            return _call(GET, node.value, ast.Constant(node.attr))
        return node

    def _set(self, node: ast.stmt, target: ast.Attribute, value: ast.expr) -> ast.stmt:
        self.changed = True
        return ast.Expr(_call(SET, target.value, ast.Constant(target.attr), value))

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        self.generic_visit(node)
        target = node.targets[0]
        return self._set(node, target, node.value) if isinstance(target, ast.Attribute) else node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.stmt:
        self.generic_visit(node)
        if isinstance(node.target, ast.Attribute):
            return self._set(node, node.target, node.value or ast.Constant(None))
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        self.generic_visit(node)
        target = node.target
        if not isinstance(target, ast.Attribute):
            return node
        current = self.visit(ast.Attribute(value=target.value, attr=target.attr, ctx=ast.Load()))
        return self._set(node, target, ast.BinOp(left=current, op=node.op, right=node.value))

    def visit_Delete(self, node: ast.Delete) -> list[ast.stmt]:
        self.generic_visit(node)
        others = [t for t in node.targets if not isinstance(t, ast.Attribute)]
        statements: list[ast.stmt] = [ast.Delete(targets=others)] if others else []
        for target in node.targets:
            if isinstance(target, ast.Attribute):
                self.changed = True
                statements.append(ast.Expr(_call(DELETE, target.value, ast.Constant(target.attr))))
        return statements


def prepare(code: str) -> str:
    """``code`` with attribute access routed through the guards; InterpreterError if refused.

    Code that does not parse is returned as is, for the interpreter to report.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    checker = _Checker()
    checker.visit(tree)
    if checker.problems:
        raise InterpreterError("Refused before running: " + "; ".join(checker.problems))
    guard = _GuardAttributes()
    guarded = guard.visit(tree)
    # Unchanged code runs as written, so error messages quote the model's own lines.
    return ast.unparse(guarded) if guard.changed else code
