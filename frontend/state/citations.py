"""The ``[n]`` markers of an answer, turned into links to the passages they cite.

The answer is Markdown, so each marker the sources can resolve becomes a Markdown link
``[n](#cite-<chip id> "<document · page><SEPARATOR><snippet>")``; the chat's Markdown renders links
with that prefix as citation markers (frontend/components/citations.py) and every other
link as a link. Markers without a matching passage, and anything inside code, stay as written.
"""

from __future__ import annotations

import dataclasses
import re

from frontend.state.knowledge_models import ChatSource

CITATION_HREF = "#cite-"
# Between the place and the snippet in a link's title: not a line break, which inside a list
# item would let a snippet starting with "# " or "- " end the paragraph and break the link.
SEPARATOR = "\u001f"
# "[1]", "[1, 3]" or "[1; 3]", not escaped, and not the text of a link or a definition.
_MARKER = re.compile(r"(?<!\\)\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\](?![(:])")
# Fenced code blocks and inline code, which are shown as written.
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]+`)", re.S)
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def anchored(sources: list[ChatSource], message_id: str) -> list[ChatSource]:
    """The sources with element ids unique to this message's chips."""
    return [
        dataclasses.replace(source, anchor=f"source-{message_id}-{index}")
        for index, source in enumerate(sources)
    ]


def _title(source: ChatSource, page: str, text: str) -> str:
    where = f"{source.name} · {page}" if page else source.name
    # Every punctuation mark escaped, so quotes, brackets and entities in a snippet stay text.
    return _PUNCTUATION.sub(r"\\\1", f"{where}{SEPARATOR}{text}")


def _targets(sources: list[ChatSource]) -> dict[int, str]:
    """Each passage number, as the link that stands for it."""
    targets: dict[int, str] = {}
    for source in sources:
        for passage in source.snippets:
            title = _title(source, passage.page, passage.text)
            targets.setdefault(
                passage.number, f'[{passage.number}]({CITATION_HREF}{source.anchor} "{title}")'
            )
    return targets


def _link_group(match: re.Match[str], targets: dict[int, str]) -> str:
    numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
    if not any(n in targets for n in numbers):
        return match.group(0)
    return "".join(targets.get(n, f"[{n}]") for n in numbers)


def link_citations(text: str, sources: list[ChatSource]) -> str:
    """``text`` with each ``[n]`` that matches a cited passage made a citation link."""
    targets = _targets(sources)
    if not targets:
        return text
    parts = _CODE.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = _MARKER.sub(lambda m: _link_group(m, targets), parts[index])
    return "".join(parts)
