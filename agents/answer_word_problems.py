"""A word problem whose numbers are all in the question is worked out here, and the answer must
give the result.

A small model answers "sales grew from $12,400 to $13,950: by what percent?" with a confident
wrong figure, and no check of form can see it. A few kinds of question have one reading only,
and their result is known here: a percentage change from one figure to another, one figure as
a percentage of another, a figure made some percent more or less ("20% more than 150", "$80
after a 25% discount"), the mean of listed numbers, and sums over a run of whole numbers
(``answer_series``). The question is read only when one kind matches and every number in it
is used; anything else (a date, office hours "from 9 to 5", "percentage points", "what was the
original price") is left to the other checks, since refusing a right answer is as bad as
passing a wrong one.
"""

from __future__ import annotations

import re
from fractions import Fraction

from agents.answer_divisors import worked_common
from agents.answer_series import worked_series
from agents.answer_values import DATE, NUMBER
from agents.answer_worked import Worked, gives, shown
from agents.digits_note import without_digits_note
from agents.intents import ARITHMETIC, COMPUTING, intent_of
from agents.number_words import prompt_with_digits

# A figure as written in a question: "$12,400", "€80", "13950", "1.5"; not part of a date.
_FIGURE = r"[$€£]?\s?(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(?![\d/:]|[.,]\d)"
_N = rf"(?<![\w.,/:-]){_FIGURE}"
_PERCENT = r"\s*(?:%|percent\b|per cent\b)"
_ASKED_PERCENT = r"(?:percent(?:age)?|%)"
_UNIT = r"(?:\s+[a-z]+)?"

_FROM_TO = re.compile(rf"\bfrom\s+{_N}{_UNIT}\s+to\s+{_N}", re.I)
_WAS_NOW = re.compile(
    rf"\bwas\s+{_N}\b[^.?!]{{0,30}}?\bnow\s+(?:is\s+|costs?\s+|sells?\s+for\s+|at\s+)?{_N}", re.I
)
_HOW_MUCH_MORE = re.compile(
    rf"\b(?:what|which)\s+{_ASKED_PERCENT}\s+(?:is|are|was)\s+{_N}{_UNIT}\s+"
    r"(?P<dir>more|greater|higher|larger|bigger|less|lower|smaller|fewer)\s+than\s+" + _N,
    re.I,
)
_CHANGE_ASKED = re.compile(
    rf"\b(?:what|which)\s+{_ASKED_PERCENT}(?!\s+of\b)|\bhow many percent\b|"
    rf"(?:\b(?:percent|percentage)|%)\s*(?:change|increase|decrease|growth|rise|fall|drop|decline|gain|"
    r"loss|reduction|jump)\b",
    re.I,
)
_UP = re.compile(
    r"\b(?:increase[sd]?|increasing|grow(?:s|n|th)?|grew|ris(?:e|es|en|ing)|rose|climb(?:ed|s)?|"
    r"jump(?:ed|s)?|gain(?:ed|s)?|(?:went|go|goes|gone) up|rais(?:e|ed))\b",
    re.I,
)
_DOWN = re.compile(
    r"\b(?:decrease[sd]?|decreasing|declin(?:e|ed|es|ing)|f[ae]ll|falls|fallen|falling|"
    r"drop(?:ped|s)?|shr[au]nk|shrinks?|reduc(?:ed|tion|es)|(?:went|go|goes|gone) down|lost|"
    r"loss|cut|dipped|sank)\b",
    re.I,
)
_CHANGED = re.compile(r"\bchang(?:e|ed|es|ing)\b", re.I)
# A rate per period, points of a percentage, a symmetric difference, the clock: not one reading.
_NOT_A_CHANGE = re.compile(
    r"percentage points?|\bpoints\b|\bdifference\b|\bannuali[sz]ed\b|\bcagr\b|"
    r"\b(?:annual|yearly|monthly|weekly|daily)\s+(?:growth|increase|decrease|rate|change|rise|"
    r"fall|drop|decline|gain|loss|return|percent|percentage)|\bper (?:year|month|annum)\b|"
    r"\b(?:a|each|every) (?:year|month)\b|\bcompound|\baverage\b|"
    r"\bo'clock\b|\b[ap]\.?m\b\.?|\bwhat (?:percent|percentage) of\b",
    re.I,
)
# "from 9 to 5" with a word of the working day is office hours, not two figures.
_SCHEDULE = re.compile(
    r"\b(?:day|days|daily|hours?|shifts?|open|opens|close[sd]?|work(?:s|ed|ing)?|office|"
    r"schedule[sd]?|meetings?|week|weekdays?|morning|evening|night|runs?|timetable)\b",
    re.I,
)
# What ties the figures to a change: "sales grew from", "the percent increase from".
_CHANGE_BEFORE = re.compile(
    rf"(?:{_UP.pattern}|{_DOWN.pattern}|{_CHANGED.pattern}|\b(?:went|goes|go|gone|moved|"
    r"jumped)\b)[^.;,?!]{0,25}$",
    re.I,
)

_PERCENT_OF = (
    re.compile(rf"{_N}{_UNIT}\s+(?:is|are)\s+what\s+{_ASKED_PERCENT}\s+of\s+{_N}", re.I),
    re.compile(rf"\bwhat\s+{_ASKED_PERCENT}\s+(?:is|are)\s+{_N}\s+(?:out\s+)?of\s+{_N}", re.I),
    re.compile(rf"{_N}\s+(?:out\s+)?of\s+{_N}\s+(?:is\s+what|as\s+an?)\s+percent(?:age)?", re.I),
    re.compile(rf"{_N}\s+as\s+an?\s+percent(?:age)?\s+of\s+{_N}", re.I),
)
# "What percent of 250 is 40?": the whole comes first.
_PERCENT_OF_WHOLE = re.compile(
    rf"\bwhat\s+{_ASKED_PERCENT}\s+of\s+{_N}(?:\s+[a-z]+){{0,2}}?\s+"
    rf"(?:is|are|was|were|equals|makes up)\s+{_N}",
    re.I,
)

_MORE_THAN = re.compile(
    rf"{_N}{_PERCENT}\s+(?P<dir>more|less|greater|higher|larger|bigger|lower|smaller|fewer|"
    rf"cheaper)\s+than\s+{_N}",
    re.I,
)
_BY = re.compile(
    rf"\b(?P<dir>increase|raise|decrease|reduce|lower|discount|mark\s+up|mark\s+down)\s+{_N}\s+by\s+"
    rf"{_N}{_PERCENT}|{_N}(?:\s+[a-z]+){{0,4}}?\s+(?P<dir2>increased|raised|decreased|reduced|"
    r"lowered|discounted|"
    rf"marked\s+up|marked\s+down)\s+by\s+{_N}{_PERCENT}",
    re.I,
)
_AFTER = re.compile(
    rf"{_N}(?:\s+[a-z]+){{0,2}}?\s+(?:after|with)\s+(?:an?\s+)?{_N}{_PERCENT}\s+"
    r"(?P<dir>discount|reduction|decrease|price cut|cut|markdown|off|price increase|price rise|"
    r"increase|rise|raise|"
    r"markup|mark-up|surcharge|hike)\b",
    re.I,
)
# "Add 8% sales tax to a bill of 1,275 euros": the rate, then the figure it is added to.
_ADD_TO = re.compile(
    rf"\badd\s+(?:an?\s+)?{_N}{_PERCENT}(?:\s+[a-z]+){{0,3}}?\s+to\s+(?:[a-z]+\s+){{0,4}}?{_N}",
    re.I,
)
_DOWNWARD = {"less", "lower", "smaller", "fewer", "cheaper", "decrease", "reduce", "discount"}
_DOWNWARD |= {"decreased", "reduced", "lowered", "discounted", "reduction", "cut", "markdown"}
_DOWNWARD |= {"off", "price cut", "mark down", "marked down"}
# The figure is the result, not the start ("costs $60 after a 25% discount"), or the question
# asks something else about it (what was saved, the original price).
_NOT_FORWARD = re.compile(
    r"\boriginal|\bbefore\b|\binitial|\bat first\b|\b(?:full|regular|list|normal) price\b|"
    r"\bused to\b|\bsav(?:e|ed|es|ing|ings)\b|\bhow much (?:is|was) the\b|\bamount of the\b|"
    r"\bhow much (?:more|less|cheaper|off)\b",
    re.I,
)
_RESULT_VERB = re.compile(
    r"\b(?:costs?|sells?|sold|selling|pa(?:y|ys|id|ying)|bought|buys?|now|ends? up|comes? to|"
    r"came to|for)\s+(?:\w+\s+)?$",
    re.I,
)

_LIST = rf"{_N}(?:\s*,\s*(?:and\s+)?{_N})*(?:\s*,?\s+and\s+{_N})"
_LISTED = re.compile(rf"{_N}(?:\s*,\s*(?:and\s+)?{_N})+(?:\s*,?\s+and\s+{_N})?|{_LIST}", re.I)
_MEAN_ASKED = re.compile(
    r"\b(?:the|their|its|his|her|my|our|your|an|arithmetic)\s+(?:average|mean)\b|"
    r"\b(?:average|mean)\s+of\b|\bon average\b",
    re.I,
)
_NOT_A_MEAN = re.compile(
    r"\b(?:weighted|geometric|harmonic|moving|rolling|running|median|mode|range|speed|velocity|"
    r"rate|growth|grew|return|interest|needs?|needed|must|should|next|another|other|fourth|"
    r"fifth|sixth|without|excluding|except|remove|drop|lowest|highest|twice|double|half|times|"
    r"plus|minus|divided|squared|sum|total)\b|above average|below average|%|\bpercent",
    re.I,
)


# "Is the average of 4, 8 and 15 above 10?" is answered yes or no, not with the figure.
_YES_OR_NO = re.compile(
    r"(?:^|[.?!]\s+)(?:is|are|was|were|does|do|did|can|could|should|would|will|has|have)\b"
    r"[^.?!]*\?\s*$",
    re.I,
)


def _figure(raw: str) -> Fraction:
    return Fraction(raw.replace(",", ""))


def _others(text: str, spans: list[tuple[int, int]]) -> list[Fraction]:
    """The numbers of ``text`` outside ``spans``."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return [_figure(raw) for raw in NUMBER.findall(text)]


def _year(raw: str) -> bool:
    return raw.isdigit() and 1900 <= int(raw) <= 2100


def _change(text: str) -> list[Worked]:
    found = []
    pairs: list[tuple[re.Match[str], str, str, str | None]]
    pairs = [(m, m.group(1), m.group(2), None) for m in _FROM_TO.finditer(text)]
    pairs += [(m, m.group(1), m.group(2), None) for m in _WAS_NOW.finditer(text)]
    pairs += [(m, m.group(3), m.group(1), m["dir"]) for m in _HOW_MUCH_MORE.finditer(text)]
    for match, old_raw, new_raw, said in pairs:
        old, new = _figure(old_raw), _figure(new_raw)
        after = text[match.end() : match.end() + 12]
        if old <= 0 or new < 0 or re.match(_PERCENT, after) or (_year(old_raw) and _year(new_raw)):
            continue
        if said is None and not (_CHANGE_ASKED.search(text) and not _NOT_A_CHANGE.search(text)):
            continue
        clock = max(old, new) <= 24 and old.denominator == new.denominator == 1
        if (clock and _SCHEDULE.search(text)) or not (
            said is not None or match.re is _WAS_NOW or _CHANGE_BEFORE.search(text[: match.start()])
        ):
            continue
        up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
        if said is not None:
            up, down = said.lower() not in _DOWNWARD, said.lower() in _DOWNWARD
        elif not (up or down or _CHANGED.search(text)):
            continue
        if (up and not down and new < old) or (down and not up and new > old):
            continue
        what = f"the percentage change from {old_raw} to {new_raw}"
        found.append((Worked(what, abs(new - old) / old * 100, percent=True), match))
    return [w for w, m in found if not _others(text, [m.span()])]


def _share(text: str) -> list[Worked]:
    found = []
    pairs = [(m, m.group(1), m.group(2)) for p in _PERCENT_OF for m in p.finditer(text)]
    pairs += [(m, m.group(2), m.group(1)) for m in _PERCENT_OF_WHOLE.finditer(text)]
    for match, part_raw, whole_raw in pairs:
        whole = _figure(whole_raw)
        if whole == 0 or re.match(_PERCENT, text[match.end() :]) or _others(text, [match.span()]):
            continue
        what = f"{part_raw} as a percentage of {whole_raw}"
        found.append(Worked(what, _figure(part_raw) / whole * 100, percent=True))
    return found


def _adjusted(text: str) -> list[Worked]:
    found = []
    cases = [(m, m.group(3), m.group(1), m["dir"]) for m in _MORE_THAN.finditer(text)]
    for m in _BY.finditer(text):
        base, rate = (m.group(2), m.group(3)) if m["dir"] else (m.group(4), m.group(6))
        cases.append((m, base, rate, m["dir"] or m["dir2"]))
    for m in _ADD_TO.finditer(text):
        cases.append((m, m.group(2), m.group(1), "add"))
    for m in _AFTER.finditer(text):
        if not _RESULT_VERB.search(text[: m.start()]):
            cases.append((m, m.group(1), m.group(2), m["dir"]))
    if _NOT_FORWARD.search(text):
        return []
    for match, base_raw, rate_raw, direction in cases:
        if _others(text, [match.span()]):
            continue
        sign = -1 if " ".join(direction.lower().split()) in _DOWNWARD else 1
        value = _figure(base_raw) * (1 + sign * _figure(rate_raw) / 100)
        found.append(Worked(f"the value of {' '.join(match.group(0).split())}", value))
    return found


def _mean(text: str) -> list[Worked]:
    if not _MEAN_ASKED.search(text) or _NOT_A_MEAN.search(text):
        return []
    lists = list(_LISTED.finditer(text))
    if len(lists) != 1:
        return []
    listed = [_figure(raw) for raw in NUMBER.findall(lists[0].group(0))]
    if len(listed) < 2 or any(n != len(listed) for n in _others(text, [lists[0].span()])):
        return []
    what = f"the mean of {' '.join(lists[0].group(0).split())}"
    return [Worked(what, sum(listed, Fraction(0)) / len(listed))]


def _series(text: str) -> list[Worked]:
    found = worked_series(text)
    if not found or _others(text, [(start, end) for _, start, end in found]):
        return []
    return [worked for worked, _, _ in found]


def worked_problem(question: str) -> Worked | None:
    """The one result the question asks for, worked out from its own numbers, or None when
    the question is not one of the kinds read here or can be read more than one way."""
    typed = without_digits_note(question)
    if intent_of(typed) not in (None, ARITHMETIC, COMPUTING):
        return None
    text = prompt_with_digits(typed)
    if DATE.search(text) or _YES_OR_NO.search(text):
        return None
    found = [*_change(text), *_share(text), *_adjusted(text), *_mean(text), *_series(text)]
    found += worked_common(text)
    if not found or len({w.value for w in found}) != 1:
        return None
    return found[0]


def against_word_problem(question: str, answer: str) -> str | None:
    """Why the answer does not give the result of the word problem the question is, or None."""
    worked = worked_problem(question)
    if worked is None or gives(answer, worked):
        return None
    return f"the answer does not give {worked.what}, which is {shown(worked)}"
