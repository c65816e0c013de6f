"""The answer check: what passes as an answer and what is sent back, with the reason."""

from __future__ import annotations

import pytest

from agents.answer_check import check_answer, is_value, key_values
from agents.answer_tool_talk import ToolOutput

CLOCK = ToolOutput(
    "current_time",
    "It is Monday, 7 December 2026, 09:51:20 UTC, local time (UTC+00:00); "
    "ISO 8601: 2026-12-07T09:51:20+00:00",
)
PERCENT = ToolOutput("calculator", "961.4")
SPAN = ToolOutput("calendar", "From 3 March 2026 to 14 July 2026 is 133 days. That is 19 weeks.")
LEAP = ToolOutput("calendar", "29 February 2024 was a Thursday.")
LATER = ToolOutput("calendar", "45 days after Monday 7 December 2026 is Thursday 21 January 2027.")
ROOT = ToolOutput("calculator", "1.4142135623731")
FILES = ToolOutput("list_files", "notes.txt  120 B\nreport.pdf  3.4 KB\nplans/")

PASSES = [
    # Brackets that are not blanks: a link's text, a list, a note in brackets.
    ("Where is the lease?", "See [the lease](lease.md): it was signed on 3 May.", []),
    ("Which days?", "Monday and Friday [both mornings].", []),
    ("What is 23% of 4,180?", "23% of 4,180 is 961.4.", [PERCENT]),
    ("What is 23% of 4,180?", "It comes to **961.40**.", [PERCENT]),
    ("What is 23% of 4,180?", "About 961.", [PERCENT]),
    ("What is the square root of 2?", "√2 ≈ 1.414", [ROOT]),
    ("What time is it?", "It is 09:51 on Monday, 7 December 2026.", [CLOCK]),
    ("What time is it?", "It's 9:51 UTC.", [CLOCK]),
    ("What day is it today?", "Today is Monday.", [CLOCK]),
    ("What is the capital of France?", "Paris.", []),
    ("What is the capital of France?", "The capital of France is Paris [1].", []),
    ("Is it raining in the report?", "It is raining, the report says [2].", []),
    (
        "How many files are in my workspace?",
        "There are two files: notes.txt and report.pdf.",
        [FILES],
    ),
    ("Which files do I have?", "notes.txt and report.pdf, and a folder plans.", [FILES]),
    ("How much is 6 times 7?", "Forty-two.", []),
    ("Summarize the plan", "The plan is to ship in March and hire two people.", []),
    ("ponder", "Echo: ponder", []),
    ("Write a haiku about rain", "Soft rain on the roof / ...", []),
    ("List the primes below 10", "[2, 3, 5, 7]", []),
    ("List the primes below 10", "The primes below 10 are [2, 3, 5, 7].", []),
    ("Capitalize hello world", "Hello World", []),
    ("Trim '  hello world '", "hello world", []),
    ("Sort: banana apple cherry", "apple banana cherry", []),
    ("Anything else on the agenda?", "That's all I can think of.", []),
    ("How should I take it?", "Take it as it is.", []),
    ("What day will it be in 3 days?", "Thursday.", [CLOCK]),
    ("How many days until Christmas?", "18 days.", [CLOCK]),
    ("What happened on 2024-01-05?", "Nothing of note happened.", []),
    ("What is 17 * 23?", "Echo: What is 17 * 23?", []),
    (
        "Who is the project lead of the Larkspur project?",
        "The project lead is Imogen Tarrant. This can be found in passage [2].",
        [],
    ),
    ("How do I reverse a string?", "You can use slicing: s[::-1].", []),
    ("Show the tool call format", 'Like this: {"name": "calculator", "arguments": {}}', []),
    # The kind of value asked for is there: a weekday, a time, a date, in any usual form.
    ("Which day of the week is it today?", "It is Monday.", [CLOCK]),
    ("On which day of the week did 29 February 2024 fall?", "It was a Thursday.", []),
    ("What weekday is 1 May 2027?", "Saturday.", []),
    ("What time is it in Tokyo?", "It is 6 pm there.", []),
    ("What is today's date?", "Today is 7 December 2026.", [CLOCK]),
    ("What date will it be 45 days from today?", "It will be January 21, 2027.", []),
    ("Which date is the deadline?", "The deadline is 2027-01-21.", []),
    ("What's the date of the meeting?", "The meeting is on 3/4/2027.", []),
    # The calendar's result, in the answer's own words.
    ("How many days from 3 March 2026 to 14 July 2026?", "133 days.", [SPAN]),
    ("On which day did 29 February 2024 fall?", "A Thursday.", [LEAP]),
    ("What date is 45 days from today?", "It will be 21 January 2027.", [LATER]),
    ("What date is 45 days from today?", "2027-01-21", [LATER]),
    ("What day is it 45 days from today?", "It will be a Thursday.", [LATER]),
    # A plan that also says what it found, and a how-to question answered with steps.
    ("Who founded Hollowbrook?", "I checked the profile: two potters founded it in 2011.", []),
    (
        "How do I reset my password?",
        "First, I will open Settings. Then I will choose Reset password.",
        [],
    ),
    ("Who owns the follow-up?", "Let me be brief: Petra Lindqvist owns it.", []),
    # Snake case that is not a tool being described, and a question that asks about a tool.
    ("What does the file say?", "It says: rename snake_case_names before Friday.", []),
    ("What does list_files do?", "`list_files` lists the files in your workspace.", []),
    ("Can the calculator do powers?", "Yes: the calculator tool takes 2^10, which is 1024.", []),
    ("How do I add numbers?", "Add them on a calculator: 2 + 2 = 4.", []),
    ("How do I fix this error in my script?", "To fix the error, rename the variable.", []),
    (
        "Write a Python function that greets a name.",
        "```python\ndef greet(name):\n    return f'Hi {name}'\n```\nPass the name parameter.",
        [],
    ),
]

FAILS = [
    ("What is 23% of 4,180?", "", [], "empty"),
    ("What is 23% of 4,180?", "   \n", [], "empty"),
    ("What is 23% of 4,180?", "[1]", [PERCENT], "only a citation marker"),
    ("Who wrote it?", "[1][2].", [], "only a citation marker"),
    ("Who wrote it?", "【1】", [], "only a citation marker"),
    (
        "What is 23% of 4,180?",
        "To calculate 23% of 4,180, you can use the following expression: [1]",
        [],
        "stops where its result should be",
    ),
    (
        "What time is it?",
        "The current local date, time, weekday, and timezone is [1].",
        [CLOCK],
        "stops",
    ),
    ("Who wrote the report?", "The author of the report is", [], "stops"),
    ("What is 23% of 4,180?", "23% of 4,180", [PERCENT], "restates the question"),
    ("What time is it?", "What time is it?", [CLOCK], "restates the question"),
    (
        "What is 23% of 4,180?",
        "You can use the calculator tool with the expression 23/100*4180.",
        [],
        "describes a tool",
    ),
    (
        "How many days are there from 3 March 2026 to 14 July 2026?",
        "To count the days from 3 March 2026 to 14 July 2026, you should use the calendar.",
        [],
        "describes how to get the result",
    ),
    (
        "Reverse the word 'stressed'.",
        "To reverse the word 'stressed', you can use the `calculator` function with it.",
        [],
        "describes a tool",
    ),
    (
        "How many weeks are there from 3 March 2026 to 14 July 2026?",
        'To count the weeks from 3 March 2026 to 14 July 2026, use the "until" parameter.',
        [],
        "describes a tool",
    ),
    (
        "Who is the chief executive of Hollowbrook Ceramics?",
        "No saved notes match 'who is the chief executive of hollowbrook ceramics'.",
        [ToolOutput("recall", "No saved notes match 'who is the chief executive of hollowbrook'.")],
        "passes on what recall said",
    ),
    (
        "In sales.csv, which region sold the most units?",
        "To fix the error, you need to ensure that the function name is valid.",
        [],
        "about a tool's error",
    ),
    (
        "How many legs does a spider have?",
        "To find out how many legs a spider has, you can use the calculator function.",
        [],
        "describes a tool",
    ),
    (
        "How many files are there?",
        "I listed the files in your workspace for you.",
        [],
        "asks for a number",
    ),
    (
        "What is 17.5% of 3,260?",
        "That is a simple percentage of the amount.",
        [],
        "asks for a number",
    ),
    (
        "What time is it?",
        "I checked the clock for you.",
        [CLOCK],
        "leaves out the result current_time",
    ),
    (
        "What is 23% of 4,180?",
        "It is 23 percent of 4180, roughly a quarter.",
        [PERCENT],
        "leaves out",
    ),
    ("What is 23% of 4,180?", "The answer is 96.14.", [PERCENT], "not give the number"),
    ("What time is it?", "The time is.", [CLOCK], "stops"),
    ("Who is the author?", "The author is the", [], "stops"),
    ("What is 2+2?", "2 + 2", [], "restates the question"),
    (
        "Sort these numbers: 42, 7, 19",
        '```json\n{"name": "sort_numbers", "arguments": {"numbers": [42, 7, 19]}}\n```',
        [],
        "a tool call written as text",
    ),
    ("What time is it?", '<tool_call>{"name": "current_time"}</tool_call>', [], "tool call"),
    (
        "Sort these words alphabetically: pear, apple, kiwi.",
        'I\'ll use the `sort` function. Here\'s the result:\n{"name": "sort", "arguments": '
        '{"list": ["pear", "apple", "kiwi"]}}',
        [],
        "a tool call written as text",
    ),
    ("What is today's date?", "Today's date is [insert current date].", [], "a blank"),
    ("Who signed the lease?", "It was signed by [Your Name] on [Date].", [], "a blank"),
    ("What is 23% of 4,180?", "23% of 4,180 is {result}.", [], "a blank"),
    ("What time is it?", "The time is <current time>.", [], "a blank"),
    (
        "Which day of the week is it today?",
        "Today is 2026-12-07.",
        [CLOCK],
        "asks for a day of the week and the answer names none",
    ),
    (
        "What day was 4 July 1976?",
        "It was the bicentennial.",
        [],
        "asks for a day of the week and the answer names none",
    ),
    ("What time is it?", "It is Monday.", [], "asks for a time and the answer gives none"),
    (
        "What date will it be 45 days from today?",
        "It will be a Thursday.",
        [],
        "asks for a date and the answer gives none",
    ),
    (
        "How many days from 3 March 2026 to 14 July 2026?",
        "There are 52 days.",
        [SPAN],
        "does not agree with the calendar (From 3 March 2026 to 14 July 2026 is 133 days)",
    ),
    (
        "On which day of the week did 29 February 2024 fall?",
        "It fell on a Wednesday.",
        [LEAP],
        "does not agree with the calendar (29 February 2024 was a Thursday)",
    ),
    (
        "What date is 45 days from today?",
        "It will be 12 March 2027.",
        [LATER],
        "does not agree with the calendar",
    ),
    (
        "In which year was it founded?",
        "To find the founding year, I will search the documents. I will then return the result.",
        [],
        "only says what will be done or what one should do, not the result",
    ),
    (
        "Who is the owner of the follow-up?",
        "I'll search the knowledge base.\n\n<tool_response>\n[1] travel-policy.md\n...",
        [],
        "pastes a tool exchange",
    ),
    (
        "Which files are in my workspace folder?",
        "To list files in the workspace, you should use the `list_files` function.",
        [],
        "describes a tool instead of giving what it returned",
    ),
    (
        "What is in todo.md?",
        "You can call read_file(path='todo.md') to see it.",
        [],
        "describes a tool instead of giving what it returned",
    ),
]


@pytest.mark.parametrize(("question", "answer", "tools"), PASSES)
def test_answers_that_pass(question: str, answer: str, tools: list[ToolOutput]) -> None:
    assert check_answer(question, answer, tools) is None


@pytest.mark.parametrize(("question", "answer", "tools", "reason"), FAILS)
def test_answers_sent_back_with_the_reason(
    question: str, answer: str, tools: list[ToolOutput], reason: str
) -> None:
    found = check_answer(question, answer, tools)
    assert found is not None and reason in found, found


def test_values_are_short_and_mostly_numbers_or_dates() -> None:
    assert is_value(PERCENT.result) and is_value(CLOCK.result)
    assert not is_value(FILES.result)
    assert not is_value("The meeting is on Friday, says the note saved on 2026-12-01.")
    assert not is_value("9" * 400)
    # A short table is mostly numbers, but no one value: an answer picks from it.
    assert not is_value("region,units\nnorth,120\nsouth,85\neast,143\nwest,97\n")
    assert "9:51" in key_values(CLOCK.result) and "monday" in key_values(CLOCK.result)
