"""Answers about the user's files and documents must stand on what the run read."""

from __future__ import annotations

from agents.answer_evidence import (
    Evidence,
    evidence_of,
    unfounded,
    unfounded_quote,
)
from agents.answer_files import dropped_files, misplaced_write, unread, unread_named
from agents.answer_gate import written_paths
from agents.events import RunEvent

CSV_QUESTION = "What is the total of the units column in sales.csv in my workspace?"
CSV = "region,units\nnorth,120\nsouth,95\nwest,80\nunits: total 295, mean 98.33"
DOC_QUESTION = "What was the revenue per employee according to my documents?"


def read(*pairs: tuple[str, str]) -> Evidence:
    return evidence_of(list(pairs), [], "")


def test_a_number_nothing_holds_is_named_with_how_to_fix_it() -> None:
    reason = unfounded(CSV_QUESTION, "The total is 12,345 units.", read(("read_file", CSV)))
    assert reason is not None and "12,345" in reason and "none of the tool results" in reason


def test_numbers_the_evidence_holds_pass_as_written_rounded_or_as_percentages() -> None:
    evidence = read(("read_file", CSV), ("calculator", "60468.75"), ("calculator", "0.125"))
    assert unfounded(CSV_QUESTION, "The total is 295 units.", evidence) is None
    assert unfounded(DOC_QUESTION, "About 60,469 euros per employee.", evidence) is None
    assert unfounded(DOC_QUESTION, "It is 60,468.8 euros.", evidence) is None
    assert unfounded(DOC_QUESTION, "A share of 12.5 %.", evidence) is None
    assert unfounded(DOC_QUESTION, "It is 60,470 euros.", evidence) is not None


YEARS_QUESTION = "How many years before Hollowbrook was Quenby founded?"


def years_before(years: int, evidence: Evidence) -> str | None:
    """Why "Quenby was founded {years} years before." is refused, answered from passages."""
    said = f"Quenby was founded {years} years before."
    return unfounded(YEARS_QUESTION, said, evidence, grounded=True)


def test_passage_and_chunk_labels_are_no_figures_of_what_was_read() -> None:
    evidence = read(
        (
            "search_knowledge",
            "[1] quenby.md (document 2, chunk 2)\nQuenby was founded in 1998.\n\n"
            "[2] hollowbrook.md (document 3, chunk 3)\nHollowbrook was founded in 2011.",
        )
    )
    # 1 + 2 and 3 - 2 are label arithmetic, not a difference of founding years.
    assert years_before(3, evidence) is not None
    assert years_before(13, evidence) is None
    # Nor is a zero a rounded 0.01.
    assert years_before(0, evidence) is not None


def test_a_small_figure_is_not_founded_by_rounding_a_pair_of_unrelated_ones() -> None:
    hits = (
        "Quenby was founded in 1998 and has 112 staff. Hollowbrook was founded in 2011.\n"
        "Claims within 30 days; a trip of 630 km; 85 units; a rate of 23.4."
    )
    evidence = read(("search_knowledge", hits))
    # (112 + 630) / 100 = 7.42 and 23.4 * 30 / 100 = 7.02 are no "7 years"; 630 / 100 = 6.3
    # is no "6 years", nor is 2 * 3 of figures a difference was never asked of.
    assert years_before(7, evidence) is not None
    pairs = read(("search_knowledge", hits + "\nPages 2 and 3 list the staff."))
    assert years_before(6, pairs) is not None
    assert years_before(13, evidence) is None
    # A quotient rounded to the digits shown still counts: 1998 / 112 = 17.84.
    assert unfounded(YEARS_QUESTION, "About 17.8 years each.", evidence, grounded=True) is None


def test_a_sum_written_out_founds_its_result_and_small_counts_pass() -> None:
    evidence = read(("read_document", "Meals are paid at 38 euros a day."))
    assert unfounded(DOC_QUESTION, "38 * 6 = 228 euros for the trip.", evidence) is None
    assert unfounded(DOC_QUESTION, "That is 228 euros for the trip.", evidence) is not None
    assert unfounded(CSV_QUESTION, "There are 3 regions.", read(("read_file", CSV))) is None


def test_code_output_and_passages_are_evidence_too() -> None:
    by_code = evidence_of([("read_file", CSV)], ["295\n"], "")
    assert unfounded(CSV_QUESTION, "The units add up to 295.", by_code) is None
    grounded = evidence_of([], [], "Passage [1]: Hollowbrook employs 64 people.")
    assert unfounded(DOC_QUESTION, "It employs 64 people [1].", grounded) is None
    assert unfounded(DOC_QUESTION, "It employs 46 people [1].", grounded) is not None


def test_questions_not_about_the_users_data_are_left_alone() -> None:
    evidence = read(("calculator", "961.4"))
    assert unfounded("How many legs does a spider have?", "Eight: 8 legs.", evidence) is None
    assert unfounded("What is 23% of 4,180?", "It is 961.4.", evidence) is None
    assert unfounded(CSV_QUESTION, "The total is 12,345.", Evidence()) is None


def test_a_file_question_answered_without_reading_anything_is_refused() -> None:
    nothing = Evidence()
    reason = unread(CSV_QUESTION, nothing, passages=False, can_read=True)
    assert reason is not None and "none was read" in reason
    assert unread(CSV_QUESTION, read(("list_files", "sales.csv")), False, True) is None
    assert unread(CSV_QUESTION, nothing, passages=True, can_read=True) is None
    # An engine without file tools (plain chat) is not blamed for not reading.
    assert unread(CSV_QUESTION, nothing, passages=False, can_read=False) is None
    assert unread("What is 2 + 2?", nothing, passages=False, can_read=True) is None


def test_an_answer_from_passages_is_held_to_them_whatever_the_question_says() -> None:
    question = "What was Hollowbrook's 2025 revenue per employee, to the nearest euro?"
    passages = evidence_of([], [], "[1] Revenue in 2025 was 3,870,000 euros. It employs 64.")
    wrong = "It is 3,870,000 / 64 = 60,468.75, so 59,469 euros."
    assert unfounded(question, wrong, passages) is None  # not said to be about documents
    reason = unfounded(question, wrong, passages, grounded=True)
    assert reason is not None and "59,469" in reason
    right = "It is 3,870,000 / 64 = 60,468.75, so 60,469 euros."
    assert unfounded(question, right, passages, grounded=True) is None


LISTING = (
    "Files in the workspace (.):\nnotes/\nsales.csv (120 B)\ntodo.md (64 B)\n\n"
    "Knowledge folders (read only; use the full path):\n/home/me/inbox"
)


def test_a_list_of_files_must_name_every_file_listed() -> None:
    question = "Which files are in my workspace folder? Give their names."
    tools = [("list_files", LISTING)]
    reason = dropped_files(question, "The files are `notes/` and `sales.csv`.", tools)
    assert reason is not None and reason.endswith("todo.md")
    assert dropped_files(question, "notes, sales.csv and todo.md.", tools) is None
    # Not asked for the names, or nothing listed: nothing to hold the answer to.
    assert dropped_files("How big is sales.csv?", "120 B.", tools) is None
    assert dropped_files(question, "sales.csv", []) is None
    # A knowledge folder listed after the workspace does not change what the workspace holds.
    inbox = ("list_files", "Files in /home/me/inbox:\nreport.pdf (2 KB)\n")
    assert dropped_files(question, "notes, sales.csv and todo.md.", [*tools, inbox]) is None


def test_a_figure_one_step_from_two_seen_is_worked_out_not_made_up() -> None:
    question = "How many years before Hollowbrook Ceramics was Quenby Textiles founded?"
    passages = evidence_of(
        [], [], "[1] Quenby Textiles was founded in 1998. [2] Hollowbrook was founded in 2011."
    )
    assert unfounded(question, "Quenby is 13 years older.", passages, grounded=True) is None
    assert unfounded(question, "Quenby is 31 years older.", passages, grounded=True) is not None


def test_a_named_file_must_be_touched_by_a_file_tool() -> None:
    question = "What is the first item on the list in todo.md in my workspace?"
    searched = [("search_knowledge", '{"query": "todo.md"}')]
    found = [("search_knowledge", "[1] travel-policy.md\\nStaff get 38 euros a day.")]
    reason = unread_named(question, searched, found)
    assert reason is not None and reason.startswith("todo.md was not read")
    read_it = [*searched, ("read_file", '{"path": "todo.md"}')]
    assert unread_named(question, read_it, [*found, ("read_file", "- buy milk")]) is None
    # Found by listing (where it is, how big it is), or a question naming no file: left alone.
    listed = [("list_files", "{}")]
    listing = [("list_files", "Files in the workspace (.):\\ntodo.md (64 B)")]
    assert unread_named("How big is todo.md in my workspace?", listed, listing) is None
    # A listing says where a file is, not what it says.
    assert unread_named(question, listed, listing) is not None
    assert unread_named("What is 2 + 2?", searched, found) is None
    assert unread_named(question, [], []) is None


def test_quoted_text_about_the_users_data_must_be_in_what_was_read() -> None:
    question = "What is the first item on the list in todo.md in my workspace?"
    todo = read(("read_file", "- Buy milk\n- Call the plumber"))
    made_up = unfounded_quote(question, 'The first item is "Buy groceries".', todo, False)
    assert made_up is not None and "buy groceries" in made_up
    assert unfounded_quote(question, 'The first item is "buy milk".', todo, False) is None
    assert unfounded_quote(question, "The first item is “Buy milk”.", todo, False) is None
    region = "In sales.csv in my workspace, which region sold the most units?"
    sales = read(("read_file", CSV))
    assert unfounded_quote(region, "It is 'North America'.", sales, False) is not None
    assert (
        unfounded_quote(region, "The north region's 120 units are the most.", sales, False) is None
    )
    # Code, the run's own writing and questions not about the user's data are left alone.
    assert unfounded_quote(question, 'Run `print("hi")` to see it.', todo, False) is None
    wrote = read(("write_file", "Created poem.txt (80 characters)."))
    assert unfounded_quote("Save a poem to poem.txt", 'Saved "Ode to Rain".', wrote, False) is None
    assert unfounded_quote("Name a famous play.", '"Hamlet".', todo, False) is None


def test_a_small_difference_asked_for_is_worked_out_not_a_count() -> None:
    question = "How many years before Hollowbrook Ceramics was Quenby Textiles founded?"
    founded = evidence_of([], [], "Hollowbrook was founded in 2011. Quenby was founded in 1998.")
    assert unfounded(question, "Quenby was founded 7 years before.", founded, True) is not None
    assert unfounded(question, "Quenby was founded 13 years before.", founded, True) is None
    # A count read off what was found stays a count.
    listing = read(("list_files", "Files in the workspace (.):\na.txt\nb.txt\nc.txt"))
    assert unfounded(CSV_QUESTION, "There are 3 files.", listing) is None


def test_a_difference_asked_for_is_no_read_figure_rounded() -> None:
    passages = "Founded in 1998 and in 2011. The bike weighs 23.4 kg."
    founded = evidence_of([], [], passages)
    said = "Quenby was founded in 1998 and Hollowbrook in 2011: 23 years before."
    assert years_before(13, founded) is None
    reason = unfounded(YEARS_QUESTION, said, founded, grounded=True)
    assert reason is not None and "gives 23" in reason
    # A figure read exactly may still be given.
    assert years_before(23, evidence_of([], [], passages + " It came 23 years later.")) is None
    # Asked for a figure, not a difference, the same rounding stands.
    weight = "How much does the bike weigh according to my documents?"
    assert unfounded(weight, "About 23 kg.", founded) is None


def test_figures_written_in_millions_are_the_figures_read_rounded() -> None:
    revenue = evidence_of([], [], "Revenue in 2025 was 3,870,000 euros; Quenby's was 9,415,000.")
    for answer in ("About 3.9 million euros.", "3.87m euros.", "3,870 thousand euros."):
        assert unfounded(DOC_QUESTION, answer, revenue, grounded=True) is None, answer
    assert unfounded(DOC_QUESTION, "About 4.2 million euros.", revenue, grounded=True) is not None
    more = "How much more revenue did Quenby have than Hollowbrook?"
    assert unfounded(more, "About 5.5 million euros more.", revenue, grounded=True) is None
    assert unfounded(more, "About 6.5 million euros more.", revenue, grounded=True) is not None


def test_a_whole_number_is_a_read_figure_rounded_only_when_the_answer_says_so() -> None:
    table = read(("read_file", "region,units,unit_price\nnorth,120,19.5\nsouth,85,22.0"))
    units = "How many units did the north region sell according to sales.csv in my workspace?"
    reason = unfounded(units, "The north region sold 20 units.", table)
    assert reason is not None and "gives 20" in reason
    assert unfounded(units, "The north region sold 120 units.", table) is None
    price = "What is the unit price in the north according to sales.csv in my workspace?"
    for answer in ("About 20 euros.", "Roughly 20 euros.", "19.5 euros, so ~20."):
        assert unfounded(price, answer, table) is None, answer
    nearest = "What is the north's unit price in sales.csv in my workspace, to the nearest euro?"
    assert unfounded(nearest, "20 euros.", table) is None
    # Rounding to the decimals shown needs no word for it.
    cost = read(("calculator", "60468.75"))
    assert unfounded(DOC_QUESTION, "It is 60,468.8 euros.", cost) is None


def test_a_file_asked_for_by_its_bare_name_is_written_there_not_in_a_folder() -> None:
    ask = "Create squares.csv in my workspace with the header n,square and rows for 1 to 6."
    in_notes = ["notes/squares.csv"]
    reason = misplaced_write(ask, in_notes)
    assert reason is not None and "notes/squares.csv" in reason and "'squares.csv'" in reason
    at_top = ["./squares.csv"]
    assert misplaced_write(ask, at_top) is None
    assert misplaced_write(ask, [*in_notes, *at_top]) is None
    # A folder the question names is where the file belongs.
    for asked in (
        "Save squares.csv in the notes folder.",
        "Write notes/squares.csv with the header n,square.",
    ):
        assert misplaced_write(asked, in_notes) is None, asked
    # Not asked to write a file, or nothing written: nothing to say.
    assert misplaced_write("What is in notes/squares.csv?", in_notes) is None
    assert misplaced_write(ask, []) is None


def test_the_paths_written_are_those_given_to_write_file() -> None:
    def call(tool: str, arguments: object) -> RunEvent:
        return RunEvent("r", 1, "tool_call", "single", {"tool": tool, "arguments": arguments})

    events = [
        call("read_file", {"path": "todo.md"}),
        call("write_file", {"path": "notes/squares.csv", "content": "n,square"}),
        call("write_file", "not a mapping"),
        call("write_file", {"content": "no path"}),
        RunEvent("r", 2, "tool_result", "single", {"tool": "write_file", "result": "Created"}),
    ]
    assert written_paths(events) == ["notes/squares.csv"]
