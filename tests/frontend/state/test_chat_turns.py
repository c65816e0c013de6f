"""Which bubbles regenerate and edit act on, how a refused prompt is told apart, what the
conversation search shows, and how attached files learn their state."""

from __future__ import annotations

from frontend import api_client
from frontend.state.chat_attach import AttachedFile, with_states
from frontend.state.chat_models import ChatMessage
from frontend.state.chat_stream import StreamRead
from frontend.state.chat_turns import dropped_by_edit, last_exchange, user_ordinal
from frontend.state.conversation_search import to_match


def _messages(*roles: str) -> list[ChatMessage]:
    return [ChatMessage(id=f"m{i}", role=role, content=f"text {i}") for i, role in enumerate(roles)]


def test_regenerate_needs_an_answer_last_and_finds_its_question() -> None:
    assert last_exchange(_messages("user", "assistant", "user", "assistant")) == (2, 3)
    # A question whose run failed has no answer bubble: nothing to regenerate.
    assert last_exchange(_messages("user", "assistant", "user")) is None
    assert last_exchange([]) is None


def test_an_edit_counts_what_it_drops_beyond_its_own_answer() -> None:
    messages = _messages("user", "assistant", "user", "assistant", "user")
    assert dropped_by_edit(messages, 4) == 0
    assert dropped_by_edit(messages, 2) == 1
    assert dropped_by_edit(messages, 0) == 3
    assert dropped_by_edit(_messages("user", "user", "assistant"), 0) == 2


def test_questions_are_found_on_the_server_by_their_order() -> None:
    # A stopped run leaves an empty answer bubble here that the server does not store.
    messages = _messages("user", "assistant", "user", "assistant", "user")
    assert [user_ordinal(messages, i) for i in (0, 2, 4)] == [0, 1, 2]


def test_a_refusal_before_any_run_is_not_a_failure_of_a_run() -> None:
    read = StreamRead("c1")
    read.refuse(api_client.ApiError("the prompt is 9,000 characters long", 413))
    assert read.refused == 413 and read.failure.startswith("The prompt is 9,000")

    started = StreamRead("")
    started.take(api_client.StreamEvent("started", {"conversation_id": "c2"}, run_id="r1"))
    started.refuse(api_client.ApiError("the model server is down", 413))
    assert started.refused == 0 and started.conversation_id == "c2"

    down = StreamRead("c1")
    down.refuse(api_client.ApiError("cannot reach the AgentDesk server", 0))
    assert down.refused == 0


def test_a_search_hit_marks_the_words_from_their_start() -> None:
    raw = {
        "id": "c1",
        "title": "",
        "updated_at": "2026-01-01T00:00:00+00:00",
        "snippet": "The keeper lit the lamp for personal reasons.",
        "message_id": "m1",
        "role": "assistant",
    }
    match = to_match(raw, "per")
    assert match.title == "Untitled conversation"
    assert [part.text for part in match.parts if part.match] == ["personal"]


def test_attached_files_take_the_state_of_their_document() -> None:
    files = [AttachedFile("a.txt", "/inbox/a.txt"), AttachedFile("b.txt", "/inbox/b.txt")]
    documents = [{"path": "/inbox/a.txt", "state": "indexed"}, {"path": "/other/b.txt"}]
    assert [f.state for f in with_states(files, documents)] == ["indexed", "pending"]
