"""The note in digits that follows a prompt written with numbers in words.

A small model reads "seven hundred and twelve" as 700 + 12; the engines get the question typed,
then the same question in digits in brackets, so they copy 712. The conversation keeps the
prompt as typed, and a check that reads the question whole takes the note off first.
"""

from __future__ import annotations

from agents.number_words import prompt_with_digits

DIGITS_NOTE = "\n(In digits: "


def without_digits_note(prompt: str) -> str:
    """The prompt as typed, without the note ``with_digits_note`` added."""
    return prompt.split(DIGITS_NOTE, 1)[0]


def with_digits_note(prompt: str) -> str:
    """``prompt`` for the engines: when it writes numbers in words, the same question in digits
    follows in brackets, so a small model copies 712 rather than reading "seven hundred and
    twelve" as 700 + 12. The conversation keeps the prompt as typed."""
    digits = prompt_with_digits(prompt)
    return prompt if digits == prompt else f"{prompt}{DIGITS_NOTE}{digits})"
