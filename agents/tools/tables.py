"""Column figures for a table read from a file, so a small model need not add up rows itself.

A model reading ``sales.csv`` to answer "which region sold the most?" or "what is the total?"
has to compare or sum numbers it sees as text, which small models get wrong. ``read_file``
therefore appends, for a CSV or TSV file, each numeric column's count, total, mean, smallest
and largest value, naming the row each extreme is in. The figures are computed exactly here;
the file's text is still given in full above them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t"}
# Beyond this many rows the summary is still right, but the text above it is cut by read_file.
MAX_ROWS = 100_000
MAX_COLUMNS = 50
# "1,234.5", "€ 12", "12 %", "-3": the characters a number in a table may carry.
_NOISE = re.compile(r"[\s\u00a0$€£¥%]|(?<=\d),(?=\d{3}(?:\D|$))")


@dataclass(frozen=True)
class Column:
    name: str
    values: list[tuple[Decimal, str]]  # (value, the row's label)


def number(cell: str) -> Decimal | None:
    """The number a table cell holds ("1,234.50", "€12", "15 %"), or None."""
    text = _NOISE.sub("", cell.strip())
    if not text or not re.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _shown(value: Decimal) -> str:
    """``value`` as a person writes it: no exponent, no trailing zeros, thousands separated."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rows(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for row in reader:
        if any(cell.strip() for cell in row):
            cells = [cell.strip() for cell in row]
            if delimiter == ";":  # "19,5" is nineteen and a half there
                cells = [re.sub(r"^([-+]?\d+),(\d+)$", r"\1.\2", cell) for cell in cells]
            rows.append(cells)
        if len(rows) > MAX_ROWS:
            break
    return rows


def _label_at(rows: list[list[str]]) -> int | None:
    """The first column holding text, which names each row ("region"); else the first column
    ("year"), unless that is the only one."""
    header, body = rows[0], rows[1:]
    text_column = next(
        (i for i in range(len(header)) if any(number(r[i]) is None for r in body if i < len(r))),
        None,
    )
    return text_column if text_column is not None else (0 if len(header) > 1 else None)


def _columns(rows: list[list[str]], label_at: int | None) -> list[Column]:
    """The numeric columns: every non-empty cell below the header is a number."""
    header, body = rows[0], rows[1:]
    columns = []
    for index, name in enumerate(header[:MAX_COLUMNS]):
        cells = [(row[index], row) for row in body if index < len(row) and row[index]]
        parsed = [(number(cell), row) for cell, row in cells]
        if not parsed or any(value is None for value, _ in parsed):
            continue
        values = []
        for value, row in parsed:
            assert value is not None
            label = row[label_at] if label_at is not None and label_at < len(row) else ""
            values.append((value, label))
        columns.append(Column(name or f"column {index + 1}", values))
    return columns


def _where(header: str, label: str) -> str:
    return f" ({header} {label})" if label else ""


def summary(path: str, text: str) -> str | None:
    """The figures of each numeric column of a CSV/TSV ``text``; None for other files or
    text that is not a table."""
    delimiter = TABLE_SUFFIXES.get(PurePath(path).suffix.lower())
    if delimiter is None:
        return None
    first_line = text.lstrip().partition("\n")[0]
    if delimiter == "," and ";" in first_line and "," not in first_line:
        delimiter = ";"  # a CSV saved where the comma is the decimal mark
    rows = _rows(text, delimiter)
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    label_at = _label_at(rows)
    columns = _columns(rows, label_at)
    if not columns:
        return None
    label_name = rows[0][label_at] if label_at is not None else ""
    lines = [f"Column figures ({len(rows) - 1} rows, computed exactly from the file):"]
    for column in columns:
        values = [value for value, _ in column.values]
        total = sum(values, Decimal(0))
        low = min(column.values, key=lambda item: item[0])
        high = max(column.values, key=lambda item: item[0])
        mean = (total / len(values)).quantize(Decimal("0.0001")).normalize()
        lines.append(
            f"- {column.name}: total {_shown(total)}, mean {_shown(mean)}, "
            f"smallest {_shown(low[0])}{_where(label_name, low[1])}, "
            f"largest {_shown(high[0])}{_where(label_name, high[1])}"
        )
    return "\n".join(lines)
