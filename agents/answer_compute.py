"""A sum asked in so many words is worked out again by the calculator, and the answer must
agree.

"What is 12 factorial?" answered "490968000", or "What is 17.5% of 3,260?" answered with a
slip in the last digit, passes every check of form: it is a number, it is not the question.
When the whole question, less its "what is", reads as arithmetic the calculator takes ("12
factorial", "17.5% of 3,260", "sqrt of 2"), its value is known here, and an answer that does
not give it (as written, or rounded as the answer writes it) is sent back with the value.
A word problem whose numbers are all in the question (a percentage change, a sum over a range)
is worked out by ``answer_word_problems`` instead.
Counting the words, letters, characters or vowels of one quoted piece of text, or reversing it,
is checked the same way.
"""

from __future__ import annotations

import re

from agents.answer_values import carries
from agents.answer_word_problems import against_word_problem, worked_problem
from agents.digits_note import without_digits_note
from agents.intents import ARITHMETIC, COMPUTING, intent_of
from agents.number_words import prompt_with_digits
from agents.tools.calculator import evaluate, format_number
from agents.tools.registry import ToolError

_ASKED = re.compile(
    r"^\s*(?:please\s+)?(?:what(?:'s| is)|calculate|compute|evaluate|how much is|work out)\s+"
    r"(?:the value of\s+)?(?P<sum>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def asked_sum(question: str) -> tuple[str, str] | None:
    """(the sum as asked, its value) when the question is arithmetic the calculator reads
    whole; else None."""
    typed = without_digits_note(question)  # the engines' prompt may carry the note
    if intent_of(typed) not in (ARITHMETIC, COMPUTING):
        return None
    found = _ASKED.match(prompt_with_digits(typed))
    if found is None:
        return None
    try:
        value = evaluate(found.group("sum"))
    except ToolError:
        return None
    return found.group("sum"), format_number(value)


def against_computation(question: str, answer: str) -> str | None:
    """Why the answer disagrees with the calculator's value of the question, or with the
    result of the word problem it is (``answer_word_problems``), or None."""
    if worked_problem(question) is not None:
        return against_word_problem(question, answer)
    worked = asked_sum(question)
    if worked is None:
        return None
    asked, value = worked
    if carries(answer, value):
        return None
    return f"the answer does not give the value of {asked}, which is {value}"


# Text work on a quoted piece of text, which is worked out here as surely as a sum.
_QUOTED_TEXT = re.compile(
    r"'([^']+)'|\"([^\"]+)\"|\u201c([^\u201d]+)\u201d|\u2018([^\u2019]+)\u2019"
)
_TEXT_TASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bhow many words\b", re.I), "words"),
    (re.compile(r"\bhow many (?:letters)\b", re.I), "letters"),
    (re.compile(r"\bhow many characters\b", re.I), "characters"),
    (re.compile(r"\bhow many vowels\b", re.I), "vowels"),
    (re.compile(r"^\s*(?:please\s+)?reverse\b|\bbackwards?\b|\breversed\b", re.I), "reversed"),
)


def _worked_text(task: str, text: str) -> str:
    if task == "words":
        return str(len(text.split()))
    if task == "letters":
        return str(sum(ch.isalpha() for ch in text))
    if task == "characters":
        return str(len(text))
    if task == "vowels":
        return str(sum(ch in "aeiouAEIOU" for ch in text))
    return text[::-1]


def against_text_work(question: str, answer: str) -> str | None:
    """A count of words, letters, characters or vowels in, or the reverse of, the one piece of
    quoted text the question gives: worked out here, and the answer must give it."""
    typed = without_digits_note(question)
    quoted = [next(g for g in m.groups() if g) for m in _QUOTED_TEXT.finditer(typed)]
    if len(quoted) != 1 or intent_of(typed) not in (ARITHMETIC, COMPUTING):
        return None
    tasks = [task for pattern, task in _TEXT_TASKS if pattern.search(typed)]
    if len(tasks) != 1:
        return None
    value = _worked_text(tasks[0], quoted[0])
    given = carries(answer, value) if value.isdigit() else value.lower() in answer.lower()
    if given:
        return None
    task, text = tasks[0], quoted[0]
    what = f"'{text}' reversed" if task == "reversed" else f"the number of {task} in '{text}'"
    return f"the answer does not give {what}, which is {value}"
