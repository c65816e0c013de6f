"""Sums over a run of whole numbers, asked in words or with an ellipsis, worked out exactly.

"The sum of the squares of 1 to 30" or "1² + 2² + … + 30²" is no expression the calculator
reads, and a small model answers it with the wrong formula (31030 for 9455). The run is known
from the question: its first and last number, its step (every number, the odd or the even ones)
and the power of each term (the numbers, their squares or their cubes). The sum is then a
closed formula, exact at any size. A question that adds anything around the sum ("the square
of the sum", "that are divisible by 3"), or leaves the run in doubt ("between 1 and 100",
"2 + 4 + ... + 64", which may double), is not read here.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from math import comb

from agents.answer_values import word_set
from agents.answer_worked import Worked

# Words that may come before the sum in its sentence: the asking, nothing that changes it.
_LEAD = word_set(
    "what is 's whats the calculate compute evaluate find work out how much please give me tell "
    "can you could value of determine get add up all total i need want to know series result sum "
    "average mean"
)
# What may follow the run, up to the end of its sentence.
_TAIL = re.compile(r"\s*(?:,?\s*\(?inclusive(?:ly)?\)?)?\s*(?:=\s*)?(?:[?.!]|$)", re.I)
_INCLUSIVE = re.compile(r"\s*,?\s*\(?inclusive", re.I)
_POWERS = {"squares": 2, "cubes": 3, "square numbers": 2, "cube numbers": 3}
_POWERS |= {"perfect squares": 2, "perfect cubes": 3}

_RANGE = re.compile(
    r"\b(?P<op>sum|total|add\s+up|average|mean)\s+(?:of\s+)?(?:all\s+)?(?:the\s+)?"
    r"(?:(?P<power>squares|cubes)\s+(?:of\s+)?(?:all\s+)?(?:the\s+)?)?"
    r"(?:(?P<parity>odd|even)\s+)?(?:(?:positive|natural|whole|counting)\s+)?"
    r"(?:numbers|integers)?\s*(?P<between>from|between)?\s*"
    r"(?<![\w.])(?P<a>-?\d+)\s+(?:to|through|thru|up to|and)\s+(?P<b>-?\d+)(?![\d.,]\d)",
    re.I,
)
_FIRST = re.compile(
    r"\b(?P<op>sum|total|average|mean)\s+of\s+(?:all\s+)?(?:the\s+)?"
    r"(?:(?P<power>squares|cubes)\s+of\s+(?:the\s+)?)?"
    r"first\s+(?P<n>\d+)\s+(?:(?P<odd>odd)\s+)?(?:(?:positive|natural|counting)\s+)?"
    r"(?P<kind>numbers|integers|squares|cubes|square numbers|cube numbers|perfect squares|"
    r"perfect cubes)\b",
    re.I,
)
_TERM = r"-?\d+(?:\s*(?:\^|\*\*)\s*\d|[²³])?"
_DOTS = r"(?:\.{3}|…|⋯|\\[lc]?dots|\\ldots)"
_ELLIPSIS = re.compile(rf"(?<![\w.^*]){_TERM}(?:\s*\+\s*{_TERM})+\s*\+\s*{_DOTS}\s*\+\s*{_TERM}")
# The same sum written out again: "the sum of the squares of 1 to 30, written as 1² + … + 30²".
_RESTATED = re.compile(
    rf",?\s*\(?(?:written as|i\.e\.,?|that is,?)\s*({_ELLIPSIS.pattern})\)?", re.I
)
_PARTS = re.compile(r"(-?\d+)(?:\s*(?:\^|\*\*)\s*(\d)|([²³]))?")


def _powers_to(n: int, j: int) -> int:
    """0^j + 1^j + … + n^j for j up to 3 (0^0 counted as 1)."""
    if n < 0:
        return 0
    return [n + 1, n * (n + 1) // 2, n * (n + 1) * (2 * n + 1) // 6, (n * (n + 1) // 2) ** 2][j]


def run_sum(first: int, step: int, count: int, power: int) -> int:
    """(first)^p + (first + step)^p + … over ``count`` terms, by the binomial expansion."""
    last = count - 1
    return sum(
        comb(power, j) * first ** (power - j) * step**j * _powers_to(last, j)
        for j in range(power + 1)
    )


def _alone(text: str, start: int, end: int) -> bool:
    """Whether the words before ``start`` in its sentence only ask, and nothing but the end of
    the sentence follows ``end``: the sum is the whole question."""
    lead = re.split(r"[.?!\n]\s", text[:start])[-1]
    words = re.findall(r"[a-z']+|\d", lead.lower())
    return all(word in _LEAD for word in words) and bool(_TAIL.match(text, end))


def _named(match: re.Match[str]) -> str:
    """The sum (or mean) as the question names it: "the sum of the squares of 1 to 30"."""
    asked = match.group(0).strip()[len(match["op"]) :]
    asked = re.sub(r"^\s*(?:up\s+)?(?:of\s+)?", "", asked, flags=re.I)
    name = "mean" if match["op"].lower() in ("average", "mean") else "sum"
    return f"the {name} of {' '.join(asked.split())}"


def _total(match: re.Match[str], first: int, step: int, count: int, power: int) -> Worked:
    """The sum over the run, or its mean when the question asks for the average."""
    total = Fraction(run_sum(first, step, count, power))
    mean = match["op"].lower() in ("average", "mean")
    return Worked(_named(match), total / count if mean else total)


def _in_range(match: re.Match[str], text: str) -> Worked | None:
    a, b = sorted((int(match["a"]), int(match["b"])))
    tail = text[match.end() :]
    between = (match["between"] or "").lower() == "between"
    joined_by_and = re.search(r"\sand\s", match.group(0)[match.start("a") - match.start() :])
    if (between or joined_by_and) and not (between and joined_by_and and _INCLUSIVE.match(tail)):
        return None
    power = _POWERS.get((match["power"] or "").lower(), 1)
    first, step = a, 1
    if match["parity"]:
        odd = match["parity"].lower() == "odd"
        first, step = (a if a % 2 == odd else a + 1), 2
    if first > b:
        return None
    count = (b - first) // step + 1
    return _total(match, first, step, count, power)


def _first_n(match: re.Match[str]) -> Worked | None:
    kind = match["kind"].lower()
    if match["power"] and kind in _POWERS:
        return None
    power = _POWERS.get((match["power"] or kind).lower(), 1)
    n = int(match["n"])
    first, step = (1, 2) if match["odd"] else (1, 1)
    return None if n < 1 else _total(match, first, step, n, power)


def _geometric(b1: int, b2: int, last: int) -> bool:
    """Whether b1, b2, …, last also reads as doubling (or any whole ratio)."""
    if b1 <= 0 or b2 % b1 or b2 // b1 < 2:
        return False
    term = b2
    while term < last:
        term *= b2 // b1
    return term == last


def _ellipsis(match: re.Match[str]) -> Worked | None:
    terms = _PARTS.findall(match.group(0))
    powers = {int(p or {"²": 2, "³": 3}.get(sup, 1)) for _, p, sup in terms}
    bases = [int(b) for b, _, _ in terms]
    if len(powers) != 1 or not 1 <= (power := powers.pop()) <= 3:
        return None
    listed, last = bases[:-1], bases[-1]
    steps = {b - a for a, b in itertools.pairwise(listed)}
    if len(steps) != 1 or (step := steps.pop()) <= 0 or (last - listed[-1]) % step:
        return None
    if last <= listed[-1] or (
        len(listed) == 2 and power == 1 and (step > 2 or _geometric(listed[0], listed[1], last))
    ):
        return None
    count = (last - listed[0]) // step + 1
    value = Fraction(run_sum(listed[0], step, count, power))
    return Worked(f"the value of {match.group(0).strip()}", value)


def worked_series(text: str) -> list[tuple[Worked, int, int]]:
    """Each sum over a run the question asks, as the whole question: the result and the span
    of the question it reads."""
    found: list[tuple[Worked, int, int]] = []
    for match in _RESTATED.finditer(text):
        restated = _ELLIPSIS.search(text, match.start(1), match.end(1))
        worked = _ellipsis(restated) if restated else None
        if worked is None:
            return []
        found.append((worked, match.start(), match.end()))
        text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    for match in _RANGE.finditer(text):
        worked = _in_range(match, text) if _alone(text, match.start(), match.end()) else None
        tail = _TAIL.match(text, match.end())
        if worked is not None and tail:
            found.append((worked, match.start(), tail.end()))
    for match in _FIRST.finditer(text):
        worked = _first_n(match) if _alone(text, match.start(), match.end()) else None
        if worked is not None:
            found.append((worked, match.start(), match.end()))
    for match in _ELLIPSIS.finditer(text):
        worked = _ellipsis(match) if _alone(text, match.start(), match.end()) else None
        if worked is not None:
            found.append((worked, match.start(), match.end()))
    return found
