"""Figures the code agent typed in itself: for a question about the user's documents or files,
code may compute only from figures the run read.

Asked "how much meal allowance does a 4-day trip get?", a small code model will often write
``allowance = 100`` and print ``400``; that printed output then looks like evidence for the
answer. So a code step's output counts as evidence only when every figure the step typed in
(a number assigned to a name, alone or in a list, tuple or dict, or written into a sum:
``final_answer(183 * 6)``) is one the run had seen: in the question, a tool result, a passage or
an earlier founded output, as written, scaled (15 -> 0.15) or one step from two of them
(1 - 0.15). Small counts are let through. One figure given to two names in a step
(``quenby = 3870000`` and ``hollowbrook = 3870000``) is one thing's figure used for two, and
founds nothing either.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from agents.answer_evidence import READING_TOOLS, SMALL_COUNT, seen
from agents.answer_values import numbers

# Figures a sum may use without having read them (a whole, a percent's base): ``1 - 0.15``
# and ``15 / 100`` are worked out; ``price = 100`` typed in alone is not.
GIVEN = (1.0, 100.0)
# Figures a sum may be written with as they are: a half (a square root's ``** 0.5``), a
# percent's base, units of time and of thousands (``price * 15 / 100``, ``seconds / 3600``,
# ``revenue / 1_000_000``, ``bytes / 1024``).
CONVERSIONS = frozenset(
    {0.5, 100.0, 1000.0, 1024.0, 60.0, 24.0, 30.0, 52.0, 3600.0, 365.0, 1_000_000.0}
)


@dataclass(frozen=True)
class CodeStep:
    """One code step of the run: what it ran and what it printed."""

    code: str
    output: str


@dataclass(frozen=True)
class TypedInput:
    """A figure the code typed in: ``name = raw``, or ``raw`` written into the sum ``name``."""

    name: str
    raw: str
    in_sum: bool = False
    # Another name the step gave the same figure.
    twin: str = ""
    # The tool whose returned text the code took a character of (``name`` is the expression).
    indexed: str = ""

    def said(self) -> str:
        if self.indexed:
            return self.name
        if self.twin:
            return f"{self.twin} = {self.raw} and {self.name} = {self.raw}"
        return f"{self.raw} in {self.name}" if self.in_sum else f"{self.name} = {self.raw}"

    def problem(self) -> str:
        """What is wrong with this figure, as the answer check says it."""
        if self.indexed:
            return (
                f"the code took {self.name}, character {self.raw} of the text {self.indexed} "
                "returned, not a figure in it"
            )
        if self.twin:
            return f"the code set {self.said()}, one figure for two things"
        verb = "used" if self.in_sum else "set"
        return f"the code {verb} {self.said()}, a figure it had not read"


def _number(node: ast.expr) -> str | None:
    """The number a literal node writes (``-3`` included), as written; None for anything else."""
    sign = ""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sign, node = "-", node.operand
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return None
    if not isinstance(node.value, (int, float)):
        return None
    return sign + repr(node.value)


def _elements(value: ast.expr) -> list[ast.expr]:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return list(value.elts)
    if isinstance(value, ast.Dict):
        return list(value.values)
    return [value]


def _pairs(target: ast.expr, value: ast.expr) -> Iterator[TypedInput]:
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
        for one, other in zip(target.elts, value.elts, strict=False):
            yield from _pairs(one, other)
        return
    name = ast.unparse(target)
    for element in _elements(value):
        raw = _number(element)
        if raw is not None:
            yield TypedInput(name, raw)


def _in_sum(node: ast.BinOp) -> Iterator[TypedInput]:
    """The figures written straight into an arithmetic expression: ``183 * 6``."""
    for operand in (node.left, node.right):
        raw = _number(operand)
        if raw is not None:
            yield TypedInput(ast.unparse(node), raw, in_sum=True)


def _indexed(node: ast.Subscript) -> Iterator[TypedInput]:
    """A tool's returned text indexed by position: ``search_knowledge(query=...)[1]`` is the
    character after "[", not the founding year the code meant to read."""
    call, index = node.value, node.slice
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        return
    if call.func.id in READING_TOOLS and _number(index) is not None:
        yield TypedInput(ast.unparse(node), str(_number(index)), indexed=call.func.id)


def _nodes(code: str) -> Iterator[ast.AST]:
    """Every node of ``code``; none when it does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return
    yield from ast.walk(tree)


def typed_inputs(code: str) -> list[TypedInput]:
    """The figures ``code`` assigns to names or writes into sums; none when it does not parse."""
    found: list[TypedInput] = []
    for node in _nodes(code):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                found.extend(_pairs(target, node.value))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            found.extend(_pairs(node.target, node.value))
        elif isinstance(node, ast.BinOp):
            found.extend(_in_sum(node))
        elif isinstance(node, ast.Subscript):
            found.extend(_indexed(node))
    return found


def _twin(typed: list[TypedInput]) -> TypedInput | None:
    """A figure (not a small count) the code gave to two different names."""
    named: dict[float, str] = {}
    for one in typed:
        if one.in_sum or one.indexed or _small(one.raw):
            continue
        other = named.setdefault(float(one.raw), one.name)
        if other != one.name:
            return TypedInput(one.name, one.raw, twin=other)
    return None


def _small(raw: str) -> bool:
    value = float(raw)
    return value.is_integer() and abs(value) <= SMALL_COUNT


def made_up(code: str, known: Sequence[float]) -> TypedInput | None:
    """The first figure ``code`` typed in that none of ``known`` founds, or one it gave to two
    names."""
    typed_in = typed_inputs(code)
    for typed in typed_in:
        if typed.indexed:
            return typed
        if _small(typed.raw) or seen(typed.raw, known):
            continue
        if typed.in_sum and float(typed.raw) in CONVERSIONS:
            continue
        if float(typed.raw) not in GIVEN and seen(typed.raw, [*known, *GIVEN]):
            continue
        return typed
    return _twin(typed_in)


def founded_outputs(
    steps: Sequence[CodeStep], known: Sequence[float]
) -> tuple[list[str], TypedInput | None]:
    """The outputs of the steps whose typed-in figures were all seen (each founded output is
    seen by the steps after it), and the first made-up figure, if any."""
    outputs: list[str] = []
    first: TypedInput | None = None
    seen_so_far = list(known)
    for step in steps:
        typed = made_up(step.code, seen_so_far)
        if typed is not None:
            first = first or typed
            continue
        outputs.append(step.output)
        seen_so_far.extend(numbers(step.output))
    return outputs, first


def _compared_texts(code: str) -> list[str]:
    """The strings ``code`` compares with (``region == 'North'``, ``'North' in row``)."""
    found: list[str] = []
    for node in _nodes(code):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    found.append(side.value)
    return found


def miscased(steps: Sequence[CodeStep], read: Sequence[str], answer: str) -> str | None:
    """A string the code compared with that what was read writes only in another case or
    spacing, for an answer with a figure of the code's own (one nothing read holds):
    ``region == 'North'`` over a file of 'north' matches nothing, and the count of 0 it prints
    looks like a finding. Said as a reason."""
    text = "\n".join(read)
    if set(numbers(answer)) <= set(numbers(text)):
        return None
    folded = " ".join(text.lower().split())
    for step in steps:
        for value in _compared_texts(step.code):
            wanted = " ".join(value.lower().split())
            if not wanted or value in text or wanted not in folded:
                continue
            start = folded.index(wanted)
            written = next(
                (word for word in re.findall(r"[^\s,;|\"']+", text) if word.lower() == wanted),
                folded[start : start + len(wanted)],
            )
            return (
                f"the code compared with '{value}', but what was read writes it '{written}': "
                "compare with the value as it is written"
            )
    return None
