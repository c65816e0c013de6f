"""Plans instead of results: an answer that says what will be done ("I will use the `sort`
function to sort the list.", "To find this, we first need to read the file and then add the
column.", "Step 1: …") or what one should do ("You would need to open the report"), and gives
nothing the question asked for.

A plan is judged by what it lacks, not by its wording alone: an answer that names its method
and gives its result ("I used the calculator: 23% of 4,180 is 961.4.", "To reverse it, read it
backwards: olleh.") passes, and a question that asks how to do something is answered by a
method. A result is a figure the question does not already hold, a date or time word, a list,
a name, quoted text or code, a yes or no, or a value after "is", "=" or a colon.
"""

from __future__ import annotations

import re

from agents.answer_values import DATE_WORDS, NUMBER, NUMBER_WORDS, numbers, word_set, words

# Verbs of getting a result: "you would *check* a calendar", "to *find* this, …".
_METHOD_VERBS = (
    r"(?:use|find|get|calculate|compute|check|look|open|read|search|count|add|sum|total|divide|"
    r"multiply|subtract|run|call|sort|reverse|apply|determine|work|figure|convert|go\s+through|"
    r"loop|split|parse|load|extract|filter|identify|compare|query|list|review|examine|analy[sz]e|"
    r"fetch|retrieve|access|refer|locate|scan|inspect|measure|round|start|begin|first|then|"
    r"need|have|want|write|consult|pick|group|answer|solve|obtain|know|see|tell)"
)
# Words after "I will" that acknowledge or promise rather than plan ("I'll remember that").
_NOT_A_PLAN = (
    r"(?!\s*(?:be|not|never|remember|keep|note|always|gladly|happily|let|miss|bear|recommend|"
    r"suggest|say|guess|estimate|think|like|love|prefer|agree)\b|"
    # Naming something is giving it: "I would call it load_config".
    r"\s*(?:call|name)\s+(?:it|them)\b)"
)
_PLAN = re.compile(
    # First person, what will be done: "I will", "I'll", "we're going to", "I need to".
    rf"\b(?:i|we)(?:\s+will|'ll|\s+shall|\s+(?:am|are)\s+going\s+to|'m\s+going\s+to|"
    rf"'re\s+going\s+to|\s+(?:first\s+)?(?:need|have)\s+to|\s+must|(?:\s+(?:should|would)|'d)\s+"
    rf"(?:first\s+|then\s+)?(?={_METHOD_VERBS}\b)|\s+(?:want|plan|intend)\s+to){_NOT_A_PLAN}|"
    rf"\blet(?:'s|\s+me|\s+us){_NOT_A_PLAN}(?!\s+know\b)|"
    # What one should do: "you need to", "you would check", "one should look".
    r"\b(?:you|one)(?:'ll|\s+will)?\s+(?:first\s+)?(?:need|needs|have|has)\s+to\b|"
    rf"\b(?:you|one)(?:\s+(?:would|could|can|should|might|may|must)|'d)\s+"
    rf"(?:first\s+|then\s+|also\s+|simply\s+|just\s+)?{_NOT_A_PLAN}{_METHOD_VERBS}\b|"
    # Steps: "First, we …", "Step 2:", "the first step is", "This will give us the total".
    r"(?:^|[.:;]\s+)(?:first(?:ly)?|next|then|after that|finally),?\s+(?:i|we|you|one)\b|"
    r"\bstep\s+(?:\d+|one|two|three|four|five)\b|\bthe (?:first|next|last|final) step\b|"
    rf"(?:^|[.:;]\s+)(?:in order )?to\s+{_METHOD_VERBS}\b[^,.:]*,|"
    r"\b(?:this|that|which|it)(?:\s+will|'ll|\s+would|\s+should)\s+(?:then\s+)?"
    r"(?:give|tell|show|return|yield|produce|let|allow|help)\b|"
    r"\bcan be (?:found|calculated|computed|determined|obtained|worked out|done) by\b|"
    r"\bthe (?:best |easiest |simplest )?(?:way|approach|method) (?:to|is|would be)\b"
)
# A question whose answer is a method: how to do it, what to do, what the answerer will do.
_ASKS_METHOD = re.compile(
    r"\bhow (?:do|does|did|can|could|should|would|will|might|must|to|is|are|was|were)\b|"
    r"\b(?:ways?|steps?|process|procedure|method|approach|instructions?|recipe|tips?|advice|"
    r"guide|tutorial|algorithm|plan|strategy|explain|describe|walk me through|show me how)\b|"
    r"\bwhat (?:should|would|will|can|could|must|do|did|are) (?:i|we|you)\b(?:\s+\w+)?\s+do\b|"
    r"\bwhat (?:would|will) you\b|\bwhat are you going to\b|"
    # Writing asked for: the text itself may speak of what it will do ("I will sing of …").
    r"\b(?:write|compose|draft|make up)\b.*\b(?:poem|story|song|haiku|limerick|letter|email|"
    r"essay|speech|joke|message|paragraph|verse|lyrics|toast|post|script|dialogue)s?\b",
    re.IGNORECASE,
)
# Results in a sentence that is no plan: a value after "is" ("The result is desserts."),
# unless what follows is a word of the plan itself ("is to read", "is the sum of").
_STATED = re.compile(r"(?:\b(?:is|are|was|were|equals?)\s+|=\s*)([^\W_][\w'-]*)", re.I)
_NO_VALUE = word_set(
    "to the a an this that these those it its there here what how where which not also just "
    "only now then very quite so too in on at by from for of with as done ready complete "
    "finished sorted simple easy straightforward possible necessary needed required below "
    "above shown given listed found located stored available going being important one"
)
# A figure said as the outcome in a plan ("… to get 9", "which gives 9", "is 9"): numbers
# elsewhere in a plan are its operands ("divide by 3").
_OUTCOME = re.compile(
    r"(?:[=:]|\b(?:is|are|was|were|equals?|gets?|gives?|makes?|yields?|comes? to|be)\b)\s*"
    r"(?:us\s+|you\s+|about\s+|roughly\s+|approximately\s+|around\s+|exactly\s+|just\s+)?"
    rf"({NUMBER.pattern}|[a-z]+(?:-[a-z]+)?)",
    re.IGNORECASE,
)
# How a line or a sentence is numbered ("Step 2:", "1."), which is no figure.
_WORD_OUTCOME = re.compile(
    r"(?:=|\b(?:is|are|was|equals?|gets?|gives?|makes?|yields?|comes? to)\b)\s*"
    r"(?:us\s+|you\s+)?([^\W\d_][\w'-]*)",
    re.IGNORECASE,
)
_NUMBERING = re.compile(r"\bstep\s+\d+\s*[:.)-]?|^\s*\d+[.)]\s", re.IGNORECASE | re.MULTILINE)
_ITEM = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+(\S+)", re.MULTILINE)
_INSTRUCTION = re.compile(
    rf"{_METHOD_VERBS}|(?:click|select|navigate|type|enter|press|install|import|create|define|"
    r"print|return|save|store|set|update|append|remove|delete|pick|take|choose|make|put|move|"
    r"step|i|we|you|then|next|finally)",
    re.IGNORECASE,
)
_CODE = re.compile(
    r"```|`[^`\n(]+`(?!\s*(?:function|method|tool|command|module|library|"
    r"parameter|argument|class|package|column|key|option|field|file))"
)
_QUOTED = re.compile(r"\"([^\"\n]{1,60})\"|\u201c([^\u201d\n]{1,60})\u201d")
_BRACKET_LIST = re.compile(r"\[[^\]\n]*,[^\]\n]*\]")
_YES_NO = re.compile(r"(?:^|[.!?:;]\s+)(?:yes|no|yep|nope|correct|true|false)\b", re.I)
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
# Capitalised words that are no name of a result: the words of a plan and of computing.
_NOT_NAMES = word_set(
    "i i'll i'm i'd step first then next finally python excel csv json sql api javascript google"
)


# How to do it, in so many words: no number is asked for ("How can I find the total?").
_ASKS_HOW = re.compile(
    r"\bhow (?:do|does|can|could|should|would|might|must) (?:i|we|you|one)\b|\bhow to\b|"
    r"\b(?:explain|show me) how\b|\bwhat(?:'s| is) the (?:best |easiest |simplest )?way to\b",
    re.IGNORECASE,
)


def asks_how(question: str) -> bool:
    """The question asks how to do something, not for its result."""
    return bool(_ASKS_HOW.search(question))


def _asks_method(question: str) -> bool:
    return bool(_ASKS_METHOD.search(question))


def _new(value: str, question: str) -> bool:
    return value.lower() not in question.lower()


def _figures(question: str, text: str) -> bool:
    """A number, date or time word the question does not hold, said as the outcome in a plan
    ("… to get 9", "… to get cba") and anywhere in a sentence that is no plan."""
    asked_numbers, asked_words = set(numbers(question)), set(words(question))
    valued = DATE_WORDS | (NUMBER_WORDS - {"one", "none"})
    for sentence in _SENTENCES.split(text):
        planned = bool(_PLAN.search(sentence.lower()))
        said = [m.group(1) for m in _OUTCOME.finditer(sentence)] if planned else [sentence]
        for part in said:
            if any(n not in asked_numbers for n in numbers(part)):
                return True
            if any(w in valued and w not in asked_words for w in words(part)):
                return True
        if planned and any(
            _is_value(m.group(1), question) for m in _WORD_OUTCOME.finditer(sentence)
        ):
            return True
    return False


def _is_value(word: str, question: str) -> bool:
    """A word said as an outcome that is neither a word of the plan nor the question's."""
    return (
        word.lower() not in _NO_VALUE and not _INSTRUCTION.fullmatch(word) and _new(word, question)
    )


def _segments(text: str) -> list[tuple[str, bool]]:
    """Sentences, and what follows a colon in each ("read it backwards: olleh" has "olleh"),
    each with whether it follows a colon."""
    found: list[tuple[str, bool]] = []
    for sentence in _SENTENCES.split(text):
        head, colon, tail = sentence.partition(":")
        found.append((head, False))
        if colon and tail.strip():
            found.append((tail.strip(), True))
    return [(s, tail) for s, tail in found if re.search(r"[^\W_]", s)]


def _stated(question: str, segment: str, after_colon: bool) -> bool:
    """A segment that is no plan and holds a value: a list, a yes or no, the word after "is"
    that the question does not hold, or a short value after a colon ("olleh", "Paris")."""
    if _PLAN.search(segment.lower()):
        return False
    first = re.match(r"\W*([\w'-]+)", segment)
    if first and _INSTRUCTION.fullmatch(first.group(1)):
        return False
    if segment.count(",") >= 2 or _YES_NO.match(segment):
        return True
    if any(_is_value(m.group(1), question) for m in _STATED.finditer(segment)):
        return True
    return after_colon and len(segment.split()) <= 3


def _names(question: str, text: str) -> bool:
    """A capitalised word that does not open a sentence, and is not the question's."""
    for segment, _ in _segments(text):
        for token in [t for t in segment.split() if re.search(r"\w", t)][1:]:
            word = token.strip(".,;:!?()[]*_\"'")
            if word[:1].isupper() and word.lower() not in _NOT_NAMES and _new(word, question):
                return True
    return False


def _lists(text: str) -> bool:
    """A bracketed list, or a list of at least two items that are not steps."""
    if _BRACKET_LIST.search(text):
        return True
    items = _ITEM.findall(text)
    return sum(not _INSTRUCTION.fullmatch(i.strip("*_`'\".,:")) for i in items) >= 2


def _steps(text: str) -> bool:
    """At least two listed items that are instructions ("1. Open the report")."""
    items = _ITEM.findall(text)
    return sum(bool(_INSTRUCTION.fullmatch(i.strip("*_`'\".,:"))) for i in items) >= 2


def _quoted(question: str, text: str) -> bool:
    """Code, or quoted text the question does not hold."""
    if _CODE.search(text):
        return True
    return any(_new(next(g for g in m.groups() if g), question) for m in _QUOTED.finditer(text))


def has_result(question: str, text: str) -> bool:
    """Whether ``text`` gives anything the question asks for, beyond how to get it."""
    if _lists(text) or _quoted(question, text):
        return True
    plain = _NUMBERING.sub(" ", text)
    return (
        _figures(question, plain)
        or _names(question, plain)
        or any(_stated(question, s, tail) for s, tail in _segments(plain))
    )


def only_plans(question: str, text: str) -> bool:
    """The answer says what will be done, or what one should do, and gives no result. A
    question asking how, and an answer asking back, are no place for this."""
    normal = text.replace("\u2019", "'").replace("\u2018", "'")
    if _asks_method(question) or "?" in normal:
        return False
    if not _PLAN.search(normal.lower()) and not _steps(normal):
        return False
    return not has_result(question, normal)
