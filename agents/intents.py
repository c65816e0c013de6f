"""What a prompt asks for, in classes a person would recognise: a sum, the time, a file in the
workspace, the user's own documents, a small program, a piece of writing.

Each intent is a named rule with the engine that suits it and whether the user's documents can
help. They are sure signals only: a prompt none of them claims goes to chat when it shows no
cue at all, and to one short model call (agents/route_model.py) when it does.

The rules read numbers as digits: a prompt's numbers written in words count as numbers when
they are numbers beyond doubt ("Divide nine thousand nine hundred by twelve" is a sum, "Tell me
one fun fact" is not; see agents/number_words.py). The engines still get the prompt as typed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from agents.date_phrases import A_DATE, ASKS_DAY, FROM_DAY, SPAN, TARGET, WEEKDAY
from agents.number_words import prompt_with_digits

# Whether passages from the knowledge base belong in the answer: asked for ("wanted"), only
# when they are relevant ("maybe"), or of no use ("unwanted": a computation, the clock, files).
Knowledge = Literal["wanted", "maybe", "unwanted"]


@dataclass(frozen=True)
class Intent:
    """A class of request: its name, the engine that answers it, and why, in the user's words."""

    name: str
    engine: str
    reason: str
    pattern: re.Pattern[str]
    knowledge: Knowledge = "maybe"
    # The only tools the single engine is offered when Auto picks this intent (all when
    # empty): a small model chooses better among two tools than among ten.
    tools: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        return bool(self.pattern.search(text))


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.I)


_NUMBER = r"\d[\d,.]*"
_FILE_TOOLS = ("list_files", "read_file", "write_file", "calculator")
# Verbs that ask for a new piece of text, at the start of the request.
_WRITE = (
    r"^\s*(?:please\s+|can you\s+|could you\s+)?"
    r"(?:write|draft|compose|rewrite|rephrase|paraphrase|proofread|summari[sz]e|translate|"
    r"outline)\b"
)

PROGRAM = Intent(
    "program",
    "code",
    "it asks for code",
    re.compile(
        r"\b(?:write|implement|create|generate|fix|debug|refactor|run)\b[^.?!]*"
        r"\b(?:code|script|program|function|regex|algorithm|snippet|class)\b|"
        r"\b(?:in|using|with) python\b|\bpython (?:code|script|function|program)\b|```",
        re.I,
    ),
    "unwanted",
)
WRITING = Intent(
    "writing",
    "chat",
    "it asks for a piece of writing",
    re.compile(
        _WRITE + r"|\b(?:essay|poem|haiku|limerick|story|cover letter|speech|"
        r"email|e-mail|tweet|slogan|toast)\b(?!\s+(?:file|folder))|\ba letter (?:to|for)\b",
        re.I,
    ),
)
WORKSPACE = Intent(
    "workspace files",
    "single",
    "it works with files in the workspace",
    re.compile(
        r"\b(?:workspace|folder|directory)\b|"
        r"\b(?:save|write|store|append|create|delete|list|read|open)\b[^.?!]*"
        r"\b(?:file|files|folder)\b",
        re.I,
    ),
    "unwanted",
    _FILE_TOOLS,
)
# The kinds of file a prompt may name by name ("todo.md", "notes/meeting.txt").
FILE_EXTENSIONS = r"(?:txt|md|csv|json|log|yaml|yml|html|py)"
NAMED_FILE = Intent(
    "a named file",
    "single",
    "it names a file in the workspace",
    re.compile(rf"\b[\w-]+\.{FILE_EXTENSIONS}\b", re.I),
    "unwanted",
    _FILE_TOOLS,
)
NOTES = Intent(
    "memory",
    "single",
    "it asks to remember or recall something",
    re.compile(r"\b(?:remember|recall|memori[sz]e)\b|\b(?:save|take|make|add) a note\b", re.I),
    "unwanted",
)
_PAPERS = (
    r"(?:documents?|docs|notes|files|papers|reports?|manuals?|contracts?|handbook|minutes|"
    r"invoices?|statements?|policy|policies|pdfs?|uploads?|library|knowledge base|sources)"
)
DOCUMENTS = Intent(
    "my documents",
    "chat",
    "it asks about the user's documents",
    re.compile(
        rf"\b(?:my|our)\s+(?:\w+\s+)?{_PAPERS}\b|\b(?:uploaded|attached)\b|"
        rf"\b(?:according to|in|from)\s+(?:the|my)\s+{_PAPERS}\b|\bknowledge base\b",
        re.I,
    ),
    "wanted",
)
# Text given in quotes: what string work works on.
_QUOTED = r"""['"\u201c\u2018][^'"\u201d\u2019]+['"\u201d\u2019]"""
_TEXT_GIVEN = rf"(?:{_QUOTED}|:|\b(?:this|these|the following|the word|the letter|the string))"
COMPUTING = Intent(
    "computing",
    "code",
    "it is counting, primes or work on a string",
    re.compile(
        r"\bprime numbers?\b|\bprimes\b|\bprime factors?\b|\d[^.?!]*\bprime\b|"
        # A sum or product over a run of numbers: a loop, not one calculator expression.
        r"\b(?:sum|product|average|mean|total)\s+of\s+(?:all\s+)?(?:the\s+)?(?:squares|cubes|"
        r"(?:whole |natural |odd |even |prime )?(?:numbers|integers)|first \d+)\b[^.?!]*\d|"
        r"\b(?:fibonacci|factorial|gcd|lcm|divisors?|digits?|permutations?|combinations?)\b"
        r"[^.?!]*\d|\d[^.?!]*\b(?:fibonacci|factorial|gcd|lcm|divisors?|digits)\b|"
        rf"\b(?:palindromes?|anagrams?)\b[^.?!]*{_QUOTED}|"
        rf"{_QUOTED}[^.?!]*\b(?:palindromes?|anagrams?)\b|"
        r"\bhow many (?:times|letters?|characters?|vowels?|consonants?|words?)\b"
        rf"[^?!]*{_TEXT_GIVEN}|"
        r"\bhow many \w'?s (?:are )?in\b|"
        r"\bcount (?:the )?(?:letters?|characters?|vowels?|words?|occurrences?)\b|"
        rf"\b(?:reverse|uppercase|lowercase|capitali[sz]e|spell)\b[^?!]*{_QUOTED}|"
        r"\breverse (?:the |this |each |every )?(?:string|words?|text|list|sentence|letters)\b|"
        r"\b(?:reads?|spelled|spelt|written) (?:the same )?backwards?\b|"
        r"\bparse (?:this|the) (?:json|csv)\b|"
        r"\b(?:longest|shortest) (?:word|line|name|sentence)\b|"
        r"\bsort\b[^.?!]*\d|\bsort (?:these|this|the following)\b|"
        r"\bin (?:ascending|descending|alphabetical|reverse) order\b|"
        r"\d[^.?!]*\b(?:odd|even)\s*[?.!]*\s*$|\b(?:odd|even) numbers?\b",
        re.I,
    ),
    "unwanted",
)
_EXPRESSION = r"[\d\s.,+\-*/^()%=\u00d7\u00f7x]*\d[\d\s.,+\-*/^()%=\u00d7\u00f7x]*"
ARITHMETIC = Intent(
    "arithmetic",
    "single",
    "it needs a calculation",
    re.compile(
        # "-", "/" and "x" between numbers are also dates, ranges and sizes: only with spaces,
        # or in a prompt that is an expression and nothing else.
        rf"{_NUMBER}\s*(?:[+*^\u00d7\u00f7]|\*\*)\s*\(?\s*{_NUMBER}|{_NUMBER}\s+[-/x]\s+{_NUMBER}|"
        rf"^\s*(?:what(?:'s| is)|calculate|compute|evaluate|solve)?\s*{_EXPRESSION}\s*\??\s*$|"
        rf"{_NUMBER}\s*(?:%|percent|per cent)\s+of\b|"
        rf"\b(?:percent|percentage|per cent)\b[^.?!]*{_NUMBER}|"
        rf"{_NUMBER}[^.?!]*\b(?:times|plus|minus|divided by|multiplied by|squared|cubed|"
        rf"to the power)\b[^.?!]*{_NUMBER}|"
        rf"\b(?:square root|sqrt|cube root|log|sin|cos|tan)\b[^.?!]*{_NUMBER}|"
        rf"{_NUMBER}\s*(?:squared|cubed)\b|"
        rf"\b(?:sum|product|average|mean|total) of\b[^.?!]*{_NUMBER}|"
        rf"\b\d{{1,3}}(?:,\d{{3}})+\b[^.?!]*\b(?:tax|discount|tip|interest|split|share)\b|"
        rf"\bhow much is\b[^.?!]*{_NUMBER}|\bconvert\b[^.?!]*{_NUMBER}|"
        # A share of a number as the whole prompt ("half of 240", "3/4 of 200"): in a sentence,
        # "the first half of 2020" is a time.
        r"^\s*(?:(?:what(?:'s| is)|how much is|calculate)\s+)?(?:half|(?:a|one|\d+)\s+"
        rf"(?:third|quarter)s?|\d+\s*/\s*\d+)\s+of\s+{_NUMBER}\s*[?.!]*\s*$|"
        rf"\bdifference between {_NUMBER} and {_NUMBER}\s*[?.!]*\s*$|"
        rf"^\s*(?:please\s+)?(?:add|subtract|multiply|divide)\b[^.?!]*{_NUMBER}|"
        # The operation as a verb, then two numbers: "could you divide 1000 by 8", "take 70 away
        # from 200" ("take 2 tablets from the box" is no sum).
        rf"\b(?:add(?:\s+up|\s+together)?|sum\s+up|subtract|take(?:\s+away)?|multiply|divide)\s+"
        rf"{_NUMBER}\s*(?:,\s*(?:and\s+)?|(?:and|to|from|by|with|away from)\s+){_NUMBER}|"
        rf"{_NUMBER}\s*%[^.?!]*{_NUMBER}|{_NUMBER}[^.?!]*{_NUMBER}\s*%",
        re.I,
    ),
    "unwanted",
    ("calculator",),
)
CLOCK = Intent(
    "date and time",
    "single",
    "it asks for the date or the time",
    re.compile(
        # The clock: what time, day, date, week, month or year it is.
        r"^\s*(?:(?:can|could) you (?:please )?tell me |(?:please )?tell me |do you know )?"
        r"(?:what(?:'s| is)?\s+)?(?:the\s+)?(?:current\s+|local\s+|today'?s\s+)?"
        r"(?:time|date|day|weekday|date and time|time and date|day and date)"
        r"(?:\s+(?:is it|today|now|right now|please|in [\w ]+|of the week(?: is it)?))?"
        r"\s*[?.!]*\s*$|"
        r"\b(?:what|which)(?:'s| is| was| will be)?\s+(?:the\s+)?"
        r"(?:(?:current|today'?s|tomorrow'?s|yesterday'?s)\s+)?"
        r"(?:time|date|day|weekday|day of the week|week(?: number)?|week of the year|"
        r"day of the (?:year|month)|month|year)\s+"
        r"(?:is it|is today|is tomorrow|was (?:it )?yesterday|will it be|will tomorrow be|today|"
        r"tomorrow|yesterday|now|right now|it is|are we in|is this)\b|"
        r"\bwhat (?:day|date|time|month|year|week)(?: of the week)? it is\b|"
        r"^\s*what(?:'s| is) today\s*[?.!]*\s*$|"
        r"\bwhat time is it\b|\btime is it\b|\bwhat year is it\b|"
        r"\bwhat(?:'s| is| was)\s+(?:today'?s|tomorrow'?s|yesterday'?s|the current|the local)\s+"
        r"(?:date|day|weekday|time)\b|"
        r"\b(?:today|tomorrow|yesterday)(?:'s)? date\b|\b(?:current|local) (?:time|date)\b|"
        rf"\bis (?:it|today|tomorrow)\s+(?:a\s+)?(?:{WEEKDAY}|the weekend|a weekday)\b|"
        # The date some days, weeks or months from a day.
        rf"{ASKS_DAY}[^.?!]*(?:\bin\s+{SPAN}\b|\b{SPAN}\s+(?:from|after|before|ago|later)\b)|"
        rf"^\s*(?:what|when)(?:'s| is| was| will be| will it be)\s+(?:it\s+)?(?:in\s+)?"
        rf"{SPAN}\s+(?:from|after|before|ago)\b|"
        rf"^\s*{SPAN}\s+(?:from|after|before)\s+{FROM_DAY}\s*[?.!]*\s*$|"
        rf"\b{SPAN}\s+(?:from|after|before)\s+{FROM_DAY}[^.?!]*{ASKS_DAY}|"
        rf"\b(?:add|subtract|take)\s+{SPAN}\s+(?:to|from|off)\s+{FROM_DAY}|"
        # Days between two days, until or since one.
        r"\bhow many days (?:until|till|since|ago|left)\b|"
        r"\bhow (?:many|much)\s+(?:more\s+)?(?:days|weeks|months|nights)\b[^.?!]*"
        rf"\b(?:until|till|til|since|before|between|from|to|left)\b[^.?!]*{TARGET}|"
        r"\b(?:days|weeks|number of days)\s+(?:are there\s+)?(?:between|from|until|till|since)\b"
        rf"[^.?!]*{TARGET}|"
        r"\bhow long\s+(?:(?:is it\s+|is left\s+|do i have\s+)?"
        rf"(?:until|till|til|before|since|from|to)|ago (?:was|is))\b[^.?!]*{TARGET}|"
        # The weekday of a day.
        rf"\b(?:what|which)\s+(?:day(?:\s+of\s+the\s+week)?|weekday)\b[^.?!]*{A_DATE}|"
        rf"{A_DATE}[^.?!]*\b(?:day of the week|weekday)\b|"
        rf"\b(?:what|which)(?:'s| is| was)?\s+(?:the\s+)?date\b[^.?!]*"
        rf"\b(?:next|last|this|coming)\s+{WEEKDAY}\b|"
        rf"\b(?:is|was|will)\s+(?:it\s+)?(?:be\s+)?{A_DATE}[^.?!]{{0,12}}"
        rf"\b(?:a|on a)\s+(?:{WEEKDAY}|weekend|weekday)\b|"
        rf"\b(?:does|did|will)\s+{A_DATE}[^.?!]*\bfall on\b",
        re.I,
    ),
    "unwanted",
    ("current_time", "calendar"),
)
STEPS = Intent(
    "several steps",
    "team",
    "it is a task with several steps",
    re.compile(
        r"\bstep by step\b.*\bthen\b|\bfirst\b.*\bthen\b|\band then\b|"
        r"\bresearch\b.*\b(?:and|then)\b.*\b(?:write|report|compare)\b",
        re.I | re.S,
    ),
)

# In order: the first that matches decides. Code asked for by name beats everything, then a
# file named by its name ("Write hello to greeting.txt"); writing beats the verbs it shares
# with files ("write") and plans, files and documents beat the numbers in
# them, and several steps come before the single-step classes they may contain. Dates come
# before sums: "3/3/2026 plus 30 days" is a date, not a division.
INTENTS: tuple[Intent, ...] = (
    PROGRAM,
    NAMED_FILE,
    WRITING,
    STEPS,
    NOTES,
    WORKSPACE,
    DOCUMENTS,
    CLOCK,
    COMPUTING,
    ARITHMETIC,
)

# Cues that something beyond chat might be wanted, though no intent is sure of it.
UNSURE_CUES = re.compile(
    r"\b(?!(?:1[5-9]|20)\d\d\b)\d|\b(?:file|files|folder|notes?|documents?|search|look up|"
    r"find|calculate|compute|count|schedule|save|compare)\b",
    re.I,
)


@functools.lru_cache(maxsize=64)
def intent_of(prompt: str) -> Intent | None:
    """The first intent ``prompt`` matches, or None.

    Routing one prompt asks this several times (the engine, whether documents help, whether
    a number is missing, whether it is a tool job), and on a long prompt full of numbers the
    rules take seconds: the answer is kept for the last prompts seen."""
    text = prompt_with_digits(prompt.strip())
    return next((intent for intent in INTENTS if intent.matches(text)), None)


def tool_job(prompt: str) -> bool:
    """Whether ``prompt`` is a job only a tool can do right (a sum, a date, a file): the
    agent then calls one before it may answer."""
    intent = intent_of(prompt)
    return intent is not None and bool(intent.tools)


def has_cue(prompt: str) -> bool:
    """Whether ``prompt`` shows a cue (UNSURE_CUES) that something beyond chat may be wanted."""
    return bool(UNSURE_CUES.search(prompt_with_digits(prompt)))


# Operations on one number: "19 squared", "the square root of 2", "5!".
_ONE_NUMBER_OPERATION = re.compile(
    r"\b(?:squared|cubed|square root|cube root|sqrt|factorial|log|ln|sin|cos|tan|"
    r"absolute value|round(?:ed)?|negative)\b|\d\s*!",
    re.I,
)


def lacks_operands(prompt: str) -> bool:
    """A sum whose numbers the prompt does not all give ("the Fenwick R7 with 15% off its list
    price", "the mileage rate for 265 km"): the missing one may be in the user's documents."""
    if intent_of(prompt) is not ARITHMETIC:
        return False
    text = prompt_with_digits(prompt)
    given = len(re.findall(r"(?<![\w.])\d[\d,.]*", text))
    return given < (1 if _ONE_NUMBER_OPERATION.search(text) else 2)


def knowledge_for(prompt: str) -> Knowledge:
    """Whether documents can help with ``prompt``, by its intent ("maybe" when unsure); a
    mention of the user's documents counts even when another intent decided the engine
    ("Summarize my notes" is writing, from the notes), and so does a sum that lacks a number."""
    intent = intent_of(prompt)
    need = intent.knowledge if intent is not None else "maybe"
    if lacks_operands(prompt):
        need = "maybe"
    return "wanted" if need == "maybe" and DOCUMENTS.matches(prompt) else need


def general_question(prompt: str) -> bool:
    """No intent and no cue of one: a question of general knowledge ("Who painted the Mona
    Lisa?"), which no tool and no document answers."""
    return intent_of(prompt) is None and not has_cue(prompt)


def pure_computation(prompt: str) -> bool:
    """A sum, a count or a small program over what the prompt itself gives: no tool, no
    document can add anything, so none is searched (the code engine is told so)."""
    intent = intent_of(prompt)
    return intent in (ARITHMETIC, COMPUTING, PROGRAM) and knowledge_for(prompt) == "unwanted"
