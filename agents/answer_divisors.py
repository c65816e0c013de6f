"""The greatest common divisor or least common multiple of whole numbers a question names,
worked out here so a wrong one is sent back ("the greatest common divisor of 1,071 and 462 is
9": it is 21)."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from agents.answer_worked import Worked

_WHOLE = r"(\d{1,3}(?:,\d{3})+|\d+)(?!\d|\.\d)"
_COMMON = re.compile(
    r"\b(?P<kind>greatest common (?:divisor|factor)|highest common factor|gcd|hcf|"
    r"(?:least|lowest|smallest) common multiple|lcm)\s+of\s+"
    rf"{_WHOLE}(?:\s*,\s*|,?\s+and\s+){_WHOLE}(?:(?:\s*,\s*|,?\s+and\s+){_WHOLE})?",
    re.IGNORECASE,
)
# Numbers this long are left to the calculator's own limits.
MAX_DIGITS = 30


def worked_common(text: str) -> list[Worked]:
    """The gcd or lcm the question asks for, if it names one over two or three numbers."""
    found = []
    for match in _COMMON.finditer(text):
        raws = [raw for raw in match.groups()[1:] if raw]
        numbers = [int(raw.replace(",", "")) for raw in raws]
        if any(len(str(n)) > MAX_DIGITS for n in numbers) or 0 in numbers:
            continue
        kind = match["kind"].lower()
        multiple = "multiple" in kind or kind == "lcm"
        value = math.lcm(*numbers) if multiple else math.gcd(*numbers)
        name = "least common multiple" if multiple else "greatest common divisor"
        found.append(Worked(f"the {name} of {' and '.join(raws)}", Fraction(value)))
    return found
