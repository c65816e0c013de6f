"""Maths in answers, in the one spelling the Markdown renderer (remark-math, KaTeX) reads.

Models write ``\\(x\\)`` and ``\\[x\\]`` as often as ``$x$`` and ``$$x$$``; the first two become
the second two. A lone ``$`` that opens no formula, as in "$5 and $10", is escaped so prices
stay prices: like Pandoc, a formula's opening ``$`` is followed by a non-space, its closing
``$`` follows a non-space and is not followed by a digit. Code is left as it is.
"""

from __future__ import annotations

import re

# Fenced blocks and inline code spans: their text is shown as written.
_CODE = re.compile(r"(```.*?(?:```|$)|~~~.*?(?:~~~|$)|`[^`\n]*`)", re.S)
_DISPLAY = re.compile(r"\\\[(.+?)\\\]", re.S)
_INLINE = re.compile(r"\\\((.+?)\\\)", re.S)
_BLOCK_DOLLARS = re.compile(r"\$\$.+?\$\$", re.S)
# $$…$$ alone on one line: meant as a formula of its own.
_LONE_BLOCK = re.compile(r"^([ \t]*)\$\$([^\n]+?)\$\$[ \t]*$", re.M)
_INLINE_DOLLARS = re.compile(r"(?<![\\$])\$(?=[^\s$])((?:\\\$|[^$\n])*?[^\s\\$])\$(?![\d$])")


def math_markup(text: str) -> str:
    """``text`` with every formula in dollar delimiters and every other ``$`` escaped."""
    pieces = _CODE.split(text)
    return "".join(piece if index % 2 else _prose(piece) for index, piece in enumerate(pieces))


def _display(formula: str) -> str:
    # remark-math shows a formula on its own only when its $$ stand on lines of their own.
    return f"\n$$\n{formula.strip()}\n$$\n"


def _prose(text: str) -> str:
    text = _DISPLAY.sub(lambda m: _display(m.group(1)), text)
    text = _INLINE.sub(lambda m: f"${m.group(1).strip()}$", text)
    text = _LONE_BLOCK.sub(lambda m: m.group(1) + _display(m.group(2)).strip("\n"), text)
    out: list[str] = []
    for index, piece in enumerate(_split_keep(_BLOCK_DOLLARS, text)):
        out.append(piece if index % 2 else _inline(piece))
    return "".join(out)


def _inline(text: str) -> str:
    out: list[str] = []
    for index, piece in enumerate(_split_keep(_INLINE_DOLLARS, text)):
        out.append(piece if index % 2 else re.sub(r"(?<!\\)\$", r"\\$", piece))
    return "".join(out)


def _split_keep(pattern: re.Pattern[str], text: str) -> list[str]:
    """``text`` cut around each match of ``pattern``: odd items are the matches."""
    pieces, cursor = [], 0
    for match in pattern.finditer(text):
        pieces += [text[cursor : match.start()], match.group()]
        cursor = match.end()
    return [*pieces, text[cursor:]]
