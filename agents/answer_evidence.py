"""Is the answer founded on what the run read? Checks for answers about the user's data.

A small model asked about a file in the workspace or a figure in the documents will often
answer without reading it ("The total of the units column is 12345."), or read it and then
write a number that is nowhere in what it read. Both look like answers and both are wrong.

``Evidence`` is what the run saw: the tools' results, the code agent's printed output and the
passages put into the prompt. For a question about the user's files or documents:

- ``unfounded`` names a number of the answer that is in neither the question nor the evidence,
  nor worked out in the answer's own written sums (those are checked separately), nor a
  small count (unless a small difference is what was asked);
- ``unfounded_quote`` names quoted text of the answer that nothing read holds.

Whether a file was read at all is ``agents.answer_files``'s question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from agents.answer_arithmetic import plain_math, sums_written
from agents.answer_values import NUMBER, value_of
from agents.intents import DOCUMENTS, NAMED_FILE, WORKSPACE, intent_of, lacks_operands

# How a list_files result (or code that printed one) begins.
LISTING = "Files in "
# Tools whose success means the run read the user's files or documents.
READING_TOOLS = frozenset(
    {"list_files", "read_file", "write_file", "read_document", "search_knowledge"}
)
# Labels the tools and the grounded prompt put on what they show, not figures of it: a
# passage's "[2]" (and the prompt's "cite them like [1]"), a search hit's "(document 4, chunk
# 7)", read_document's "(document 4, pages 1-3)". Left in, "[1]" and "[2]" made a made-up
# "3 years before" look worked out (1 + 2).
_LABELS = re.compile(r"\[\d+\]|\bdocument \d+, chunk \d+\b|(?<=\()document \d+\b", re.MULTILINE)
# Counts this small ("3 files", "step 2") are read off a list, not copied from it.
SMALL_COUNT = 12
# An answer's number that is an evidence number rounded, or a share shown as a fraction; one
# written as a percentage may be a fraction times 100 (0.125 -> 12.5 %).
_SCALES = (1.0, 0.01)
_PERCENT_SCALES = (*_SCALES, 100.0)
# Words that say a figure is rounded ("about 23 kg", "to the nearest euro"): only then may a
# whole number be a read figure rounded; "sold 20 units" is no 19.5 rounded.
_APPROXIMATE = re.compile(
    r"\b(?:about|approximately|approx|around|roughly|nearly|almost|close to|rounded|round|"
    r"nearest|estimated?|some|just (?:over|under)|more than|less than|over|under)\b|[~≈]",
    re.IGNORECASE,
)
# A number followed by this is written in thousands, millions or billions ("3.87 million").
_MAGNITUDE = re.compile(r"\s?(thousand|million|billion|bn\b|k\b|m\b)", re.IGNORECASE)
_MAGNITUDES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
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
            value_of(raw)
            for text in self.texts
            if listings or not text.startswith(LISTING)
            for raw in NUMBER.findall(_LABELS.sub(" ", text))
        ]


def about_user_data(question: str) -> bool:
    """Whether the question is about the user's workspace files or documents."""
    return intent_of(question) in (WORKSPACE, NAMED_FILE) or DOCUMENTS.matches(question)


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


def _places(raw: str) -> int:
    return len(raw.partition(".")[2])


def _founded(
    raw: str,
    known: Iterable[float],
    percent: bool = False,
    worked: bool = False,
    rounded: bool = True,
    whole: bool = True,
) -> bool:
    """Whether the number written as ``raw`` is one of ``known``, or one of them rounded to the
    digits ``raw`` shows (unless not ``rounded``; to a whole number only when ``whole``; or,
    for a ``percent``, a fraction of them times 100).

    ``known`` figures ``worked`` out from two read ones are many, and a share of a read one
    (630 -> 6.3) is a guess, so either rounds to almost any small number: they found a rounded
    ``raw`` only when it keeps two significant digits, and worked ones never as a share (742
    is no 7.42, so no "7 years")."""
    shown, places = value_of(raw), _places(raw)
    # Nothing but zero rounds to a zero answer ("exceeded by 0" is no rounded 0.01).
    two_digits = abs(shown) >= 10 ** (1 - places)
    for number in known:
        for scale in _PERCENT_SCALES if percent else _SCALES:
            scaled = number * scale
            if math.isclose(scaled, shown, rel_tol=1e-9):
                return True
            if (
                rounded
                and (whole or places)
                and shown
                and (two_digits or (scale == 1.0 and not worked))
                and not (worked and scale == 0.01)
                and math.isclose(
                    round(scaled, places), shown, rel_tol=1e-9, abs_tol=10**-places / 2
                )
            ):
                return True
    return False


# A question asking how far apart two figures are: its answer is worked out, however small.
_ASKS_DIFFERENCE = re.compile(
    r"\bhow (?:many|much)\b[^?]*\b(?:before|after|between|older|younger|apart|longer|"
    r"shorter|more|fewer|less|earlier|later|difference|exceed)\b",
    re.IGNORECASE,
)
# Figures one step from two that were seen ("founded 13 years before": 2011 - 1998) are
# worked out, not made up; of a long table only the first figures are paired.
PAIRED_FIGURES = 150


def _derived(
    raw: str,
    known: Sequence[float],
    percent: bool = False,
    difference: bool = False,
    whole: bool = True,
) -> bool:
    """Whether ``raw`` is the sum, difference, product or quotient of two ``known`` figures
    (only their difference, when that is what was asked)."""
    figures = list(dict.fromkeys(known))[:PAIRED_FIGURES]
    if difference:
        shown = value_of(raw)
        return any(
            math.isclose(abs(a - b), shown, rel_tol=1e-9)
            for i, a in enumerate(figures)
            for b in figures[i + 1 :]
        )
    steps = []
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            steps += [a + b, abs(a - b), a * b]
            steps += [a / b] if b else []
            steps += [b / a] if a else []
    return _founded(raw, steps, percent, worked=True, whole=whole)


def seen(
    raw: str,
    known: Sequence[float],
    percent: bool = False,
    paired: Sequence[float] | None = None,
    difference: bool = False,
    rounded: bool = True,
    whole: bool = True,
) -> bool:
    """Whether the number written as ``raw`` is one of ``known`` (scaled; rounded, unless not
    ``rounded``, and to a whole number only when ``whole``) or one step from two of them (of
    ``paired``, when given; their ``difference`` only, when asked)."""
    pairs = known if paired is None else paired
    return _founded(raw, known, percent, rounded=rounded, whole=whole) or _derived(
        raw, pairs, percent, difference, whole
    )


def percent_factors(question: str) -> list[float]:
    """The factors a percentage in the question stands for: 15% -> 0.15, 0.85 (15% off) and
    1.15 (15% more), so "2,749 with 15% off is 2,336.65" is one step from what was read."""
    factors = []
    for match in NUMBER.finditer(question):
        if _PERCENT.match(question, match.end()):
            share = value_of(match[0]) / 100
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
    given = [value_of(raw) for raw in [*NUMBER.findall(question), *worked]]
    given += percent_factors(question)
    known, paired = [*evidence.numbers(), *given], [*evidence.numbers(listings=False), *given]
    # "How many years before …": the small figure asked for is a difference, not a count.
    compares = bool(_ASKS_DIFFERENCE.search(question))
    approximate = bool(_APPROXIMATE.search(question) or _APPROXIMATE.search(text))
    for match in NUMBER.finditer(text):
        raw = match[0]
        small = value_of(raw).is_integer() and abs(value_of(raw)) <= SMALL_COUNT
        # A small count is read off a list, unless code that computed from no reading gave it.
        if raw in worked or (small and not compares and not (made_up and not seen(raw, known))):
            continue
        percent = bool(_PERCENT.match(text, match.end()))
        # Asked how far apart two figures are, a small answer must be their difference: 2 * 3
        # of two unrelated figures is no "6 years before". Nor is any answer one read figure
        # rounded: the 23.4 kg of a bike is no "23 years before".
        founded = seen(
            raw,
            known,
            percent,
            paired,
            difference=compares and small,
            rounded=not compares,
            whole=approximate,
        )
        if not founded and (magnitude := _MAGNITUDE.match(text, match.end())):
            # "about 3.9 million euros" is 3,870,000 rounded, however the question is put.
            scale = _MAGNITUDES[magnitude[1].lower()]
            founded = seen(raw, [k / scale for k in known], percent, [p / scale for p in paired])
        if not founded:
            typed = f" ({made_up}: take each figure from them)" if made_up else ""
            return (
                f"the answer gives {raw}, which is in none of the tool results, code output or "
                f"passages{typed}: give the figure they hold, or write out the sum that gives it "
                "from them (for example 42 * 3.5 = 147)"
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
