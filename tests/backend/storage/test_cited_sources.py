"""The Sources lines under an exported answer, for new and for older stored sources."""

from backend.storage.cited_sources import markdown, passages


def test_each_passage_gets_its_own_line_in_number_order() -> None:
    sources = [
        {
            "name": "report.pdf",
            "passages": [1, 3],
            "pages": [2, 5],
            "snippets": [
                {"passage": 1, "page": 2, "text": "Revenue\ngrew   4%."},
                {"passage": 3, "page": 5, "text": "Costs fell."},
            ],
        },
        {
            "name": "notes.txt",
            "passages": [2],
            "pages": [],
            "snippets": [{"passage": 2, "page": None, "text": "Ask Ada."}],
        },
    ]
    assert markdown(sources)[3:] == [
        "- [1] report.pdf, page 2 — “Revenue grew 4%.”",
        "- [2] notes.txt — “Ask Ada.”",
        "- [3] report.pdf, page 5 — “Costs fell.”",
    ]


def test_older_sources_without_passage_snippets_give_one_line_per_document() -> None:
    older = [{"name": "a.pdf", "passages": [2, 4], "pages": [1, 7], "snippet": "First part."}]
    assert passages(older) == [(2, "a.pdf, pages 1, 7", "First part.")]
    assert markdown([]) == []
    assert passages([{"name": "b.txt", "snippet": "x"}]) == [(0, "b.txt", "x")]
