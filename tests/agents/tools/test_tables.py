"""Column figures appended to a table read by read_file: exact totals and extremes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from agents.tools.files import read_file
from agents.tools.registry import ToolContext, ToolRegistry
from agents.tools.tables import number, summary
from agents.tools.workspace import FileRoots
from backend.config import Settings


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("12", "12"),
        ("1,234.50", "1234.50"),
        ("€ 1,200", "1200"),
        ("15 %", "15"),
        ("-3.5", "-3.5"),
        ("2e3", "2E+3"),
    ],
)
def test_number_reads_what_tables_hold(cell: str, value: str) -> None:
    assert str(number(cell)) == value


@pytest.mark.parametrize("cell", ["north", "", "1,2,3", "12 apples", "1.2.3", "N/A"])
def test_number_refuses_text(cell: str) -> None:
    assert number(cell) is None


def test_summary_names_the_rows_of_the_extremes() -> None:
    text = "city,visitors,rating\nOslo,1200,4.5\nLima,3400,3.9\nPune,950,4.8\n"
    figures = summary("trips.csv", text)
    assert figures is not None
    assert "3 rows" in figures
    assert (
        "visitors: total 5,550, mean 1,850, smallest 950 (city Pune), largest 3,400 (city Lima)"
        in figures
    )
    assert (
        "rating: total 13.2, mean 4.4, smallest 3.9 (city Lima), largest 4.8 (city Pune)" in figures
    )
    assert "city:" not in figures


def test_summary_of_a_table_without_text_labels_rows_by_first_column() -> None:
    figures = summary("years.csv", "year,revenue\n2023,100\n2024,250\n2025,175\n")
    assert figures is not None
    assert (
        "revenue: total 525, mean 175, smallest 100 (year 2023), largest 250 (year 2024)" in figures
    )


def test_summary_reads_semicolons_with_decimal_commas_and_tabs() -> None:
    semicolons = summary("prices.csv", "item;price\npear;1,5\nfig;2,25\n")
    assert semicolons is not None and "price: total 3.75" in semicolons
    tabs = summary("prices.tsv", "item\tprice\npear\t1.5\nfig\t2\n")
    assert tabs is not None and "price: total 3.5" in tabs


def test_summary_skips_columns_with_text_and_non_tables() -> None:
    mixed = summary("m.csv", "name,score\nann,10\nbob,absent\n")
    assert mixed is None
    assert summary("notes.txt", "a,b\n1,2\n") is None
    assert summary("one.csv", "just one column\n5\n") is None
    assert summary("header.csv", "a,b\n") is None


def test_read_file_appends_the_figures_to_a_csv(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "sales.csv").write_text("region,units\nnorth,120\nsouth,85\neast,143\n")
    (workspace / "plain.txt").write_text("region,units\nnorth,120\n")
    roots = FileRoots(workspace, lambda: [])
    text = read_file(roots, "sales.csv")
    assert text.startswith("region,units\nnorth,120")
    assert "units: total 348" in text and "largest 143 (region east)" in text
    assert "total" not in read_file(roots, "plain.txt")


def test_code_gets_the_file_alone_and_a_repeated_call_without_a_note(
    registry: ToolRegistry, tool_settings: Settings
) -> None:
    """Code parses what read_file returns (csv.DictReader): figures or notes after the table
    would turn into rows it cannot read."""
    tool_settings.workspace_dir.mkdir(parents=True, exist_ok=True)
    table = "region,units\nnorth,120\nsouth,85\n"
    (tool_settings.workspace_dir / "sales.csv").write_text(table)
    for_code = ToolContext().as_data()
    first = registry.call("read_file", {"path": "sales.csv"}, for_code)
    again = registry.call("read_file", {"path": "sales.csv"}, for_code)
    assert first == again == table
    rows = list(csv.DictReader(io.StringIO(again)))
    assert sum(int(row["units"]) for row in rows) == 205
    # A model reading it gets the figures, and the note when it asks again.
    for_model = ToolContext()
    assert "units: total 205" in registry.call("read_file", {"path": "sales.csv"}, for_model)
    assert "called read_file" in registry.call("read_file", {"path": "sales.csv"}, for_model)
