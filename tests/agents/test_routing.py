"""Auto routing by intent: a table of everyday prompts and where a person would send them."""

from __future__ import annotations

import pytest

from agents.intents import CLOCK, INTENTS, intent_of, knowledge_for, pure_computation
from agents.routing import auto_route, follow_up_route, installed, route

NEEDS_CODE = pytest.mark.skipif(not installed("code"), reason="the code engine is not installed")
NEEDS_TEAM = pytest.mark.skipif(not installed("team"), reason="the team engine is not installed")


def code(prompt: str) -> object:
    return pytest.param(prompt, "code", marks=NEEDS_CODE)


# (prompt, engine): each class of intent in several wordings, and near misses of each.
TABLE = [
    # arithmetic → the calculator (single)
    ("What is 23% of 4,180?", "single"),
    ("what's 15 percent of 80", "single"),
    ("How much is 6 times 7?", "single"),
    ("What is 17 * 23?", "single"),
    ("12/4", "single"),
    ("12,500 divided by 4", "single"),
    ("Calculate 3.5 + 2.25 - 1", "single"),
    ("What is the square root of 1,764?", "single"),
    ("If a bill is 1,240 and I add a 15% tip, what do I pay?", "single"),
    ("What's 2 to the power of 10?", "single"),
    ("Add 45 and 78", "single"),
    ("Calculate the compound interest on 1,000 at 5% for 3 years", "single"),
    ("What is the average of 4, 8 and 15?", "single"),
    # the same sums with the numbers in words
    ("What is seven hundred and twelve multiplied by thirty-eight?", "single"),
    ("Divide nine thousand nine hundred by twelve.", "single"),
    ("Add up three hundred sixty-five, two hundred forty and fifty-eight.", "single"),
    ("What's twelve squared?", "single"),
    ("Subtract seventeen from forty-two", "single"),
    ("How much is seven times eight?", "single"),
    ("What is twenty-five percent of eight hundred?", "single"),
    ("What is the sum of four, eight and fifteen?", "single"),
    ("What is one plus one?", "single"),
    ("Calculate two point five times four", "single"),
    ("Multiply a thousand by sixty", "single"),
    ("What is one hundred and forty-four divided by twelve?", "single"),
    ("Could you divide one thousand by eight?", "single"),
    ("What do you get if you multiply thirteen by seventeen?", "single"),
    ("Take seventy away from two hundred", "single"),
    ("Sum up four hundred, two hundred and fifty, and seventy.", "single"),
    ("Can you subtract 389 from 1,000?", "single"),
    ("How much is a third of ninety?", "single"),
    ("What is half of 240?", "single"),
    ("Three quarters of two hundred?", "single"),
    ("What is the difference between nine hundred and four hundred and fifty?", "single"),
    ("What's the difference between 72 and 38?", "single"),
    # date and time → current_time (single)
    ("What time is it?", "single"),
    ("What's the date today?", "single"),
    ("What day is it tomorrow?", "single"),
    ("How many days until Christmas?", "single"),
    # workspace files and notes → the file tools (single)
    ("List the files in my workspace", "single"),
    ("Save this list to groceries.txt", "single"),
    ("Write hello world to greeting.txt", "single"),
    ("Read todo.md and tell me what is left", "single"),
    ("Remember that my dentist is on Friday", "single"),
    # the user's documents → the knowledge base (chat, grounded)
    ("What does my contract say about notice periods?", "chat"),
    ("Summarize the report I uploaded", "chat"),
    ("According to my notes, when is the launch?", "chat"),
    ("What do my documents say about the budget?", "chat"),
    ("What does the handbook say about holidays?", "chat"),
    # counting, primes, strings → code
    code("List the prime numbers below 30"),
    code("How many times does the letter r appear in strawberry?"),
    code("Reverse the string 'AgentDesk'"),
    code("Write a Python function that checks for palindromes"),
    code("What is the 20th Fibonacci number?"),
    code("Count the vowels in 'programming is fun'"),
    code("Sort these names alphabetically: Zoe, Adam, Maya"),
    code("Find the longest word in 'the quick brown fox jumps'"),
    code("Which of 17, 21 and 29 are odd?"),
    code("Check whether 'level' reads the same backwards"),
    code("Sort 5, 3, 9, 1 in ascending order"),
    code("Which of seventeen, twenty-one and twenty-nine are odd?"),
    code("Is one hundred and one a prime number?"),
    # writing → chat
    ("Write a detailed essay on the causes of the First World War", "chat"),
    ("Write a poem about the sea", "chat"),
    ("Draft an email to my landlord about the broken heater", "chat"),
    ("Summarize this text: The meeting covered budgets and hiring.", "chat"),
    ("Translate 'good morning' into French", "chat"),
    ("Compose a haiku about autumn", "chat"),
    ("Rewrite this sentence to sound friendlier: Send it now.", "chat"),
    # general questions → chat
    ("What is the capital of Australia?", "chat"),
    ("Who wrote Pride and Prejudice?", "chat"),
    ("Explain how vaccines work", "chat"),
    ("Why is the sky blue?", "chat"),
    ("Who founded that company?", "chat"),
    ("Tell me a joke about cats", "chat"),
    ("What is the function of the liver?", "chat"),
    ("When did the Second World War end in 1945 or 1946?", "chat"),
    ("What was the population of France in 2020?", "chat"),
    # near misses: words of an intent in a general question
    ("Who is the prime minister of Canada?", "chat"),
    ("What is the time complexity of quicksort?", "chat"),
    ("What is reverse osmosis?", "chat"),
    ("Who won the 2020-2021 Premier League?", "chat"),
    ("What day did the Berlin Wall fall?", "chat"),
    ("How many words does the English language have?", "chat"),
    ("What is a palindrome?", "chat"),
    ("Even in 1990, were phones common?", "chat"),
    # number words in prose are no sum
    ("Who is the one who wrote Hamlet?", "chat"),
    ("Tell me one fun fact", "chat"),
    ("What is the capital of France?", "chat"),
    ("Which one of the Beatles played the drums?", "chat"),
    ("Name three countries in South America", "chat"),
    ("Sum up the plot of Hamlet in two sentences", "chat"),
    ("Take two tablets from the box with water", "chat"),
    ("What happened in the first half of 2020?", "chat"),
    ("What is the difference between 4G and 5G?", "chat"),
    ("How many times has one team won the World Cup twice in a row?", "chat"),
    # several steps → team
    pytest.param(
        "First find the sales figures, then compare them with last year's", "team", marks=NEEDS_TEAM
    ),
    pytest.param(
        "Look up the rainfall data and then write a short report", "team", marks=NEEDS_TEAM
    ),
]


@pytest.mark.parametrize(("prompt", "engine"), TABLE)
def test_auto_sends_each_prompt_where_a_person_would(prompt: str, engine: str) -> None:
    chosen = auto_route(prompt)
    assert chosen.engine == engine, chosen.reason
    assert chosen.reason.startswith("auto: ") and chosen.reason.endswith(f"→ {engine}")


def test_the_table_covers_every_intent_and_has_forty_prompts() -> None:
    assert len(TABLE) >= 40
    prompts = [case[0] if isinstance(case, tuple) else case.values[0] for case in TABLE]
    seen = {intent.name for p in prompts if (intent := intent_of(str(p))) is not None}
    assert seen == {intent.name for intent in INTENTS}


@pytest.mark.parametrize(
    ("prompt", "need"),
    [
        ("What is 23% of 4,180?", "unwanted"),
        ("What time is it?", "unwanted"),
        ("List the prime numbers below 30", "unwanted"),
        ("What does my contract say about notice periods?", "wanted"),
        ("What is the capital of Australia?", "maybe"),
        ("Write a poem about the sea", "maybe"),
    ],
)
def test_intent_says_whether_documents_can_help(prompt: str, need: str) -> None:
    assert knowledge_for(prompt) == need
    # The user's own choice of engine keeps the intent's view of documents.
    assert route("chat", prompt).knowledge == need


@pytest.mark.parametrize(
    "prompt",
    [
        "Find the invoice from March",
        "Compare the two plans and list the differences",
        "Look up the meeting room booking",
    ],
)
def test_a_prompt_with_cues_but_no_sure_rule_is_left_to_the_model(prompt: str) -> None:
    chosen = auto_route(prompt)
    assert not chosen.sure and chosen.engine == "chat"


@pytest.mark.parametrize(
    "prompt",
    [
        "Who painted the Mona Lisa?",
        "Tell me one fun fact about owls",
        "Who is the one who wrote Hamlet?",
        "No one knows where the Seven Dwarfs live",
        "Give me three reasons to learn French",
    ],
)
def test_a_plain_question_is_sure_and_needs_no_model_call(prompt: str) -> None:
    route = auto_route(prompt)
    assert route.sure and route.engine == "chat"
    # Said as what the rule knows: chat may still find passages in the documents for it.
    assert route.reason == "auto: no tool is needed → chat"


def test_a_number_in_words_is_a_cue_like_one_in_digits() -> None:
    """Several number words together are a number: the model may decide, as with digits."""
    assert not auto_route("If I have 25 apples and eat 7, how many are left?").sure
    assert not auto_route("If I have twenty-five apples and eat seven, how many are left?").sure


@pytest.mark.parametrize(
    "prompt",
    [
        "What is seven hundred and twelve multiplied by thirty-eight?",
        "Divide nine thousand nine hundred by twelve.",
        "Add up three hundred sixty-five, two hundred forty and fifty-eight.",
    ],
)
def test_a_sum_in_words_is_pure_computation(prompt: str) -> None:
    assert knowledge_for(prompt) == "unwanted"
    assert pure_computation(prompt)


def test_a_document_named_without_my_is_used_only_when_relevant() -> None:
    """'the paper' may be anyone's: passages go in only above the cut-off, never forced."""
    assert auto_route("Who wrote the paper on special relativity?").knowledge == "maybe"
    assert auto_route("What does the handbook say about holidays?").knowledge == "maybe"


def test_writing_from_the_users_documents_still_wants_them() -> None:
    chosen = auto_route("Summarize the report I uploaded")
    assert chosen.engine == "chat" and chosen.knowledge == "wanted"


# Date and time questions in many wordings: the clock and the calendar tool (single), never
# the user's documents.
DATE_QUESTIONS = [
    # what time, day, date, week, month or year it is
    "Which day of the week is it today?",
    "What day is it today?",
    "what's today's date",
    "Today's date?",
    "What is the date today?",
    "Can you tell me the date?",
    "Do you know what day it is?",
    "What month is it?",
    "What year is it now?",
    "Which week of the year is it?",
    "What week number is it?",
    "What's the time?",
    "What time is it right now?",
    "Is today Friday?",
    "Is it the weekend?",
    "Tell me the current date and time",
    "What day will it be tomorrow?",
    "What was yesterday's date?",
    "What's today?",
    "What day of the month is it?",
    # a date some days, weeks or months from a day
    "What date will it be 45 days from today?",
    "What's the date in 3 weeks?",
    "What day of the week will it be in 100 days?",
    "Which date is 90 days after 1 March 2026?",
    "What was the date 10 days ago?",
    "What date is two weeks before Christmas?",
    "Add 30 days to 15 January 2026",
    "6 months from now, what date is it?",
    "What's 45 days from today?",
    "What's the date next Friday?",
    "100 days after 3/3/2026?",
    # days between two days, until or since one
    "How many days are there from 3 March 2026 to 14 July 2026?",
    "How many days between 1 January and 1 March 2026?",
    "Count the days between 2026-01-01 and 2026-02-01",
    "How many weeks until 1 June?",
    "How long is it from 3 March 2026 to 14 July 2026?",
    "Number of days from 1 May 2026 to 25 December 2026",
    "How many days since 1 January 2026?",
    "How many days left until New Year?",
    "How long until Christmas?",
    "How long until the end of the year?",
    "How many days until Friday?",
    "How long ago was 1 January 2000?",
    # the weekday of a day
    "On which day of the week did 29 February 2024 fall?",
    "What day of the week was 1 January 2000?",
    "What weekday is 2026-03-03?",
    "Which day was 3/3/2026?",
    "What day is Christmas this year?",
    "Was 1 May 2026 a Friday?",
    "Is 4 July 2027 on a weekend?",
    "What day does 25 December 2026 fall on?",
    "March 3, 2026: what day of the week is that?",
]


@pytest.mark.parametrize("prompt", DATE_QUESTIONS)
def test_date_and_time_questions_go_to_the_clock_and_calendar(prompt: str) -> None:
    chosen = auto_route(prompt)
    assert intent_of(prompt) is CLOCK, chosen.reason
    assert chosen.engine == "single" and chosen.knowledge == "unwanted"


@pytest.mark.parametrize(
    ("prompt", "engine"),
    [
        # general knowledge about days and dates: the model knows, no clock can tell
        ("What is the date of the French Revolution?", "chat"),
        ("What day did the Berlin Wall fall?", "chat"),
        ("When is Christmas?", "chat"),
        ("What year did the Titanic sink?", "chat"),
        ("How long ago did the dinosaurs die out?", "chat"),
        ("What time does the sun set in summer?", "chat"),
        ("What should I cook today?", "chat"),
        ("What is the capital of France today?", "chat"),
        ("How many days does it take to sail across the Atlantic?", "chat"),
        ("What day of the week is best for a wedding?", "chat"),
        ("What was the population of France 10 years ago?", "chat"),
        ("How long until the pasta is done?", "chat"),
        ("How long does it take to bake bread on a Friday?", "chat"),
        ("Who was president in March 1990?", "chat"),
        ("What happened on 4 July 1776?", "chat"),
        # other intents that mention days
        ("Write a to-do list for today", "chat"),
        ("Write a poem about Monday 3 March 2026", "chat"),
        ("When was the contract in my documents signed?", "chat"),
        ("How many days until the deadline in my notes?", "chat"),
        ("What date is the launch according to my notes?", "chat"),
        code("Write a Python function that returns the weekday of a date"),
        ("Remember that my dentist appointment is on 3 March 2026", "single"),
        ("What is 17 * 23?", "single"),
    ],
)
def test_days_and_dates_in_other_questions_are_not_the_clock(prompt: str, engine: str) -> None:
    chosen = auto_route(prompt)
    assert intent_of(prompt) is not CLOCK, chosen.reason
    assert chosen.engine == engine, chosen.reason


def test_a_date_question_about_the_users_documents_wants_them() -> None:
    chosen = auto_route("When was the contract in my documents signed?")
    assert chosen.knowledge == "wanted"


@pytest.mark.parametrize(
    ("prompt", "tools"),
    [
        ("Which day of the week is it today?", ("current_time", "calendar")),
        ("What is 23% of 4,180?", ("calculator",)),
        (
            "Save this list to groceries.txt",
            ("list_files", "read_file", "write_file", "calculator"),
        ),
        ("What is the capital of Australia?", ()),
        ("Remember that my dentist is on Friday", ()),
    ],
)
def test_the_tools_an_intent_needs_in_auto_and_for_the_agent_chosen_by_hand(
    prompt: str, tools: tuple[str, ...]
) -> None:
    assert auto_route(prompt).tools == tools
    # The agent chosen by hand gets the same; the other engines are given no subset.
    assert route("single", prompt).tools == tools
    assert route("team", prompt).tools == route("chat", prompt).tools == ()


@pytest.mark.parametrize(
    "prompt",
    [
        "Using the Marrowgate policy's mileage rate, how much is reimbursed for a 265 km drive?",
        "What would the Fenwick R7 cost with 15% off its list price?",
        "How much is 8% tax on my rent?",
        "And how much is that for a 6-day trip?",
        "What is twelve percent of our annual budget?",
    ],
)
def test_a_sum_missing_a_number_may_look_it_up_in_the_documents(prompt: str) -> None:
    chosen = auto_route(prompt)
    assert chosen.engine == "single" and chosen.knowledge == "maybe"
    assert chosen.tools == ("calculator", "search_knowledge")


@pytest.mark.parametrize(
    "prompt",
    [
        "What is 23% of 4,180?",
        "What is 6 times 7?",
        "What is the square root of 2?",
        "What is nineteen squared?",
        "Divide nine thousand nine hundred by twelve.",
    ],
)
def test_a_sum_that_gives_its_numbers_needs_no_documents(prompt: str) -> None:
    chosen = auto_route(prompt)
    assert chosen.engine == "single" and chosen.knowledge == "unwanted"
    assert chosen.tools == ("calculator",)


FILE_QUESTION = "How many units did the north region sell according to sales.csv in my workspace?"


def said(*questions: str) -> list[dict[str, str]]:
    turns = []
    for question in questions:
        turns += [{"role": "user", "content": question}, {"role": "assistant", "content": "120."}]
    return turns


def test_a_follow_up_goes_where_the_question_it_follows_went() -> None:
    follow = "And the west region?"
    picked = follow_up_route(auto_route(follow), follow, said(FILE_QUESTION))
    assert picked.engine == "single" and "follow-up" in picked.reason
    assert "read_file" in picked.tools


def test_a_follow_up_keeps_its_own_route_when_it_has_one_or_the_last_had_none() -> None:
    own = "And what is 15% of 80?"
    assert follow_up_route(auto_route(own), own, said(FILE_QUESTION)) == auto_route(own)
    follow = "And the west region?"
    general = said("What is the largest ocean on Earth?")
    assert follow_up_route(auto_route(follow), follow, general) == auto_route(follow)
    # A question that stands alone is not a follow-up.
    alone = "What is the capital of Peru?"
    assert follow_up_route(auto_route(alone), alone, said(FILE_QUESTION)) == auto_route(alone)
