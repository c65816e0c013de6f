"""How a question writes a day, as regular-expression pieces for the date intent
(agents/intents.py): "3 March 2026", "March 3", "2026-03-03", "next Friday", "45 days"."""

from __future__ import annotations

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# One particular day, written out: "3 March 2026", "March 3", "2026-03-03", "3/3/2026", a
# holiday, "next Friday". A question about a day with none of these ("What day did the Berlin
# Wall fall?") is general knowledge.
A_DATE = (
    rf"(?:\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?![a-z])|"
    rf"\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|"
    r"\b(?:christmas|new year'?s?(?: day| eve)?|halloween|valentine'?s day)\b|"
    rf"\b(?:next|last|this|coming)\s+{WEEKDAY}\b)"
)
# A day to count to or from: a date, tomorrow, a weekday, the end of the year.
TARGET = (
    rf"(?:{A_DATE}|\btomorrow\b|\b{WEEKDAY}\b|"
    r"\bthe (?:end|start|beginning) of (?:the |this |next )?(?:year|month|week)\b)"
)
FROM_DAY = rf"(?:{TARGET}|\b(?:today|now|yesterday)\b)"
SPAN = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|sixty|hundred)\s+(?:days?|weeks?|fortnights?|months?|years?)"
)
ASKS_DAY = r"\b(?:what|which)(?:'s| is| was| will be)?\s+(?:the\s+)?(?:date|day|weekday)\b"
