"""The gate between an engine's answer and a *completed* run.

The answer is checked (``agents.answer_check``). One that fails is sent back once: one more
model turn gets the question, the reason, the previous answer and every tool result of the run
verbatim, so a result the answer dropped ("… is [1]") is right there to copy. If that answer
fails too, the run ends *no answer* with the reason, never *completed*.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from agents import prompts
from agents.answer_check import check_answer
from agents.answer_clock import against_clock, needs_reading
from agents.answer_code_inputs import CodeStep, founded_outputs, miscased
from agents.answer_compute import against_computation, against_text_work
from agents.answer_evidence import (
    READING_TOOLS,
    evidence_of,
    held_to_evidence,
    percent_factors,
    unfounded,
    unfounded_quote,
)
from agents.answer_files import dropped_files, misplaced_write, unread, unread_named
from agents.answer_not_found import denies_what_was_read
from agents.answer_tool_talk import ToolOutput
from agents.answer_unused import from_question_only, unused_figure
from agents.answer_values import numbers
from agents.engines.base import RunContext
from agents.events import RunEvent
from agents.followup import refers_back
from agents.intents import lacks_operands

# Tool results handed to the repair turn: the newest few, each cut to this many characters
# (a small model on 2 cores reads about 60 tokens a second).
REPAIR_TOOL_RESULTS = 4
REPAIR_RESULT_CHARS = 800
# Who reads the clock for a run that did not (the name shown on its tool call).
CHECKER = "answer check"
# The rejected answer shown in the timeline, cut to this many characters.
SHOWN_ANSWER_CHARS = 500


# Plain chat has no calculator: a sum it got wrong twice is one for a mode that has.
CALCULATOR_POINTER = "{modes} mode can work this out with the calculator."


class NoAnswer(Exception):
    """The run's answer failed the check twice; ``reason`` says why, ``answer`` is the last
    rejected text, ``computation`` whether the calculator's value of the question was missing."""

    def __init__(self, reason: str, answer: str, computation: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.answer = answer
        self.computation = computation


def shown_reason(exc: NoAnswer, mode: str, engine: str) -> str:
    """The reason a user reads: for a sum plain chat got wrong, where it can be worked out
    (the agent, which Auto picks for sums; just Agent when Auto already chose chat)."""
    if not exc.computation or engine != "chat":
        return exc.reason
    modes = "Agent" if mode == "auto" else "Auto or Agent"
    return f"{exc.reason}. {CALCULATOR_POINTER.format(modes=modes)}"


def tool_outputs(events: Sequence[RunEvent]) -> list[ToolOutput]:
    """What the run's tools returned, in order; refused and failed calls are left out."""
    return [
        ToolOutput(str(e.data.get("tool", "")), str(e.data["result"]))
        for e in events
        if e.type == "tool_result" and not e.data.get("error") and "result" in e.data
    ]


def repair_messages(
    context: RunContext, answer: str, reason: str, tools: Sequence[ToolOutput]
) -> list[dict[str, Any]]:
    """The one extra model turn: the question, why the answer was refused, the tool results."""
    recent = tools[-REPAIR_TOOL_RESULTS:]
    listed = "\n".join(f"- {o.tool}: {o.result[:REPAIR_RESULT_CHARS]}" for o in recent)
    text = prompts.load("answer_repair").format(
        reason=reason,
        question=context.question,
        tool_results=listed or "(no tools were used)",
        answer=answer.strip() or "(empty)",
    )
    return [*context.history, {"role": "user", "content": text}]


async def _repair(context: RunContext, messages: list[dict[str, Any]]) -> str:
    """The repair turn, streamed like any answer after a blank line."""
    usage: dict[str, Any] = {}
    parts: list[str] = []
    await context.emit("token", {"text": "\n\n"})
    async for text in context.client.stream(
        messages, usage=usage, max_tokens=context.max_tokens, temperature=context.temperature
    ):
        parts.append(text)
        await context.emit("token", {"text": text})
    for key, value in usage.items():
        if isinstance(value, int):
            context.usage[key] = int(context.usage.get(key, 0)) + value
    return "".join(parts).strip()


def tool_calls(events: Sequence[RunEvent]) -> list[tuple[str, str]]:
    """Each tool call of the run: the tool's name and its arguments as text."""
    return [
        (str(e.data.get("tool", "")), json.dumps(e.data.get("arguments", {})))
        for e in events
        if e.type == "tool_call"
    ]


def written_paths(events: Sequence[RunEvent]) -> list[str]:
    """The paths the run's write_file calls were given."""
    return [
        str(e.data["arguments"]["path"])
        for e in events
        if e.type == "tool_call"
        and e.data.get("tool") == "write_file"
        and isinstance(e.data.get("arguments"), dict)
        and "path" in e.data["arguments"]
    ]


def code_steps(events: Sequence[RunEvent]) -> list[CodeStep]:
    """The code agent's steps that ran: their code and what they printed (or last values)."""
    return [
        CodeStep(str(e.data.get("code") or ""), str(e.data.get("output") or ""))
        for e in events
        if e.type == "step" and e.data.get("kind") == "code" and not e.data.get("error")
    ]


def code_outputs(events: Sequence[RunEvent]) -> list[str]:
    """What the code agent's steps printed (or their last values)."""
    return [step.output for step in code_steps(events)]


def _worked(prompt: str, answer: str) -> str | None:
    """Why ``answer`` does not give the value the prompt itself works out to, or None."""
    return against_computation(prompt, answer) or against_text_work(prompt, answer)


def answer_problem(
    context: RunContext,
    answer: str,
    tools: Sequence[ToolOutput],
    events: Sequence[RunEvent],
    engine: str = "",
) -> str | None:
    """Why ``answer`` may not end the run *completed*, or None: the answer check, then whether
    an answer about the user's files or documents stands on what the run read."""
    worked = _worked(context.prompt, answer)
    # An answer that gives the value the question itself works out to needs carry no tool's
    # value: a calculator called with "1/2 * 3" for "Reverse the word 'stressed'" had made
    # "desserts" a refused answer, for leaving out 1.5.
    carried = () if worked is None and _worked(context.prompt, "") is not None else tools
    reason = check_answer(context.prompt, answer, carried) or against_clock(
        context.prompt, answer, tools
    )
    if reason is not None and worked is not None:
        # The repair turn gets the value the question asks for, not only the slip on the way
        # ("930 * 61 = 57030 is wrong" left the sum of squares itself still unknown to it).
        return f"{reason}; {worked}"
    if reason is not None or worked is not None:
        return reason or worked
    passages = context.question if context.sources else ""
    about = subject(context)
    read = [(o.tool, o.result) for o in tools]
    outputs, typed = code_outputs(events), None
    held = held_to_evidence(about, bool(passages))
    if held:
        # Code output counts only when the code computed from figures the run had seen.
        known = [*evidence_of(read, [], passages).numbers(), *numbers(about)]
        outputs, typed = founded_outputs(code_steps(events), known)
    evidence = evidence_of(read, outputs, passages)
    # Plain chat calls no tool: it is not blamed for reading nothing.
    can_read = engine != "chat" and any(name in context.tools for name in READING_TOOLS)
    # What the run read of the user's documents and files, passage by passage.
    looked_up = [
        *(str(getattr(hit, "text", "")) for hit in context.sources),
        *(result for tool, result in read if tool in READING_TOOLS - {"list_files", "write_file"}),
    ]
    return (
        # The most precise reason first: a value compared in the wrong case explains a 0.
        (miscased(code_steps(events), looked_up, answer) if held else None)
        or denies_what_was_read(about, answer, looked_up)
        or unread(about, evidence, bool(passages), can_read)
        or (unread_named(about, tool_calls(events), read) if can_read else None)
        or misplaced_write(about, written_paths(events))
        or dropped_files(about, answer, read)
        or unfounded(about, answer, evidence, bool(passages), typed.problem() if typed else "")
        or unfounded_quote(about, answer, evidence, bool(passages))
        or (unused_figure(about, answer, numbers("\n".join(looked_up))) if held else None)
        or (
            from_question_only(about, answer, percent_factors(about))
            if held and lacks_operands(about)
            else None
        )
    )


def subject(context: RunContext) -> str:
    """What the question is about: a follow-up that points back ("And the west region?") is
    about the question it follows too."""
    if not refers_back(context.prompt, context.history):
        return context.prompt
    previous = [t["content"] for t in context.history if t.get("role") == "user"]
    return f"{previous[-1]}\n{context.prompt}" if previous else context.prompt


async def read_clock(context: RunContext) -> ToolOutput:
    """The clock, read for a question about today the run answered without reading it; shown
    in the timeline as a call of current_time by the answer check."""
    from agents.tools.builtin import current_time

    reading = current_time()
    await context.emit("tool_call", {"tool": "current_time", "arguments": {}}, CHECKER)
    result = {"tool": "current_time", "duration_ms": 0.0, "chars": len(reading), "result": reading}
    await context.emit("tool_result", result, CHECKER)
    return ToolOutput("current_time", reading)


async def checked_answer(
    context: RunContext, answer: str, events: Sequence[RunEvent], engine: str = ""
) -> str:
    """``answer`` if it passes; else the repaired answer if that passes; else NoAnswer."""
    tools = tool_outputs(events)
    if needs_reading(context.prompt, tools, any(code_outputs(events))):
        tools = [*tools, await read_clock(context)]
    reason = answer_problem(context, answer, tools, events, engine)
    if reason is None:
        return answer
    shown = answer.strip()[:SHOWN_ANSWER_CHARS]
    await context.emit(
        "step", {"kind": "answer_check", "passed": False, "reason": reason, "answer": shown}
    )
    repaired = await _repair(context, repair_messages(context, answer, reason, tools))
    again = answer_problem(context, repaired, tools, events, engine)
    if again is not None:
        computed = against_computation(context.prompt, repaired)
        computation = computed is not None and again.endswith(computed)
        raise NoAnswer(again, repaired or answer, computation)
    await context.emit("step", {"kind": "answer_check", "passed": True, "reason": ""})
    return repaired
