"""A tool call that copies the example from the tool's own description is no call at all.

Asked "How many legs does a spider have?", a small model offered the calculator called it
with ``2*(3+4)^2``, the first example of its description, and answered "98 legs". Examples
help a small model write its arguments in the right form, so they stay; a string argument that
is one of them, when the user's question does not hold it, is refused with the reason.
"""

from __future__ import annotations

import re
from typing import Any

# Examples are quoted in descriptions: 'sqrt of 2', "notes/todo.txt".
_QUOTED = re.compile(r"'([^']{2,80})'|\"([^\"]{2,80})\"")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


# The tools whose examples are the question's data (a formula), so that a copied example is
# a wrong answer. Other examples are fair choices: 'notes/todo.txt' for "Save my todo",
# 'today' for "What day is it?", '1 year' for "in a year".
DATA_TOOLS = frozenset({"calculator"})


def description_examples(description: str, parameters: dict[str, Any]) -> set[str]:
    """Every quoted example in a tool's description and its parameters' descriptions."""
    texts = [description]
    texts += [str(p.get("description", "")) for p in parameters.get("properties", {}).values()]
    return {_plain(a or b) for text in texts for a, b in _QUOTED.findall(text)}


def copied_example(
    name: str,
    description: str,
    parameters: dict[str, Any],
    arguments: dict[str, Any],
    question: str,
) -> str | None:
    """Why the call is refused (an argument is an example of the description the question does
    not hold), or None. Without a question (a call from outside a run) nothing is refused."""
    if name not in DATA_TOOLS or not question.strip():
        return None
    examples = description_examples(description, parameters)
    asked = _plain(question)
    for value in arguments.values():
        if isinstance(value, str) and (plain := _plain(value)) in examples and plain not in asked:
            return (
                f"'{value}' is the example from {name}'s description, not from the question. "
                "Pass what the question itself gives, or answer without a tool if none is needed."
            )
    return None
