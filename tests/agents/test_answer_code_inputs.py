"""Code output counts as evidence only when the code computed from figures the run had read."""

from __future__ import annotations

from agents.answer_code_inputs import CodeStep, founded_outputs, made_up, miscased, typed_inputs
from agents.answer_evidence import evidence_of, unfounded

# "Staff get a meal allowance of 38 euros per day; mileage is paid at 0.32 euros per km."
CSV_QUESTION = "What is the total of the units column in sales.csv in my workspace?"
PASSAGE_FIGURES = [38.0, 0.32]


def test_figures_assigned_to_names_are_the_inputs_whatever_their_shape() -> None:
    code = (
        "allowance = 100\nrate: float = -0.25\nlow, high = 3, 4500\n"
        "sales = {'north': 120, 'west': 80}\nlabel = 'x 99'\ntotal = allowance * 4\n"
    )
    assert [t.said() for t in typed_inputs(code)] == [
        "allowance = 100",
        "rate = -0.25",
        "low = 3",
        "high = 4500",
        "sales = 120",
        "sales = 80",
        "4 in allowance * 4",
    ]
    assert typed_inputs("this is not python (") == []


def test_a_figure_written_straight_into_a_sum_is_an_input_too() -> None:
    # 183 is nowhere in what was read: the code's 1098 founds nothing.
    typed = made_up("final_answer(183 * 6)", [*PASSAGE_FIGURES, 6.0])
    assert typed is not None and typed.problem() == (
        "the code used 183 in 183 * 6, a figure it had not read"
    )
    assert made_up("final_answer(38 * 6)", [*PASSAGE_FIGURES, 6.0]) is None
    # A percent's base and units of time or thousands may be written as they are.
    assert made_up("print(2749 * 15 / 100)\nprint(7200 / 3600)", [2749.0, 15.0, 7200.0]) is None


def test_one_figure_given_to_two_names_is_one_things_figure_used_for_two() -> None:
    code = "quenby = 3870000\nhollowbrook = 3870000\nprint(quenby - hollowbrook)"
    typed = made_up(code, [9415000.0, 3870000.0])
    assert typed is not None and typed.problem() == (
        "the code set quenby = 3870000 and hollowbrook = 3870000, one figure for two things"
    )
    both = "quenby = 9415000\nhollowbrook = 3870000\nprint(quenby - hollowbrook)"
    assert made_up(both, [9415000.0, 3870000.0]) is None
    # Small counts may repeat: two loops both start at 1.
    assert made_up("low = 1\nstart = 1\ntotal = 3870000", [3870000.0]) is None


def test_a_figure_the_run_never_saw_is_made_up() -> None:
    typed = made_up("allowance = 100\nprint(allowance * 4)", [*PASSAGE_FIGURES, 4.0])
    assert typed is not None and typed.said() == "allowance = 100"
    wrong_rate = made_up("rate = 0.25\nprint(rate * 265)", [*PASSAGE_FIGURES, 265.0])
    assert wrong_rate is not None and wrong_rate.raw == "0.25"


def test_figures_read_scaled_or_one_step_away_are_not() -> None:
    known = [*PASSAGE_FIGURES, 265.0, 15.0, 2749.0]
    assert made_up("allowance = 38\ndays = 4\nprint(allowance * days)", known) is None
    assert made_up("rate = 0.32\ndistance = 265", known) is None
    assert made_up("price = 2749\ndiscount = 0.15\nfactor = 0.85", known) is None
    assert made_up("share = 15 / 100\nprint(2749 * (1 - share))", known) is None
    # A percent's base is no input: typed in alone as a price, it is made up.
    assert made_up("price = 100\nprint(price * 0.85)", known) is not None


def test_outputs_stand_only_on_founded_steps_and_feed_the_steps_after() -> None:
    steps = [
        CodeStep("allowance = 38\nprint(allowance * 4)", "152\n"),
        CodeStep("total = 152\nprint(total + 38)", "190\n"),
        CodeStep("bonus = 777\nprint(bonus)", "777\n"),
    ]
    outputs, typed = founded_outputs(steps, [38.0, 4.0])
    assert outputs == ["152\n", "190\n"]
    assert typed is not None and typed.said() == "bonus = 777"


def test_an_answer_on_a_made_up_figure_is_sent_back_naming_it() -> None:
    question = "How much meal allowance does a 4-day trip get under the travel policy?"
    # Answered from passages: held to them.
    evidence = evidence_of([], [], "Staff get a meal allowance of 38 euros per day.")
    said = "allowance = 100"
    reason = unfounded(question, "It is 400 euros.", evidence, grounded=True, made_up=said)
    assert reason is not None and "400" in reason and "allowance = 100" in reason
    assert unfounded(question, "It is 152 euros.", evidence, grounded=True, made_up=said) is None


def test_a_question_figure_times_100_is_founded_only_as_a_percentage() -> None:
    question = "What share of the budget in my documents went on 4 lamps?"
    evidence = evidence_of([("search_knowledge", "The lamps took 0.4 of the budget.")], [], "")
    assert unfounded(question, "It is 400 euros.", evidence) is not None
    assert unfounded(question, "They took 40 % of it.", evidence) is None
    assert unfounded(question, "They took 40 percent of it.", evidence) is None


def test_sizes_in_a_file_listing_may_be_given_but_not_added_up() -> None:
    listing = "Files in the workspace (.):\nsales.csv (82 bytes)\nnotes.txt (18 bytes)\n"
    for evidence in (
        evidence_of([("list_files", listing)], [], ""),
        evidence_of([], [listing], ""),
    ):
        assert unfounded(CSV_QUESTION, "The units add up to 100.", evidence) is not None
        assert unfounded(CSV_QUESTION, "sales.csv is 82 bytes.", evidence) is None


def test_a_sum_missing_a_figure_is_held_to_what_was_read() -> None:
    question = "What would the Fenwick R7 cost with 20% off its list price?"
    nothing = evidence_of([], [], "")
    reason = unfounded(question, "It would cost 80.0.", nothing, made_up="list_price = 100")
    assert reason is not None and "list_price = 100" in reason
    found = evidence_of([("search_knowledge", "Its list price is 2,749 euros.")], [], "")
    assert unfounded(question, "It would cost 2,199.20 euros.", found) is None
    # A sum the question gives in full is not held to anything.
    assert unfounded("What is 80% of 250?", "It is 200.", nothing, made_up="x = 250") is None


def test_a_value_compared_in_another_case_than_the_data_writes_it_is_named() -> None:
    read = ["region,units\nnorth,120\nwest,97\n"]
    guessed = CodeStep("print(sum(1 for r in rows if r['region'] == 'North'))", "0\n")
    assert miscased([guessed], read, "It sold 0 units.") == (
        "the code compared with 'North', but what was read writes it 'north': "
        "compare with the value as it is written"
    )
    as_written = CodeStep("print(sum(1 for r in rows if 'north' in r['region']))", "1\n")
    assert miscased([as_written], read, "1") is None
    # An answer whose figures were all read does not rest on the code's count.
    assert miscased([guessed], read, "It sold 120 units.") is None
    # A value nothing read holds in any case is no guess at a written one: "no errors" is fine.
    absent = CodeStep("print(sum('ERROR' in line for line in lines))", "0\n")
    assert miscased([absent], read, "0") is None


def test_a_character_of_a_tools_text_is_no_figure_read_from_it() -> None:
    # "[1] quenby.md ..."[1] is "1" for every search: founding years 1 and 1, 0 years apart.
    code = (
        "a = int(search_knowledge(query='Quenby founded')[1])\n"
        "b = int(search_knowledge(query='Hollowbrook founded')[1])\nfinal_answer(b - a)"
    )
    typed = made_up(code, [1998.0, 2011.0])
    assert typed is not None and typed.problem() == (
        "the code took search_knowledge(query='Quenby founded')[1], character 1 of the text "
        "search_knowledge returned, not a figure in it"
    )
    # Indexing what the code made of the text (its lines, its rows) is reading it.
    rows = "rows = read_file(path='sales.csv').splitlines()\nprint(rows[1])"
    assert made_up(rows, [120.0]) is None


def test_a_small_count_from_code_that_read_nothing_is_no_count_read_off_a_list() -> None:
    question = "How many kilns does Hollowbrook run, by my documents?"
    evidence = evidence_of([("search_knowledge", "Quenby: 1998. Hollowbrook: 2011.")], [], "")
    problem = "the code took search_knowledge(query='x')[1], character 1 ..."
    assert unfounded(question, "It runs 7 kilns.", evidence, made_up=problem) is not None
    # With no such code, a small count is read off what was read.
    assert unfounded(question, "It runs 7 kilns.", evidence) is None
