"""The Agents page at ``/agents``: each engine's state and record, recent runs, transcripts."""

from __future__ import annotations

import reflex as rx

from frontend.components.agents_panels import engines_grid, runs_card, transcript_dialog
from frontend.components.nav import sidebar_frame, sidebar_note
from frontend.components.page_frame import error_callout, page_body, page_frame
from frontend.state.agents import AgentsState

ROUTE = "/agents"
TITLE = "Agents · AgentDesk"
# What the page is for, under the links in the sidebar.
NOTE = (
    "Every answer is a run. Open one to see each step its agents took, "
    "or export it as Markdown or JSON."
)


def agents_page() -> rx.Component:
    """Sidebar; engine cards over the runs table on the right; a run opens in a dialog."""
    return page_frame(
        "Agents",
        sidebar_frame(sidebar_note(NOTE)),
        page_body(error_callout(AgentsState.error, "agents-error"), engines_grid(), runs_card()),
        transcript_dialog(),
        watcher=AgentsState,
        testid="agents-page",
    )
