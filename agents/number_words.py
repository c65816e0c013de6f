"""Numbers written in words, as digits: "seven hundred and twelve" → 712, "thirty-eight" → 38,
"two point five" → 2.5, "three quarters" → 3/4, "a dozen" → 12, "2 million" → 2000000.

Two readings. An expression (what the calculator is given) is arithmetic through and through,
so every number word in it is a number (``to_digits``). A prompt is prose, where "Tell me one
fun fact" or "the one who wrote Hamlet" hold number words that count nothing, so a number there
reads as digits only when it is one beyond doubt (``prompt_with_digits``): several number words
together ("thirty-eight", "a thousand and one"), one of a list or a pair of numbers ("seventeen,
nineteen and twenty", "thirteen by seventeen"), or a word in a prompt with arithmetic in it
("plus", "divided by", "add", "%"). A lone "one" needs a number or an operator right next to it
("one plus one", "one or two", "divide ten by one"): "Tell me one fun fact" stays as it is.

A list keeps its items apart: "and" joins only after hundred, thousand, million or billion
("seven hundred and twelve" is 712, "two hundred forty and fifty-eight" is 240 and 58), and a
comma always separates ("twenty, one" is 20 and 1). Ordinals are left alone ("the second",
"twenty-first"), apart from the denominators of a fraction ("two thirds").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


def _counting(words: str, first: int, step: int = 1) -> dict[str, int]:
    """Each word's value, counting from ``first`` in steps of ``step``."""
    return {word: first + n * step for n, word in enumerate(words.split())}


_UNITS = _counting("one two three four five six seven eight nine", 1)
_DIGITS = {"zero": 0, **_UNITS}
_TEENS = _counting(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", 10
)
_TENS = _counting("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10)
_BELOW_HUNDRED = frozenset({*_UNITS, *_TEENS, *_TENS})
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_BEYOND_TENS = frozenset({"hundred", "dozen", *_SCALES})
# Denominators after a count ("two thirds"); "second" is left out: "one second" is a time.
_DENOMINATORS = {"half": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6}
_DENOMINATORS |= {"seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_FRACTIONS = {**_DENOMINATORS, **{f"{word}s": n for word, n in _DENOMINATORS.items()}}
_FRACTIONS["halves"] = 2
# After "a", the words that make it a number: "a hundred", "a million", "a dozen".
_AFTER_A = _BEYOND_TENS

_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+(?:[.,]\d+)*")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Between two numbers of a list or a pair: "7, 8", "7, and 8", "7 or 8", "13 by 17", "70 from
# 200", "1 to 10".
_PAIRED = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|by|from|away from|to)\s+", re.I)
# Arithmetic anywhere in a prompt: then its number words are quantities.
_ARITHMETIC = re.compile(
    r"\b(?:plus|minus|times|multipl(?:y|ied)|divided?|squared|cubed|sum|product|total|average|"
    r"add|subtract|calculate|compute|sqrt|square root|cube root|power|factorial|modulo|"
    r"per ?cent|percentage|how much is|difference between|twice|(?:half|thirds?|quarters?) of)\b|"
    r"[+*^=%\u00d7\u00f7]|\s[-/x]\s",
    re.I,
)
# Arithmetic right next to a lone "one".
_OPERATOR_WORDS = frozenset(
    re.findall(
        r"\w+",
        "plus minus times multiplied divided by over squared cubed add subtract multiply divide "
        "x percent",
    )
)
_OPERATOR_SIGNS = frozenset("+-*/^=%\u00d7\u00f7")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str


@dataclass(frozen=True)
class _Number:
    """A number as written: its tokens [first, last), its digits, and how many number words
    it took ("a" and "and" not counted)."""

    first: int
    last: int
    digits: str
    words: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(0).lower()) for m in _TOKEN.finditer(text)]


def _written(value: Decimal) -> str:
    return format(value.normalize(), "f")


class _Reader:
    """Reads the number that starts at a token, if one does."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens

    def joined(self, index: int) -> bool:
        """Whether token ``index`` continues the one before it: a space or one hyphen apart."""
        if not 0 < index < len(self.tokens):
            return False
        gap = self.text[self.tokens[index - 1].end : self.tokens[index].start]
        return gap == "-" or (gap != "" and gap.isspace())

    def next_is(self, index: int, words: dict[str, int] | frozenset[str]) -> bool:
        return self.joined(index) and self.tokens[index].word in words

    def read(self, first: int) -> _Number | None:
        """The number starting at token ``first``, or None; hyphenated words ("twenty-first",
        "one-sided") are not numbers."""
        number = self._read(first)
        if number is None:
            return None
        after = number.last
        gap = (
            self.text[self.tokens[after - 1].end : self.tokens[after].start]
            if after < len(self.tokens)
            else ""
        )
        if gap == "-" and self.tokens[after].word.isalpha():
            return None
        return number

    def _read(self, first: int) -> _Number | None:
        word = self.tokens[first].word
        if _PLAIN_NUMBER.fullmatch(word):
            if not self.next_is(first + 1, _SCALES):
                return None
            scale = _SCALES[self.tokens[first + 1].word]
            return _Number(first, first + 2, _written(Decimal(word) * scale), 2)
        if word == "a" and not self.next_is(first + 1, _AFTER_A):
            return None
        total, group, last_scale, stage, words = 0, 0, 10**12, "start", 0
        index = first
        # Where an "and" was taken: if what follows it fails as part of this number, it starts
        # the next one ("nine hundred and four hundred" is 900 and 400).
        before_and: tuple[int, int, int, str, int] | None = None
        while index < len(self.tokens) and (index == first or self.joined(index)):
            word = self.tokens[index].word
            counted = True
            if word == "a" and stage == "start":
                group, stage, counted = 1, "a", False
            elif word == "zero" and stage == "start":
                stage = "zero"
            elif word in _UNITS and stage in ("start", "hundred", "scale", "and"):
                group, stage = group + _UNITS[word], "unit"
            elif word in _UNITS and stage == "tens":
                group, stage = group + _UNITS[word], "tens unit"
            elif word in _TEENS and stage in ("start", "hundred", "scale", "and"):
                group, stage = group + _TEENS[word], "teen"
            elif word in _TENS and stage in ("start", "hundred", "scale", "and"):
                group, stage = group + _TENS[word], "tens"
            elif word == "hundred" and stage in ("a", "unit", "teen", "tens", "tens unit"):
                if group >= 100:
                    break
                group, stage = group * 100, "hundred"
            elif word in _SCALES and stage in ("a", "unit", "teen", "tens", "tens unit", "hundred"):
                scale = _SCALES[word]
                if scale >= last_scale or group >= 1000:
                    break
                total, group, last_scale, stage = total + group * scale, 0, scale, "scale"
            elif word == "dozen" and stage in ("a", "unit", "teen", "tens", "tens unit"):
                if total or group >= 100:
                    break
                group, stage = group * 12, "dozen"
            elif word == "and" and stage in ("hundred", "scale"):
                if not self.next_is(index + 1, _BELOW_HUNDRED):
                    break
                before_and = (index, total, group, stage, words)
                stage, counted = "and", False
            else:
                break
            words += counted
            index += 1
        if before_and is not None and self.next_is(index, _BEYOND_TENS):
            index, total, group, stage, words = before_and
        if stage in ("start", "a"):
            return None
        value = Decimal(total + group)
        if stage == "dozen":
            return _Number(first, index, _written(value), words)
        return self._tail(_Number(first, index, _written(value), words), value, total == 0, stage)

    def _tail(self, number: _Number, value: Decimal, no_scale: bool, stage: str) -> _Number:
        """What may follow a whole number: a decimal part ("two point five", then perhaps
        "million"), "and a half", or a fraction's denominator ("three quarters")."""
        index = number.last
        if self.next_is(index, frozenset({"point"})) and self.next_is(index + 1, _DIGITS):
            index += 1
            decimals = ""
            while self.next_is(index, _DIGITS):
                decimals += str(_DIGITS[self.tokens[index].word])
                index += 1
            value += Decimal(f"0.{decimals}")
            words = number.words + 1 + len(decimals)
            if no_scale and self.next_is(index, _SCALES):
                value *= _SCALES[self.tokens[index].word]
                index, words = index + 1, words + 1
            return _Number(number.first, index, _written(value), words)
        half = ("and", "a", "half")
        if all(
            self.joined(index + i) and self.tokens[index + i].word == w for i, w in enumerate(half)
        ):
            return _Number(
                number.first, index + 3, _written(value + Decimal("0.5")), number.words + 1
            )
        if no_scale and stage != "hundred" and self.next_is(index, _FRACTIONS):
            below = _FRACTIONS[self.tokens[index].word]
            return _Number(number.first, index + 1, f"{number.digits}/{below}", number.words + 1)
        return number


def _numbers(text: str, tokens: list[_Token]) -> list[_Number]:
    """Every number written in words in ``text``, in order; numbers in digits too (with
    ``words`` 0), since they make neighbours in a list."""
    reader = _Reader(text, tokens)
    found: list[_Number] = []
    index = 0
    while index < len(tokens):
        number = reader.read(index)
        if number is None and tokens[index].word[0].isdigit():
            number = _Number(index, index + 1, tokens[index].word, 0)
        if number is None:
            index += 1
            continue
        found.append(number)
        index = number.last
    return found


def _rewrite(text: str, tokens: list[_Token], numbers: list[_Number]) -> str:
    out, position = [], 0
    for number in numbers:
        start, end = tokens[number.first].start, tokens[number.last - 1].end
        out += [text[position:start], number.digits]
        position = end
    return "".join([*out, text[position:]])


def to_digits(text: str) -> str:
    """``text`` with every number written in words as digits: for an expression, where every
    number word is a number ("seven hundred and twelve multiplied by thirty-eight")."""
    tokens = _tokens(text)
    numbers = [n for n in _numbers(text, tokens) if n.words]
    return _rewrite(text, tokens, numbers)


def _next_to_arithmetic(text: str, tokens: list[_Token], number: _Number) -> bool:
    """An operator word or sign right before or after ``number``: "one plus", "by one"."""
    start, end = tokens[number.first].start, tokens[number.last - 1].end
    before = text[tokens[number.first - 1].end : start] if number.first else text[:start]
    after = text[end : tokens[number.last].start] if number.last < len(tokens) else text[end:]
    if _OPERATOR_SIGNS & set(before + after):
        return True
    words = []
    if number.first and before.isspace():
        words.append(tokens[number.first - 1].word)
    if number.last < len(tokens) and after.isspace():
        words.append(tokens[number.last].word)
    return any(word in _OPERATOR_WORDS for word in words)


def prompt_with_digits(prompt: str) -> str:
    """``prompt`` with the numbers written in words that are numbers beyond doubt as digits:
    what intent detection reads, so "Divide nine thousand nine hundred by twelve" is a sum."""
    tokens = _tokens(prompt)
    numbers = _numbers(prompt, tokens)
    arithmetic = bool(_ARITHMETIC.search(prompt))

    def paired(left: _Number, right: _Number) -> bool:
        gap = prompt[tokens[left.last - 1].end : tokens[right.first].start]
        return left.last <= right.first and bool(_PAIRED.fullmatch(gap))

    chosen = []
    for at, number in enumerate(numbers):
        if not number.words:
            continue
        in_pair = (at > 0 and paired(numbers[at - 1], number)) or (
            at + 1 < len(numbers) and paired(number, numbers[at + 1])
        )
        lone_one = number.digits == "1" and number.words == 1
        if (
            number.words > 1
            or in_pair
            or (arithmetic and not lone_one)
            or _next_to_arithmetic(prompt, tokens, number)
        ):
            chosen.append(number)
    return _rewrite(prompt, tokens, chosen)
