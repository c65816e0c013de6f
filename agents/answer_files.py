"""Answers about the user's workspace files: a file asked about must have been read (its own
text, not a document search for its name), and "which files are there" must name them all."""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.answer_evidence import Evidence
from agents.intents import NAMED_FILE, WORKSPACE, intent_of

WORKSPACE_LISTING = "Files in the workspace"


def unread(question: str, evidence: Evidence, passages: bool, can_read: bool) -> str | None:
    """A question about a workspace file answered with nothing read (no file tool, no passage),
    by an engine that could have read it."""
    if not can_read or passages or evidence.read_user_data:
        return None
    if intent_of(question) not in (WORKSPACE, NAMED_FILE):
        return None
    return "the answer speaks of your files, but none was read: no file tool returned anything"


# Tools that reach a named file's text; a search of the documents for its name does not, and a
# listing only answers where a file is and how big it is.
_FILE_READERS = frozenset({"read_file", "read_document", "write_file"})
_ABOUT_LISTING = re.compile(
    r"\b(?:how (?:big|large)|size|exists?|is there|are there|where is|which folder|listed|"
    r"modified|last changed)\b",
    re.IGNORECASE,
)


def unread_named(
    question: str, calls: Sequence[tuple[str, str]], tools: Sequence[tuple[str, str]]
) -> str | None:
    """A question naming a workspace file ("the first item in todo.md") answered by a run in
    which no file tool touched that file: neither a call's arguments nor a result name it
    (searching the documents for "todo.md" found other documents)."""
    if intent_of(question) is not NAMED_FILE or not calls:
        return None
    named = {name.lower() for name in NAMED_FILE.pattern.findall(question)}
    readers = _FILE_READERS | ({"list_files"} if _ABOUT_LISTING.search(question) else set())
    touched = " ".join(
        [args for tool, args in calls if tool in readers]
        + [result for tool, result in tools if tool in readers]
    ).lower()
    missing = sorted(name for name in named if name not in touched)
    if not missing or len(missing) < len(named):
        return None
    return f"{missing[0]} was not read: read it with read_file and answer from its text"


# A question that asks for the files themselves ("Which files are in my workspace?").
_ASKS_FILES = re.compile(
    r"\b(?:which|what) files\b|\blist (?:the |all |my )?files\b|\bfiles (?:are|do i have) in\b|"
    r"\bnames? of (?:the |all |my )?files\b",
    re.IGNORECASE,
)
# At most this many entries are held to: a longer listing may be summed up.
LISTED_ENTRIES = 20


def _listed(result: str) -> list[str]:
    """The names a list_files result gives (its first block, sizes and slashes taken off)."""
    names = []
    for line in result.splitlines()[1:]:
        if not line.strip():
            break
        if line.startswith("(empty)") or line.startswith("... and"):
            continue
        names.append(re.sub(r" \([^)]*\)$", "", line.strip()).rstrip("/"))
    return names


def dropped_files(question: str, answer: str, tools: Sequence[tuple[str, str]]) -> str | None:
    """A question asking which files there are, answered without every name list_files gave."""
    if not _ASKS_FILES.search(question):
        return None
    listings = [result for tool, result in tools if tool == "list_files"]
    if not listings:
        return None
    # The workspace's own listing, when there is one, over a knowledge folder's listed after it.
    workspace = [result for result in listings if result.startswith(WORKSPACE_LISTING)]
    names = _listed((workspace or listings)[-1])
    if len(names) > LISTED_ENTRIES:
        return None
    missing = [name for name in names if name.lower() not in answer.lower()]
    if not missing:
        return None
    return f"the answer leaves out files list_files returned: {', '.join(missing)}"


# A question asking for a file to be made: "Create squares.csv …", "save it as report.md".
_ASKS_WRITE = re.compile(
    r"\b(?:create|write|save|make|generate|produce|store|put|export)\b", re.IGNORECASE
)
# A question that says where: a path with a folder in it, or a folder named in words.
_SAYS_FOLDER = re.compile(r"[\w-]/[\w-]|\bfolders?\b|\bdirector(?:y|ies)\b", re.IGNORECASE)


def misplaced_write(question: str, written: Sequence[str]) -> str | None:
    """A file the question asks to create by its bare name ("Create squares.csv in my
    workspace") ``written`` (the paths given to write_file) only inside a folder of the
    model's choosing (notes/squares.csv)."""
    if not _ASKS_WRITE.search(question) or _SAYS_FOLDER.search(question):
        return None
    written = [path.strip().replace("\\", "/").removeprefix("./") for path in written]
    for name in dict.fromkeys(n.lower() for n in NAMED_FILE.pattern.findall(question)):
        elsewhere = [p for p in written if p.lower().rsplit("/", 1)[-1] == name]
        if elsewhere and not any(p.lower() == name for p in written):
            return (
                f"the question asks for {name} in the workspace itself, but it was written as "
                f"{elsewhere[0]}: write it with the path '{name}'"
            )
    return None
