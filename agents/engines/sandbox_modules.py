"""Standard modules the sandbox's interpreter lacks, handed in as host modules.

Each is a few pure functions of the app's own standard library behind a check of their
arguments: only numbers, text and lists of them go in, bounded in size, and only numbers, text
and lists come back. Nothing else of the app is reachable through them.
"""

from __future__ import annotations

import statistics
import string
import textwrap
from collections.abc import Callable
from typing import Any

# The longest list of numbers or text a host function takes.
MAX_ITEMS = 1_000_000
MAX_TEXT_CHARS = 1_000_000


def _numbers(name: str, data: Any) -> list[float | int]:
    if not isinstance(data, list | tuple):
        raise TypeError(f"{name}() takes a list of numbers, not {type(data).__name__}")
    if len(data) > MAX_ITEMS:
        raise ValueError(f"{name}() takes at most {MAX_ITEMS:,} numbers")
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in data):
        raise TypeError(f"{name}() takes a list of numbers only")
    return list(data)


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}() takes text, not {type(value).__name__}")
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"{name}() takes at most {MAX_TEXT_CHARS:,} characters")
    return value


def _width(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10_000:
        raise ValueError(f"{name}() takes a width from 1 to 10,000")
    return value


def _over_numbers(function: Callable[..., Any]) -> Callable[..., Any]:
    name = function.__name__

    def call(data: Any) -> Any:
        try:
            return function(_numbers(name, data))
        except statistics.StatisticsError as error:
            raise ValueError(str(error)) from None

    call.__name__ = name
    return call


def _quantiles(data: Any, n: int = 4) -> list[float]:
    if not isinstance(n, int) or not 1 <= n <= 1000:
        raise ValueError("quantiles() takes n from 1 to 1000")
    try:
        return statistics.quantiles(_numbers("quantiles", data), n=n)
    except statistics.StatisticsError as error:
        raise ValueError(str(error)) from None


def _wrap(text: Any, width: int = 70) -> list[str]:
    return textwrap.wrap(_text("wrap", text), _width("wrap", width))


def _fill(text: Any, width: int = 70) -> str:
    return textwrap.fill(_text("fill", text), _width("fill", width))


def _shorten(text: Any, width: int, placeholder: str = " [...]") -> str:
    return textwrap.shorten(
        _text("shorten", text), _width("shorten", width), placeholder=_text("shorten", placeholder)
    )


def _dedent(text: Any) -> str:
    return textwrap.dedent(_text("dedent", text))


def _indent(text: Any, prefix: Any) -> str:
    return textwrap.indent(_text("indent", text), _text("indent", prefix)[:100])


def _capwords(text: Any, sep: str | None = None) -> str:
    return string.capwords(_text("capwords", text), None if sep is None else _text("capwords", sep))


def _lines(name: str, data: Any) -> list[str]:
    """Text, or a list of lines, as lines: what csv reads."""
    if isinstance(data, str):
        return _text(name, data).splitlines(keepends=True)
    if not isinstance(data, list | tuple) or not all(isinstance(line, str) for line in data):
        raise TypeError(f"{name}() takes text or a list of lines")
    if len(data) > MAX_ITEMS or sum(len(line) for line in data) > MAX_TEXT_CHARS:
        raise ValueError(f"{name}() takes at most {MAX_TEXT_CHARS:,} characters")
    return list(data)


def _string_io(text: Any = "") -> list[str]:
    """``io.StringIO(text)`` as the lines of ``text``: what csv.reader and a for loop read
    (there is no file object in the sandbox)."""
    return _lines("StringIO", text)


STATISTICS = {
    function.__name__: _over_numbers(function)
    for function in (
        statistics.mean,
        statistics.fmean,
        statistics.median,
        statistics.median_low,
        statistics.median_high,
        statistics.mode,
        statistics.multimode,
        statistics.stdev,
        statistics.pstdev,
        statistics.variance,
        statistics.pvariance,
        statistics.geometric_mean,
        statistics.harmonic_mean,
    )
} | {"quantiles": _quantiles}
STRING = {
    name: getattr(string, name)
    for name in (
        "ascii_letters",
        "ascii_lowercase",
        "ascii_uppercase",
        "digits",
        "hexdigits",
        "octdigits",
        "punctuation",
        "whitespace",
        "printable",
    )
} | {"capwords": _capwords}
TEXTWRAP = {
    "wrap": _wrap,
    "fill": _fill,
    "shorten": _shorten,
    "dedent": _dedent,
    "indent": _indent,
}
# A table read with read_file is text; io.StringIO(text), the way people hand text to the
# interpreter's own csv module, gives its lines.
IO = {"StringIO": _string_io}

HOST_MODULES: dict[str, dict[str, Any]] = {
    "io": IO,
    "statistics": STATISTICS,
    "string": STRING,
    "textwrap": TEXTWRAP,
}


def host_modules() -> dict[str, Any]:
    """The host modules as the interpreter takes them (``external_modules`` of a session)."""
    from pydantic_monty import ExternalModule

    return {name: ExternalModule(dict(attrs)) for name, attrs in HOST_MODULES.items()}
