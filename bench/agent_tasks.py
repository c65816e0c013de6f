"""The agent task set: questions a person asks AgentDesk, each with how to tell it was answered.

Expected values are computed here, in Python, from the prompt's own numbers or from the facts
in ``bench.agent_corpus``; dates are computed when the question is asked. ``quick`` marks the
handful ``--quick`` runs. A task of several turns is one conversation (follow-ups).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from bench import agent_corpus as facts
from bench.agent_checks import (
    AllOf,
    Check,
    CitesNothing,
    DateFromToday,
    FileHas,
    Number,
    Text,
    TodayPart,
)


@dataclass(frozen=True)
class Turn:
    prompt: str
    check: Check


@dataclass(frozen=True)
class Task:
    id: str
    kind: str
    turns: tuple[Turn, ...]
    quick: bool = False


def ask(task_id: str, kind: str, prompt: str, check: Check, quick: bool = False) -> Task:
    return Task(task_id, kind, (Turn(prompt, check),), quick)


def general(task_id: str, prompt: str, check: Check, quick: bool = False) -> Task:
    """A question about the world: the user's documents must not be cited."""
    return ask(task_id, "general", prompt, CitesNothing(check), quick)


def conversation(task_id: str, *turns: tuple[str, Check], quick: bool = False) -> Task:
    return Task(task_id, "follow-up", tuple(Turn(p, c) for p, c in turns), quick)


_SALES_UNITS = {region: units for region, (units, _) in facts.SALES.items()}
_REVENUE_GAP = facts.QUENBY_REVENUE - facts.HOLLOWBROOK_REVENUE

TASKS: tuple[Task, ...] = (
    # Arithmetic written in words.
    ask(
        "words-1",
        "arithmetic",
        "What is seven hundred and twelve multiplied by thirty-eight?",
        Number(712 * 38),
        quick=True,
    ),
    ask(
        "words-2",
        "arithmetic",
        "I had four thousand two hundred apples and sold one thousand "
        "three hundred and fifty. How many apples do I have left?",
        Number(4200 - 1350),
    ),
    ask(
        "words-3",
        "arithmetic",
        "Divide nine thousand nine hundred by twelve. What do you get?",
        Number(9900 / 12),
    ),
    ask(
        "words-4",
        "arithmetic",
        "Add up three hundred sixty-five, two hundred forty and fifty-eight.",
        Number(365 + 240 + 58),
    ),
    ask("words-5", "arithmetic", "What is nineteen squared?", Number(19**2)),
    # Percentages.
    ask("percent-1", "percent", "What is 17.5% of 3,260?", Number(0.175 * 3260), quick=True),
    ask(
        "percent-2",
        "percent",
        "A jacket costs 240 euros and is reduced by 35 percent. What does it cost now?",
        Number(240 * (1 - 0.35)),
    ),
    ask(
        "percent-3",
        "percent",
        "A town grew from 12,400 to 13,950 people. By what percentage did it grow?",
        Number((13950 - 12400) / 12400 * 100, tolerance=0.05),
    ),
    ask("percent-4", "percent", "What percentage of 640 is 208?", Number(208 / 640 * 100)),
    ask(
        "percent-5",
        "percent",
        "Add 8% sales tax to a bill of 1,275 euros. What is the total?",
        Number(1275 * 1.08),
    ),
    # Dates, computed when the question is asked.
    ask("date-1", "date", "What is today's date?", DateFromToday(0), quick=True),
    ask("date-2", "date", "Which day of the week is it today?", TodayPart("weekday")),
    ask("date-3", "date", "What date will it be 45 days from today?", DateFromToday(45)),
    ask(
        "date-4",
        "date",
        "How many days are there from 3 March 2026 to 14 July 2026?",
        Number((date(2026, 7, 14) - date(2026, 3, 3)).days),
    ),
    ask(
        "date-5",
        "date",
        "On which day of the week did 29 February 2024 fall?",
        Text((f"{date(2024, 2, 29):%A}",)),
    ),
    # Workspace files.
    ask(
        "files-1",
        "files",
        "Which files are in my workspace folder? Give their names.",
        AllOf(("sales.csv", "todo.md")),
    ),
    ask(
        "files-2",
        "files",
        "What is the first item on the list in todo.md in my workspace?",
        Text((facts.TODO[0],)),
    ),
    ask(
        "files-3",
        "files",
        "In sales.csv in my workspace, which region sold the most units?",
        Text((max(_SALES_UNITS, key=lambda region: _SALES_UNITS[region]),)),
    ),
    ask(
        "files-4",
        "files",
        "What is the total of the units column in sales.csv in my workspace?",
        Number(sum(_SALES_UNITS.values())),
    ),
    ask(
        "files-5",
        "files",
        "Who is named as the owner of the follow-up in notes/meeting.txt in my workspace?",
        Text((facts.MEETING_OWNER,)),
    ),
    ask(
        "files-6",
        "files",
        "Save a file called shopping.txt in my workspace that contains the words oat milk.",
        FileHas("shopping.txt", ("oat milk",)),
    ),
    ask(
        "files-7",
        "files",
        "Create squares.csv in my workspace with the header n,square and one "
        "row for each n from 1 to 6.",
        FileHas("squares.csv", ("n,square", "1,1", "6,36")),
    ),
    # Looking something up in the documents.
    ask(
        "lookup-1",
        "lookup",
        "Who is the chief executive of Hollowbrook Ceramics?",
        Text((facts.HOLLOWBROOK_CEO,)),
        quick=True,
    ),
    ask(
        "lookup-2",
        "lookup",
        "What is the battery capacity of the Fenwick R7 e-bike?",
        Number(facts.BIKE_BATTERY_WH),
    ),
    ask(
        "lookup-3",
        "lookup",
        "How many years of warranty does the Fenwick R7 frame have?",
        Number(facts.BIKE_FRAME_WARRANTY_YEARS),
    ),
    ask(
        "lookup-4",
        "lookup",
        "What is the most the Marrowgate travel policy pays for a hotel per night?",
        Number(facts.HOTEL_CAP),
    ),
    ask(
        "lookup-5", "lookup", "In which town is Quenby Textiles based?", Text((facts.QUENBY_TOWN,))
    ),
    # A lookup, then arithmetic on what was found.
    ask(
        "lookup-math-1",
        "lookup-math",
        "Under the Marrowgate travel policy, how much meal "
        "allowance does a 4-day business trip get in total?",
        Number(facts.MEAL_ALLOWANCE * 4),
    ),
    ask(
        "lookup-math-2",
        "lookup-math",
        "Using the Marrowgate policy's mileage rate, how much is reimbursed for a 265 km drive?",
        Number(facts.MILEAGE_RATE * 265),
    ),
    ask(
        "lookup-math-3",
        "lookup-math",
        "What would the Fenwick R7 cost with 15% off its list price?",
        Number(facts.BIKE_PRICE * 0.85),
    ),
    ask(
        "lookup-math-4",
        "lookup-math",
        "What was Hollowbrook Ceramics' 2025 revenue per employee, to the nearest euro?",
        Number(round(facts.HOLLOWBROOK_REVENUE / facts.HOLLOWBROOK_STAFF), tolerance=1),
    ),
    # Two documents at once.
    ask(
        "two-docs-1",
        "two-docs",
        "How many people do Hollowbrook Ceramics and Quenby Textiles employ together?",
        Number(facts.HOLLOWBROOK_STAFF + facts.QUENBY_STAFF),
    ),
    ask(
        "two-docs-2",
        "two-docs",
        "How many years before Hollowbrook Ceramics was Quenby Textiles founded?",
        Number(facts.HOLLOWBROOK_FOUNDED - facts.QUENBY_FOUNDED),
    ),
    ask(
        "two-docs-3",
        "two-docs",
        "By how many euros did Quenby Textiles' 2025 revenue "
        "exceed Hollowbrook Ceramics' 2025 revenue?",
        Number(_REVENUE_GAP),
    ),
    # Small programs.
    ask(
        "code-1",
        "code",
        "How many words are in the sentence 'the quick brown fox jumps over the lazy dog'?",
        Number(len(["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"])),
    ),
    ask(
        "code-2",
        "code",
        "What is the sum of the squares of the whole numbers from 1 to 30?",
        Number(sum(n * n for n in range(1, 31))),
    ),
    ask("code-3", "code", "Reverse the word 'stressed'.", Text(("stressed"[::-1],))),
    ask("code-4", "code", "What is 12 factorial?", Number(math.factorial(12))),
    ask(
        "code-5",
        "code",
        "Sort these words alphabetically: pear, apple, mango, kiwi, banana.",
        AllOf(tuple(sorted(["pear", "apple", "mango", "kiwi", "banana"])), ordered=True),
    ),
    ask(
        "code-6",
        "code",
        "What is the greatest common divisor of 1,071 and 462?",
        Number(math.gcd(1071, 462)),
    ),
    # General knowledge: nothing in the user's documents is about these.
    general("general-1", "What is the chemical symbol for gold?", Text(("Au",)), quick=True),
    general("general-2", "How many legs does a spider have?", Number(8)),
    general("general-3", "Which planet is known as the Red Planet?", Text(("Mars",))),
    general("general-4", "Who wrote the play Romeo and Juliet?", Text(("Shakespeare",))),
    general(
        "general-5",
        "At sea level, at what temperature in degrees Celsius does water boil?",
        Number(100),
    ),
    general("general-6", "What is the largest ocean on Earth?", Text(("Pacific",))),
    # Follow-ups in one conversation.
    conversation(
        "follow-up-1",
        ("What is 144 divided by 16?", Number(144 / 16)),
        ("Now multiply that by 7.", Number(144 / 16 * 7)),
        quick=True,
    ),
    conversation(
        "follow-up-2",
        (
            "What is the daily meal allowance in the Marrowgate travel policy?",
            Number(facts.MEAL_ALLOWANCE),
        ),
        ("And how much is that for a 6-day trip?", Number(facts.MEAL_ALLOWANCE * 6)),
    ),
    conversation(
        "follow-up-3",
        ("Who is the chief executive of Hollowbrook Ceramics?", Text((facts.HOLLOWBROOK_CEO,))),
        ("And in which year was it founded?", Number(facts.HOLLOWBROOK_FOUNDED)),
    ),
    conversation(
        "follow-up-4",
        (
            "How many units did the north region sell according to sales.csv in my workspace?",
            Number(_SALES_UNITS["north"]),
        ),
        ("And the west region?", Number(_SALES_UNITS["west"])),
    ),
    conversation(
        "follow-up-5",
        ("How many metres are in 5 kilometres?", Number(5 * 1000)),
        ("And in 12 kilometres?", Number(12 * 1000)),
    ),
)


def chosen(
    quick: bool = False,
    kinds: str | None = None,
    limit: int | None = None,
    per_kind: int | None = None,
) -> list[Task]:
    """The tasks to run: the quick few or all, optionally only some kinds, the first
    ``per_kind`` of each kind (a sample of every kind for a slow engine), at most ``limit``."""
    picked = [t for t in TASKS if t.quick or not quick]
    if kinds:
        wanted = {k.strip() for k in kinds.split(",")}
        picked = [t for t in picked if t.kind in wanted]
    if per_kind:
        seen: dict[str, int] = {}
        sample = []
        for task in picked:
            seen[task.kind] = seen.get(task.kind, 0) + 1
            if seen[task.kind] <= per_kind:
                sample.append(task)
        picked = sample
    return picked[:limit] if limit else picked
