"""Plans instead of results: an answer that only says what will be done, or what one should
do, is sent back; an answer that says how it got its result, and gives it, passes."""

from __future__ import annotations

import pytest

from agents.answer_check import check_answer
from agents.answer_plans import only_plans
from agents.answer_tool_talk import ToolOutput

PERCENT = ToolOutput("calculator", "961.4")

PLANS = [
    ("Sort this list: [5, 2, 9, 1]", "I will use the `sort` function to sort the list."),
    (
        "What is the total of the sales column in data.csv?",
        "To find this, we first need to read the file and then add the column.",
    ),
    ("Who wrote the report?", "You would need to open the report and look at the author line."),
    (
        "Which region sold the most units in sales.csv?",
        "Step 1: Read sales.csv.\nStep 2: Group the rows by region.\nStep 3: Compare the totals.",
    ),
    ("Reverse the word 'stressed'.", "I'm going to reverse the letters one by one."),
    ("What is the capital of Australia?", "Let me look that up in the documents."),
    (
        "Which files are in my workspace?",
        "First, I need to list the files in the workspace. Then I can tell you which ones.",
    ),
    (
        "Find the longest word in: apple banana cherry",
        "We need to compare the lengths of the words and pick the longest one.",
    ),
    ("What's the average of 4, 8 and 15?", "I'll add the three numbers and divide by 3."),
    (
        "How many vowels are in 'banana'?",
        "To count them, go through each letter and count a, e, i, o and u.",
    ),
    ("What day of the week was 4 July 1976?", "One would check a calendar for that date."),
    ("Convert 5 miles to kilometres.", "You need to multiply the miles by 1.609."),
    (
        "What is the population of the town in town.md?",
        "I am going to read town.md and find the population figure. This will give us the answer.",
    ),
    (
        "Which product sold best last month?",
        "Here is the plan:\n1. Open the sales report.\n2. Sort the products by units sold.\n"
        "3. Pick the top one.",
    ),
    ("Who owns the follow-up?", "I\u2019ll search the meeting notes for the owner\u2019s name."),
    ("Which file is the biggest?", "- List the files\n- Compare their sizes"),
    ("What year was the company founded?", "You could check the company's about page for that."),
]

RESULTS = [
    ("What is 23% of 4,180?", "I used the calculator: 23% of 4,180 is 961.4.", [PERCENT]),
    ("What is 23% of 4,180?", "I will use the calculator: 23% of 4,180 is 961.4.", [PERCENT]),
    ("Reverse the word 'hello'.", "To reverse it, read it backwards: olleh.", []),
    (
        "How do I sort a list in Python?",
        "You would use the built-in sorted() function: it returns a new list in order.",
        [],
    ),
    (
        "How can I find the total of a column?",
        "You need to add up every value in the column; a spreadsheet's sum function does it.",
        [],
    ),
    ("Sort these numbers: 42, 7, 19", "I'll sort them in ascending order: 7, 19, 42.", []),
    ("What's the average of 4, 8 and 15?", "I'll add them and divide by 3, which gives 9.", []),
    ("Who wrote the report?", "Let me check the title page. It was written by Mara Quist.", []),
    ("Which files are in my workspace?", "I'll list them:\n- notes.txt\n- report.pdf", []),
    ("Is 17 a prime number?", "Let me think. Yes, 17 is prime.", []),
    ("Reverse the word 'stressed'.", "I will write it backwards. The result is desserts.", []),
    (
        "What should I do first to set up the project?",
        "You need to install the dependencies, then run the migrations.",
        [],
    ),
    (
        "Remember that my favourite colour is green.",
        "I'll remember that your favourite colour is green.",
        [],
    ),
    ("Can you help me plan a trip?", "I'd be happy to help. Where would you like to go?", []),
    ("What will you do with my file?", "I will read it and summarize the main points.", []),
    (
        "Which is better for a beginner, Python or Rust?",
        "I would recommend Python: it is easier to read.",
        [],
    ),
    ("Should I bring an umbrella?", "You should bring one; rain is likely this afternoon.", []),
    ("Thanks!", "You're welcome! Let me know if you need anything else.", []),
    ("What's the sum of 2 and 3?", "We need to add 2 and 3, which makes 5.", []),
    (
        "Explain how a hash map finds a key.",
        "First, it computes the key's hash. Then it looks in that bucket for the key.",
        [],
    ),
    (
        "Write a Python function that doubles a number.",
        "I'll write it like this:\n```python\ndef double(x):\n    return 2 * x\n```",
        [],
    ),
    ("What are the steps to reset my password?", "You need to open Settings first.", []),
    ("Reverse 'abc'", "I'll reverse it to get cba.", []),
    ("Write a short poem about the sea", "I will sing of waves that roll and break.", []),
    ("What's a good name for a cat?", "I would go with Whiskers.", []),
    ("Sort [3, 1, 2]", "Sure, I will sort it: [1, 2, 3].", []),
    ("Which do you recommend?", "I'd go with the second option: it's cheaper and faster.", []),
    ("What should the function be called?", "You could call it parse_dates.", []),
]


@pytest.mark.parametrize(("question", "answer"), PLANS)
def test_a_plan_without_a_result_is_sent_back(question: str, answer: str) -> None:
    found = check_answer(question, answer)
    assert found is not None and "give the result itself" in found, found


@pytest.mark.parametrize(("question", "answer", "tools"), RESULTS)
def test_a_method_with_its_result_or_for_a_how_to_passes(
    question: str, answer: str, tools: list[ToolOutput]
) -> None:
    assert check_answer(question, answer, tools) is None


def test_numbers_only_named_in_the_plan_are_no_result() -> None:
    # "by 3" is how; "gives 9" and "is 9" are what.
    question = "What's the average of 4, 8 and 15?"
    assert only_plans(question, "We need to divide the sum by 3.")
    assert not only_plans(question, "We need to divide the sum by 3: that is 9.")
    assert not only_plans(question, "We need to divide the sum by 3 to get 9.")
