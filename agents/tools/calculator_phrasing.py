"""Everyday arithmetic as the calculator's expression: what people (and small models) type,
like "What is 23% of 4,180?", "sqrt of 2", "6 times 7", "2^10", "increase 200 by 10%",
"seven hundred and twelve multiplied by thirty-eight" or "the sum of 365, 240 and 58".

Only the text is rewritten here; nothing runs. A percentage becomes ``percent(x)``, which the
calculator reads in context ("x% of y", "y + x%"). Parentheses are matched in one pass and
word patterns start only at word starts, so a long input cannot make the rewriting itself slow
(``bench/calculator.py`` times 1,000 characters of junk: under 3 ms).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agents.number_words import to_digits

# Functions whose commas always separate arguments ("max(100,200)" is two numbers).
MANY_ARGUMENTS = frozenset({"min", "max"})
ONE_ARGUMENT = (
    "sqrt",
    "cbrt",
    "factorial",
    "abs",
    "log10",
    "log",
    "exp",
    "sin",
    "cos",
    "tan",
    "floor",
    "ceil",
)

# Written as escapes: many of these look like ASCII operators and letters.
_SYMBOLS = {
    "\u00d7": "*",  # multiplication sign
    "\u2715": "*",  # multiplication x
    "\u2217": "*",  # asterisk operator
    "\u00b7": "*",  # middle dot
    "\u22c5": "*",  # dot operator
    "\u00f7": "/",  # division sign
    "\u2215": "/",  # division slash
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "^": "**",
    "\u00b2": "**2",  # superscript two
    "\u00b3": "**3",  # superscript three
    "\u03c0": "pi",
    "\uff05": "%",  # full-width percent sign
}
_CURRENCY = re.compile(r"[$€£¥₹]")
# Spaces some locales group digits with: "4 180" (no-break or thin space).
_GROUPED_BY_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f\u2009](?=\d{3}\b)")

_LEAD = re.compile(
    r"^(?:(?:please|can you|could you|would you|hey|so|now|then|ok|okay)\s*,?\s+)*"
    r"(?:(?:what(?:'s|\s+is|s|\s+does|\s+do)|how\s+much\s+is|calculate|compute|evaluate|"
    r"work\s+out|figure\s+out|find|solve|tell\s+me|give\s+me)\b\s*:?\s*)?"
)
# A "!" right after a number or ")" is a factorial, not the end of a sentence.
_TRAIL = re.compile(r"(?:\s*(?:please|exactly|equals?|=|\?|(?<![\d)])!|\.(?!\d)))+\s*$")

# (pattern, replacement), applied in order; words first, then what they leave behind.
_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"\b(?:per\s*cent|pct|percentage)\b(?!\()", "%"),
        (r"\b(?:raised\s+)?to\s+the\s+(?:power\s+of|power)\b", "**"),
        (r"\braised\s+to\b", "**"),
        (r"\bsquared\b", "**2"),
        (r"\bcubed\b", "**3"),
        (r"\bcube\s+root(?:\s+of)?\b", "cbrt"),
        (r"\b(?:square\s+root|sqrt|root)(?:\s+of)?\b", "sqrt"),
        (r"\bfactorial\s+of\b", "factorial"),
        (r"\b(\d+)\s+factorial\b", r"factorial(\1)"),
        (r"\bmultiplied\s+by\b|\btimes\b", "*"),
        (r"\bdivided\s+by\b|\bover\b", "/"),
        (r"\bplus\b|\badded\s+to\b", "+"),
        (r"\bminus\b", "-"),
        (r"\bmod(?:ulo)?\b", " mod "),
        (r"\bhalf\s+of\b", "0.5 *"),
        (r"\b(?:a|one)\s+third\s+of\b", "1/3 *"),
        (r"\b(?:a|one)\s+quarter\s+of\b", "0.25 *"),
        (r"\bthree\s+quarters\s+of\b", "0.75 *"),
        # "3/4 of 100", "0.2 of 50": a fraction of something is a product.
        (r"(\d\s*/\s*\d+|\d*\.\d+)\s+of\b", r"\1 *"),
        (r"\btwice\b", "2 *"),
        (r"\bthe\b", " "),
    ]
]
# A list of numbers to add, multiply or average: "add up 365, 240 and 58", "the mean of 4, 8 and
# 15". Its items are apart by ", " or " and " ("4,180" is one number).
_LIST = re.compile(
    r"^(?P<verb>add(?:\s+up|\s+together)?|sum(?:\s+up)?(?:\s+of)?|total(?:\s+of)?|product\s+of|multiply|"
    r"average\s+of|mean\s+of)\s+(?P<items>.+)$"
)
_ITEM_SEPARATOR = re.compile(r",\s+(?:and\s+)?|,?\s+and\s+")
# Instructions with the operation as a verb: "divide 10 by 4", "subtract 3 from 10".
_VERBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"^(?:add|sum(?:\s+of)?)\s+(.+?)\s+(?:and|to)\s+(.+)$", r"(\1) + (\2)"),
        (r"^(?:subtract|take(?:\s+away)?)\s+(.+?)\s+(?:away\s+)?from\s+(.+)$", r"(\2) - (\1)"),
        (r"^(?:difference\s+between)\s+(.+?)\s+and\s+(.+)$", r"(\1) - (\2)"),
        (r"^multiply\s+(.+?)\s+(?:by|and|with)\s+(.+)$", r"(\1) * (\2)"),
        (r"^product\s+of\s+(.+?)\s+and\s+(.+)$", r"(\1) * (\2)"),
        (r"^divide\s+(.+?)\s+by\s+(.+)$", r"(\1) / (\2)"),
        (r"^(?:quotient\s+of)\s+(.+?)\s+and\s+(.+)$", r"(\1) / (\2)"),
    ]
]
_INCREASE = re.compile(
    r"\b(increase|raise|decrease|reduce|lower)\s+(.+?)\s+by\s+(\S+\s*%)(?=\s*$|\s*\))"
)
# (?<!\S) starts a word only where a word starts, which keeps these linear.
_CHANGED_BY = re.compile(r"(?<!\S)(\S+)\s+(increased|decreased|reduced|raised)\s+by\s+(\S+\s*%)")
_MORE_LESS = re.compile(r"(?<!\S)(\S+\s*%)\s+(more|less)\s+than\s+(.+)$")
_OFF = re.compile(r"(?<!\S)(\S+\s*%)\s+off\s+(.+)$")
_LESS = frozenset({"decrease", "reduce", "lower", "decreased", "reduced", "less"})
_SHARE = re.compile(r"^(.+?)\s+is\s+what\s+%\s+of\s+(.+)$")
_SHARE_ASKED = re.compile(r"^what\s+%\s+of\s+(.+?)\s+is\s+(.+)$")
_SHARE_AS = re.compile(r"^(.+?)\s+as\s+a\s+%\s+of\s+(.+)$")

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?"
# A percent sign is a percentage when "of" or no operand follows it; "7 % 3" is modulo.
_PERCENT_SIGN = r"\s*%(?:(?P<of>\s*of\b)|(?!\s*[\d.(a-z]))"
_PERCENT_OF_NUMBER = re.compile(rf"({_NUMBER}){_PERCENT_SIGN}")
_PERCENT_OF_GROUP = re.compile(rf"\){_PERCENT_SIGN}")
_FACTORIAL_OF_NUMBER = re.compile(r"(?<![\w.])(\d+)\s*!(?!=)")
_FACTORIAL_OF_GROUP = re.compile(r"\)\s*!(?!=)")
_THOUSANDS = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)")
_NAME_BEFORE = re.compile(r"([a-z_]\w*)\s*$")
_BARE_ARGUMENT = re.compile(rf"\b({'|'.join(ONE_ARGUMENT)})\s+(-?(?:{_NUMBER}|pi|e|tau)\b)")
_ROOT_SIGN = re.compile(rf"√\s*({_NUMBER}|pi|e)")


def _innermost_parens(text: str) -> tuple[list[int], set[int]]:
    """For each position, where the innermost "(" around it is (-1 at the top level); and the
    "(" whose arguments are written with a space after a comma. One pass, so linear."""
    around: list[int] = []
    spaced: set[int] = set()
    stack: list[int] = []
    for index, char in enumerate(text):
        if char == ")" and stack:
            stack.pop()
        around.append(stack[-1] if stack else -1)
        if char == "(":
            stack.append(index)
        elif char == "," and stack and text[index + 1 : index + 2].isspace():
            spaced.add(stack[-1])
    return around, spaced


def _join_thousands(text: str) -> str:
    """4,180 → 4180 and 1,234,567.5 → 1234567.5, but max(100,200) keeps its two arguments.

    In min and max a comma separates arguments, unless the arguments are written with a space
    after their commas (then "max(1,000, 2,000)" is 1000 and 2000).
    """
    around, spaced = _innermost_parens(text)

    def join(match: re.Match[str]) -> str:
        opening = around[match.start()]
        if opening >= 0 and opening not in spaced:
            name = _NAME_BEFORE.search(text[max(0, opening - 20) : opening])
            if name is not None and name.group(1) in MANY_ARGUMENTS:
                return match.group(0)
        return match.group(0).replace(",", "")

    return _THOUSANDS.sub(join, text)


def _wrap_groups(text: str, after_group: re.Pattern[str], function: str) -> str:
    """(5+5)% → percent((5+5)) and (2+1)! → factorial((2+1)), nested ones too; ``after_group``
    matches from the ")" through the sign ("of" after a percentage becomes "*")."""
    out: list[str] = []
    opens: list[int] = []
    index = 0
    while index < len(text):
        char = text[index]
        match = after_group.match(text, index) if char == ")" else None
        if char == "(":
            opens.append(len(out))
        elif char == ")" and opens:
            start = opens.pop()
            if match is not None:
                out.insert(start, f"{function}(")
                out.append("))" + (" *" if match.groupdict().get("of") else ""))
                index = match.end()
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _lists(text: str) -> str:
    """A list of numbers after "add", "sum of", "product of", "average of"... as one sum or
    product ("add 2 to 3", with no list, is left to the verbs below). Separators inside
    parentheses ("max(1, 2)") belong to a function, not to the list."""
    found = _LIST.match(text)
    if found is None:
        return text
    items_text = re.sub(r"\s+together$", "", found["items"])
    around, _ = _innermost_parens(items_text)
    items, start = [], 0
    for separator in _ITEM_SEPARATOR.finditer(items_text):
        if around[separator.start()] == -1:
            items.append(items_text[start : separator.start()])
            start = separator.end()
    items.append(items_text[start:])
    if len(items) < 2:
        return text
    verb = found["verb"]
    if verb.startswith(("product", "multiply")):
        return " * ".join(f"({item})" for item in items)
    total = " + ".join(f"({item})" for item in items)
    return f"({total}) / {len(items)}" if verb.startswith(("average", "mean")) else total


def _percent_of_number(match: re.Match[str]) -> str:
    return f"percent({match[1]})" + (" *" if match["of"] else "")


def _percentages(text: str) -> str:
    """Phrases about percentages as arithmetic on ``percent(x)``."""
    rules: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
        (_SHARE, lambda m: f"({m[1]}) / ({m[2]}) * 100"),
        (_SHARE_ASKED, lambda m: f"({m[2]}) / ({m[1]}) * 100"),
        (_SHARE_AS, lambda m: f"({m[1]}) / ({m[2]}) * 100"),
        (_INCREASE, lambda m: f"({m[2]} {'-' if m[1] in _LESS else '+'} {m[3]})"),
        (_CHANGED_BY, lambda m: f"({m[1]} {'-' if m[2] in _LESS else '+'} {m[3]})"),
        (_MORE_LESS, lambda m: f"({m[3]}) {'-' if m[2] in _LESS else '+'} {m[1]}"),
        (_OFF, lambda m: f"({m[2]}) - {m[1]}"),
    ]
    for pattern, rewrite in rules:
        text = pattern.sub(rewrite, text)
    text = _PERCENT_OF_NUMBER.sub(_percent_of_number, text)
    return _wrap_groups(text, _PERCENT_OF_GROUP, "percent")


def _implicit_products(text: str) -> str:
    """3 x 4 → 3 * 4, 2(3+4) → 2*(3+4), (1+2)(3+4) → (1+2)*(3+4); hex literals stay."""
    text = re.sub(r"(?<![\w.])(?!0x[0-9a-f])(\d+(?:\.\d+)?)\s*x\s*(?=[\d.(])", r"\1 * ", text)
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d*)?)\s*\(", r"\1*(", text)
    return re.sub(r"\)\s*(?=\d|\.\d|\(|[a-z])", ")*", text)


def to_expression(text: str) -> str:
    """``text`` in the calculator's syntax: Python arithmetic plus ``percent(x)``."""
    expression = text.strip().lower()
    for symbol, replacement in _SYMBOLS.items():
        expression = expression.replace(symbol, replacement)
    expression = to_digits(expression)
    expression = _CURRENCY.sub("", _GROUPED_BY_SPACE.sub("", expression))
    expression = _ROOT_SIGN.sub(r"sqrt(\1)", expression.replace("√(", "sqrt("))
    expression = _LEAD.sub("", _TRAIL.sub("", expression)).strip()
    for pattern, replacement in _WORDS:
        expression = pattern.sub(replacement, expression)
    expression = _lists(re.sub(r"\s+", " ", expression).strip())
    for pattern, replacement in _VERBS:
        expression = pattern.sub(replacement, expression)
    expression = _join_thousands(expression)
    expression = _percentages(expression)
    expression = expression.replace(" mod ", " % ")
    expression = _FACTORIAL_OF_NUMBER.sub(r"factorial(\1)", expression)
    expression = _wrap_groups(expression, _FACTORIAL_OF_GROUP, "factorial")
    expression = _BARE_ARGUMENT.sub(r"\1(\2)", expression)
    return _implicit_products(expression).strip()
