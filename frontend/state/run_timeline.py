"""A run's events turned into the step timeline shown under an answer and on the Agents page.

Pure functions only: the chat and the Agents page feed them events, the tests check them
without a server. ``apply_event`` returns a new timeline and leaves the one given untouched.
How durations, usage and long texts read is in ``run_format.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from frontend.api_client import StreamEvent
from frontend.state.knowledge_models import file_name
from frontend.state.run_format import clip, elapsed, format_duration_ms, pretty_json, usage_text
from frontend.state.run_format import format_seconds as format_seconds

# Team agents get a coloured badge each, so a glance tells who said what.
AGENT_COLORS = {"Planner": "violet", "Executor": "teal"}
STATUS_COLORS = {
    "running": "blue",
    "completed": "green",
    "no_answer": "orange",
    "stopped": "amber",
    "error": "red",
}
# How a status reads where it is shown; the raw value stays in data-status.
STATUS_LABELS = {"no_answer": "no answer"}


@dataclasses.dataclass
class TimelineItem:
    """One step of a run, ready to draw; fields a kind does not use stay empty."""

    kind: str
    title: str
    text: str = ""
    agent: str = ""
    agent_color: str = ""
    at: str = ""
    tool: str = ""
    arguments: str = ""
    result: str = ""
    error: str = ""
    duration: str = ""
    state: str = ""
    code: str = ""
    output: str = ""
    sources: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class RunTimeline:
    """What one run did: its route, its steps and how it ended."""

    run_id: str = ""
    mode: str = ""
    engine: str = ""
    reason: str = ""
    # "" before the run starts, then running, completed, no_answer, stopped or error.
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    message: str = ""
    answer: str = ""
    usage: str = ""
    started_ts: str = ""
    steps: list[TimelineItem] = dataclasses.field(default_factory=list)


def route_title(mode: str, reason: str) -> str:
    """The route line: auto explains itself ("auto: … → code"), a chosen mode says so."""
    if not reason or reason.startswith("auto"):
        return reason or f"answered by {mode}"
    return f"{mode}: {reason}"


def _agent_of(event: StreamEvent, engine: str) -> tuple[str, str]:
    """The badge for an event: team agents by name; the engine itself needs none."""
    agent = event.agent
    if not agent or agent == engine or agent == "chat":
        return "", ""
    return agent, AGENT_COLORS.get(agent, "gray")


def _step_item(event: StreamEvent, engine: str) -> TimelineItem:
    data, kind = event.data, str(event.data.get("kind") or "step")
    agent, color = _agent_of(event, engine)
    item = TimelineItem(kind=kind, title=kind.capitalize(), agent=agent, agent_color=color)
    if kind == "retrieval":
        raw = [s for s in data.get("sources") or [] if isinstance(s, dict)]
        item.sources = list(dict.fromkeys(file_name(source) for source in raw))
        if data.get("error"):
            item.title, item.error = "Document search failed", str(data["error"])
        elif raw:
            count = len(raw)
            item.title = f"Found {count} passage{'' if count == 1 else 's'} in your documents"
        else:
            item.title = "No matching passages in your documents"
    elif kind == "thought":
        item.text = str(data.get("text") or "")
    elif kind == "message":
        # The agent's badge already says who is talking.
        item.title, item.text = ("" if agent else "Message"), str(data.get("text") or "")
    elif kind == "code":
        item.title = "Ran code"
        item.code = str(data.get("code") or "")
        item.output = clip(str(data.get("output") or ""))
        item.error = clip(str(data.get("error") or ""))
    elif kind == "answer_check":
        passed = bool(data.get("passed"))
        item.title = "Answer accepted" if passed else "Answer sent back"
        item.text = "" if passed else str(data.get("reason") or "")
        item.output = "" if passed else clip(str(data.get("answer") or ""))
    elif kind == "fallback":
        item.title = f"{data.get('from', '?')} failed; {data.get('to', '?')} answers instead"
        item.text = str(data.get("reason") or "")
    elif kind == "route":
        item.title = route_title(engine, str(data.get("reason") or ""))
    else:
        item.text = str(data.get("text") or pretty_json(data))
    return item


def _tool_call(event: StreamEvent, engine: str) -> TimelineItem:
    agent, color = _agent_of(event, engine)
    tool = str(event.data.get("tool") or "tool")
    return TimelineItem(
        kind="tool",
        title=tool,
        tool=tool,
        agent=agent,
        agent_color=color,
        arguments=pretty_json(event.data.get("arguments", {})),
        state="running",
    )


def _finish_tool(items: list[TimelineItem], event: StreamEvent, engine: str) -> None:
    """Fill in the latest unfinished call of the same tool (or add one if it is missing)."""
    data = event.data
    tool = str(data.get("tool") or "tool")
    pending = [i for i in items if i.kind == "tool" and i.tool == tool and i.state == "running"]
    if pending:
        found = pending[-1]
        index = items.index(found)
        found = dataclasses.replace(found)
        items[index] = found
    else:
        found = _tool_call(StreamEvent("tool_call", {"tool": tool}, event.agent), engine)
        found.arguments = ""
        items.append(found)
    found.duration = format_duration_ms(data.get("duration_ms"))
    if data.get("error"):
        found.state, found.error = "failed", clip(str(data["error"]))
    else:
        found.state, found.result = "done", clip(str(data.get("result") or ""))


def _queued(items: list[TimelineItem], data: dict[str, Any]) -> None:
    """One queue line, updated as the run moves up."""
    title = f"Waiting for a free agent slot: number {data.get('position', '?')} in line"
    for index, item in enumerate(items):
        if item.kind == "queue":
            items[index] = dataclasses.replace(item, title=title)
            return
    items.append(TimelineItem(kind="queue", title=title))


def apply_event(timeline: RunTimeline, event: StreamEvent) -> RunTimeline:
    """The timeline after ``event``; tokens leave it as it is (the answer shows them)."""
    if event.type == "token":
        return timeline
    new = dataclasses.replace(timeline, steps=list(timeline.steps))
    data = event.data
    if event.type == "started":
        new.run_id = event.run_id or new.run_id
        new.mode = str(data.get("mode") or "")
        new.engine = str(data.get("engine") or "")
        new.reason = str(data.get("reason") or "")
        new.status, new.status_color = "running", STATUS_COLORS["running"]
        new.status_label = status_label(new.status)
        new.started_ts = event.ts
        if new.reason:
            new.steps.append(TimelineItem(kind="route", title=route_title(new.mode, new.reason)))
    elif event.type == "step":
        if data.get("kind") == "route" and data.get("engine"):
            # The model picked the engine for an unsure auto route, once the run began.
            new.engine = new.mode = str(data["engine"])
        new.steps.append(_step_item(event, new.engine))
    elif event.type == "tool_call":
        new.steps.append(_tool_call(event, new.engine))
    elif event.type == "tool_result":
        _finish_tool(new.steps, event, new.engine)
    elif event.type == "progress":
        if data.get("state") == "queued":
            _queued(new.steps, data)
        elif data.get("state") == "model_call":
            new.usage = usage_text(data) or new.usage
        return new
    elif event.type in ("completed", "stopped", "error"):
        new.status, new.status_color = event.type, STATUS_COLORS[event.type]
        new.status_label = status_label(event.type)
        new.answer = str(data.get("answer") or new.answer)
        new.message = str(data.get("message") or "")
        if event.type != "completed":
            title = "Stopped" if event.type == "stopped" else "Failed"
            new.steps.append(TimelineItem(kind=event.type, title=title, text=new.message))
    elif event.type == "no_answer":
        # The rejected text is not the answer: it shows as the step's output, never as one.
        new.status, new.status_color = "no_answer", STATUS_COLORS["no_answer"]
        new.status_label = status_label("no_answer")
        new.answer, new.message = "", str(data.get("reason") or data.get("message") or "")
        rejected = clip(str(data.get("rejected") or ""))
        item = TimelineItem(kind="no_answer", title="No answer", text=new.message, output=rejected)
        new.steps.append(item)
    else:
        return new
    if event.type != "started" and len(new.steps) > len(timeline.steps):
        # Only the item this event added: the others may be shared with ``timeline``.
        new.steps[-1].at = elapsed(new.started_ts, event.ts)
    return new


def status_label(status: str) -> str:
    """A run status as people read it: ``no_answer`` → ``no answer``."""
    return STATUS_LABELS.get(status, status)


def timeline_of(events: Iterable[StreamEvent]) -> RunTimeline:
    """The whole timeline of a run from its events (e.g. a replay)."""
    timeline = RunTimeline()
    for event in events:
        timeline = apply_event(timeline, event)
    return timeline
