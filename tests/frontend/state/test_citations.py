"""Turning the ``[n]`` markers of an answer into links to the passages they cite."""

from __future__ import annotations

import re

from frontend.state.chat_models import ChatMessage, to_chat_message, with_citations
from frontend.state.citations import CITATION_HREF, SEPARATOR, link_citations
from frontend.state.knowledge_models import to_chat_source

REPORT = {
    "name": "report.pdf",
    "path": "/d/report.pdf",
    "page": 2,
    "document_id": 7,
    "passages": [1, 3],
    "pages": [2, 5],
    "snippets": [
        {"passage": 1, "page": 2, "text": 'Revenue "grew"\n 4%.'},
        {"passage": 3, "page": 5, "text": "Costs fell [sharply]."},
    ],
}
NOTES = {
    "name": "notes.txt",
    "path": "/d/notes.txt",
    "document_id": 8,
    "passages": [2],
    "pages": [],
    "snippets": [{"passage": 2, "page": None, "text": "Ask Ada."}],
}
LINK = re.compile(r'\[(\d+)\]\(#cite-([\w-]+) "((?:[^"\\]|\\.)*)"\)')


def _unescape(title: str) -> str:
    return re.sub(r"\\(.)", r"\1", title)


def _links(text: str) -> list[tuple[str, str, str]]:
    return [
        (n, anchor, _unescape(title).replace(SEPARATOR, "\n"))
        for n, anchor, title in LINK.findall(text)
    ]


def _message(content: str, *raw: dict[str, object]) -> ChatMessage:
    return with_citations(
        ChatMessage(
            id="m1", role="assistant", content=content, sources=[to_chat_source(r) for r in raw]
        )
    )


def test_each_cited_number_links_to_its_chip_with_name_page_and_snippet() -> None:
    message = _message("Revenue grew [1] but costs fell [3]; ask Ada [2].", REPORT, NOTES)
    chips = [source.anchor for source in message.sources]
    assert len(set(chips)) == 2 and all(chips)
    links = _links(message.linked)
    assert [(n, a) for n, a, _ in links] == [("1", chips[0]), ("3", chips[0]), ("2", chips[1])]
    assert links[0][2] == 'report.pdf · p. 2\nRevenue "grew" 4%.'
    assert links[1][2] == "report.pdf · p. 5\nCosts fell [sharply]."
    assert links[2][2] == "notes.txt\nAsk Ada."
    assert LINK.sub("", message.linked) == "Revenue grew  but costs fell ; ask Ada ."


def test_grouped_markers_link_each_number_and_unknown_numbers_stay_plain() -> None:
    linked = _message("See [1][3], [1, 2] and [2, 9]; not [4] or [x].", REPORT, NOTES).linked
    assert [n for n, _, _ in _links(linked)] == ["1", "3", "1", "2", "2"]
    plain = LINK.sub("#", linked)
    assert plain == "See ##, ## and #[9]; not [4] or [x]."


def test_markers_in_code_links_and_escapes_are_left_alone() -> None:
    text = "Use `xs[1]` and\n```\nys[1] = 2\n```\n[1](https://a.example) \\[1\\] [1]: def"
    assert link_citations(text, [to_chat_source(REPORT)]) == text


def test_without_sources_the_text_is_unchanged() -> None:
    assert _message("Plain [1] text.").linked == "Plain [1] text."


def test_older_sources_link_their_first_passage_with_the_documents_snippet() -> None:
    older = {"name": "a.txt", "passages": [2, 4], "snippet": "First part.", "document_id": 1}
    links = _links(_message("One [2], two [4].", older).linked)
    assert [(n, t) for n, _, t in links] == [("2", "a.txt\nFirst part."), ("4", "a.txt\n")]


def test_a_stored_answer_comes_back_linked() -> None:
    raw = {"id": "abc", "role": "assistant", "content": "It grew [1].", "sources": [REPORT]}
    message = to_chat_message(raw)
    assert message.sources[0].anchor == "source-abc-0"
    assert f"]({CITATION_HREF}source-abc-0 " in message.linked


def test_a_chip_lists_all_its_pages() -> None:
    assert to_chat_source(REPORT).pages == "pp. 2, 5"
    assert to_chat_source({**REPORT, "pages": [2]}).pages == "p. 2"
    assert to_chat_source(NOTES).pages == ""
