"""Is the answer founded on what the run read? Two checks for answers about the user's data.

A small model asked about a file in the workspace or a figure in the documents will often
answer without reading it ("The total of the units column is 12345."), or read it and then
write a number that is nowhere in what it read. Both look like answers and both are wrong.

``Evidence`` is what the run saw: the tools' results, the code agent's printed output and the
passages put into the prompt. For a question about the user's files or documents:

- ``unread`` says so when a file was asked about and nothing was read at all;
- ``unfounded`` names a number of the answer that is in neither the question nor the evidence,
  nor worked out in the answer's own written sums (those are checked separately), nor a
  small count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from agents.answer_arithmetic import plain_math, sums_written
from agents.answer_values import NUMBER
from agents.intents import DOCUMENTS, NAMED_FILE, WORKSPACE, intent_of, lacks_operands

# How a list_files result (or code that printed one) begins.
LISTING = "Files in "
WORKSPACE_LISTING = "Files in the workspace"
# Tools whose success means the run read the user's files or documents.
READING_TOOLS = frozenset(
    {"list_files", "read_file", "write_file", "read_document", "search_knowledge"}
)
# Counts this small ("3 files", "step 2") are read off a list, not copied from it.
SMALL_COUNT = 12
# An answer's number that is an evidence number rounded, or a share shown as a fraction; one
# written as a percentage may be a fraction times 100 (0.125 -> 12.5 %).
_SCALES = (1.0, 0.01)
_PERCENT_SCALES = (*_SCALES, 100.0)
# A number followed by this is written as a percentage.
_PERCENT = re.compile(r"\s?(?:%|per ?cent)", re.IGNORECASE)


@dataclass
class Evidence:
    """What the run saw: each successful tool's name and every text it was shown."""

    tools_used: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)

    @property
    def read_user_data(self) -> bool:
        return bool(self.tools_used & READING_TOOLS)

    def numbers(self, listings: bool = True) -> list[float]:
        """The figures of every text; without ``listings``, file listings' sizes are left out:
        they may be given as they are, but a sum of two sizes is no figure of a file's
        contents (82 + 18 bytes made a made-up 100 look worked out)."""
        return [
            _value(raw)
            for text in self.texts
            if listings or not text.startswith(LISTING)
            for raw in NUMBER.findall(text)
        ]


def about_user_data(question: str) -> bool:
    """Whether the question is about the user's workspace files or documents."""
    return intent_of(question) in (WORKSPACE, NAMED_FILE) or DOCUMENTS.matches(question)


def unread(question: str, evidence: Evidence, passages: bool, can_read: bool) -> str | None:
    """A question about a workspace file answered with nothing read (no file tool, no passage),
    by an engine that could have read it."""
    if not can_read or passages or evidence.read_user_data:
        return None
    if intent_of(question) not in (WORKSPACE, NAMED_FILE):
        return None
    return "the answer speaks of your files, but none was read: no file tool returned anything"


# Tools that reach a named file's text; a search of the documents for its name does not, and a
# listing only answers where a file is and how big it is.
_FILE_READERS = frozenset({"read_file", "read_document", "write_file"})
_ABOUT_LISTING = re.compile(
    r"\b(?:how (?:big|large)|size|exists?|is there|are there|where is|which folder|listed|"
    r"modified|last changed)\b",
    re.IGNORECASE,
)


def unread_named(
    question: str, calls: Sequence[tuple[str, str]], tools: Sequence[tuple[str, str]]
) -> str | None:
    """A question naming a workspace file ("the first item in todo.md") answered by a run in
    which no file tool touched that file: neither a call's arguments nor a result name it
    (searching the documents for "todo.md" found other documents)."""
    if intent_of(question) is not NAMED_FILE or not calls:
        return None
    named = {name.lower() for name in NAMED_FILE.pattern.findall(question)}
    readers = _FILE_READERS | ({"list_files"} if _ABOUT_LISTING.search(question) else set())
    touched = " ".join(
        [args for tool, args in calls if tool in readers]
        + [result for tool, result in tools if tool in readers]
    ).lower()
    missing = sorted(name for name in named if name not in touched)
    if not missing or len(missing) < len(named):
        return None
    return f"{missing[0]} was not read: read it with read_file and answer from its text"


# Code in an answer (a block or a span) quotes strings of its own.
_CODE_TEXT = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
# Quoted text in an answer: "Buy groceries", 'North America'. Short runs only (a name, an item).
_QUOTED = re.compile(r"[\"“]([^\"”\n]{2,60})[\"”]|(?<![\w])'([^'\n]{2,60})'(?![\w])")


def unfounded_quote(question: str, answer: str, evidence: Evidence, grounded: bool) -> str | None:
    """Text the answer quotes, about the user's data, that neither the question nor anything
    the run read holds ("the first item is "Buy groceries"" when todo.md was never read)."""
    if not held_to_evidence(question, grounded) or not evidence.texts:
        return None
    if "write_file" in evidence.tools_used:
        return None  # what was written may be quoted: it is the run's own text
    answer = _CODE_TEXT.sub(" ", answer)
    seen_text = " ".join([question, *evidence.texts]).lower()
    seen_text = " ".join(seen_text.split())
    for match in _QUOTED.finditer(answer):
        quoted = " ".join((match[1] or match[2]).split()).strip(" .,;:").lower()
        if quoted and quoted not in seen_text:
            return (
                f"the answer quotes '{quoted}', which is in none of the tool results or passages: "
                "quote only what they hold"
            )
    return None


def _value(raw: str) -> float:
    return float(raw.replace(",", "").lstrip("$€£¥"))


def _places(raw: str) -> int:
    return len(raw.partition(".")[2])


def _founded(raw: str, known: Iterable[float], percent: bool = False) -> bool:
    """Whether the number written as ``raw`` is one of ``known``, or one of them rounded to the
    digits ``raw`` shows (or, for a ``percent``, a fraction of them times 100)."""
    shown, places = _value(raw), _places(raw)
    for number in known:
        for scale in _PERCENT_SCALES if percent else _SCALES:
            scaled = number * scale
            if math.isclose(scaled, shown, rel_tol=1e-9) or math.isclose(
                round(scaled, places), shown, rel_tol=1e-9, abs_tol=10**-places / 2
            ):
                return True
    return False


# Figures one step from two that were seen ("founded 13 years before": 2011 - 1998) are
# worked out, not made up; of a long table only the first figures are paired.
PAIRED_FIGURES = 150


def _derived(raw: str, known: Sequence[float], percent: bool = False) -> bool:
    """Whether ``raw`` is the sum, difference, product or quotient of two ``known`` figures."""
    figures = list(dict.fromkeys(known))[:PAIRED_FIGURES]
    steps = []
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            steps += [a + b, abs(a - b), a * b]
            steps += [a / b] if b else []
            steps += [b / a] if a else []
    return _founded(raw, steps, percent)


def seen(
    raw: str,
    known: Sequence[float],
    percent: bool = False,
    paired: Sequence[float] | None = None,
) -> bool:
    """Whether the number written as ``raw`` is one of ``known`` (rounded, scaled) or one step
    from two of them (of ``paired``, when given)."""
    pairs = known if paired is None else paired
    return _founded(raw, known, percent) or _derived(raw, pairs, percent)


def percent_factors(question: str) -> list[float]:
    """The factors a percentage in the question stands for: 15% -> 0.15, 0.85 (15% off) and
    1.15 (15% more), so "2,749 with 15% off is 2,336.65" is one step from what was read."""
    factors = []
    for match in NUMBER.finditer(question):
        if _PERCENT.match(question, match.end()):
            share = _value(match[0]) / 100
            factors += [share, 1 - share, 1 + share]
    return factors


def held_to_evidence(question: str, grounded: bool) -> bool:
    """Whether an answer's figures must stand on what the run read: a question about the
    user's data, one answered from passages of it (``grounded``), or a sum whose numbers the
    question does not all give ("the Fenwick R7 with 20% off its list price")."""
    return grounded or about_user_data(question) or lacks_operands(question)


def unfounded(
    question: str, answer: str, evidence: Evidence, grounded: bool = False, made_up: str = ""
) -> str | None:
    """The first number of ``answer`` that nothing the run saw holds, said as a reason; for a
    question about the user's data, or one answered from passages of it (``grounded``).
    ``made_up`` names a figure the code typed in without having read it."""
    if not held_to_evidence(question, grounded) or not (evidence.texts or made_up):
        return None
    text = plain_math(answer)
    worked = {raw for written in sums_written(text) for raw in NUMBER.findall(written)}
    # A figure worked out in the answer's own sums may be given rounded after it.
    given = [_value(raw) for raw in [*NUMBER.findall(question), *worked]]
    given += percent_factors(question)
    known, paired = [*evidence.numbers(), *given], [*evidence.numbers(listings=False), *given]
    for match in NUMBER.finditer(text):
        raw = match[0]
        small = _value(raw).is_integer() and abs(_value(raw)) <= SMALL_COUNT
        if raw in worked or small:
            continue
        percent = bool(_PERCENT.match(text, match.end()))
        if not seen(raw, known, percent, paired):
            typed = (
                f" (the code set {made_up}, a figure it had not read: take it from them)"
                if made_up
                else ""
            )
            return (
                f"the answer gives {raw}, which is in none of the tool results, code output or "
                f"passages{typed}: give the figure they hold, or write out the sum that gives it "
                "from them (for example 38 * 6 = 228)"
            )
    return None


def evidence_of(
    tools: Sequence[tuple[str, str]], outputs: Sequence[str], passages: str
) -> Evidence:
    """Evidence from (tool, result) pairs, the code's printed outputs and the grounded prompt."""
    found = Evidence({tool for tool, _ in tools}, [result for _, result in tools])
    found.texts.extend(output for output in outputs if output)
    if passages:
        found.texts.append(passages)
    return found


# A question that asks for the files themselves ("Which files are in my workspace?").
_ASKS_FILES = re.compile(
    r"\b(?:which|what) files\b|\blist (?:the |all |my )?files\b|\bfiles (?:are|do i have) in\b|"
    r"\bnames? of (?:the |all |my )?files\b",
    re.IGNORECASE,
)
# At most this many entries are held to: a longer listing may be summed up.
LISTED_ENTRIES = 20


def _listed(result: str) -> list[str]:
    """The names a list_files result gives (its first block, sizes and slashes taken off)."""
    names = []
    for line in result.splitlines()[1:]:
        if not line.strip():
            break
        if line.startswith("(empty)") or line.startswith("... and"):
            continue
        names.append(re.sub(r" \([^)]*\)$", "", line.strip()).rstrip("/"))
    return names


def dropped_files(question: str, answer: str, tools: Sequence[tuple[str, str]]) -> str | None:
    """A question asking which files there are, answered without every name list_files gave."""
    if not _ASKS_FILES.search(question):
        return None
    listings = [result for tool, result in tools if tool == "list_files"]
    if not listings:
        return None
    # The workspace's own listing, when there is one, over a knowledge folder's listed after it.
    workspace = [result for result in listings if result.startswith(WORKSPACE_LISTING)]
    names = _listed((workspace or listings)[-1])
    if len(names) > LISTED_ENTRIES:
        return None
    missing = [name for name in names if name.lower() not in answer.lower()]
    if not missing:
        return None
    return f"the answer leaves out files list_files returned: {', '.join(missing)}"
