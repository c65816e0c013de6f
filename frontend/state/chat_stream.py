"""What a run's event stream has said so far, read one event at a time.

Kept apart from the chat state so the reading is a plain object the tests can feed events to;
the state only decides what to show when.
"""

from __future__ import annotations

import dataclasses

from frontend import api_client
from frontend.state.knowledge_models import ChatSource, sources_of
from frontend.state.run_timeline import RunTimeline, apply_event

# The message box, so a refused prompt can be put back into it.
PROMPT_INPUT_ID = "prompt-input"
# Text put back by script does not fire "input", which is what grows the box to fit it.
REGROW_BOX = (
    f"document.getElementById({PROMPT_INPUT_ID!r})"
    "?.dispatchEvent(new Event('input', {bubbles: true}))"
)
# Statuses of a prompt the server refused before any run began: empty (422), too long (413).
REFUSED = (413, 422)


@dataclasses.dataclass
class StreamRead:
    """The answer, its sources and steps, and how the stream ended, as far as it has gone."""

    conversation_id: str
    # Tokens not yet shown.
    pending: str = ""
    answer: str = ""
    failure: str = ""
    # The status of a refused prompt (see REFUSED); 0 when it was accepted.
    refused: int = 0
    sources: list[ChatSource] = dataclasses.field(default_factory=list)
    timeline: RunTimeline = dataclasses.field(default_factory=RunTimeline)

    def take(self, event: api_client.StreamEvent) -> str:
        """Read one event; say what to show: "started", "steps", "error" (stop reading) or ""."""
        self.timeline = apply_event(self.timeline, event)
        if event.type == "started":
            self.conversation_id = str(event.data.get("conversation_id") or self.conversation_id)
            return "started"
        if event.type == "token":
            self.pending += str(event.data.get("text", ""))
            return ""
        if event.type in ("completed", "stopped", "no_answer"):
            self.answer = str(event.data.get("answer") or "")
            self.sources = sources_of(event.data) or self.sources
            self.conversation_id = str(event.data.get("conversation_id") or self.conversation_id)
            return ""
        if event.type == "error":
            self.failure = str(event.data.get("message") or "The agent stopped with an error.")
            return "error"
        self.sources = sources_of(event.data) or self.sources
        return "steps"

    def refuse(self, error: api_client.ApiError) -> None:
        """The request failed; a refusal before any run began is told apart from a failure."""
        self.failure = error.message
        self.conversation_id = error.conversation_id or self.conversation_id
        self.refused = error.status if error.status in REFUSED and not self.timeline.run_id else 0
