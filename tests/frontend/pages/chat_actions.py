"""Steps the chat page tests share: ask, wait for the answer, use a conversation's menu."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect


def ask(page: Page, question: str) -> None:
    """Type a question and send it with Enter."""
    box = page.get_by_label("Message", exact=True)
    box.fill(question)
    box.press("Enter")


def answer_with(page: Page, text: str, timeout: float = 60_000) -> Locator:
    """The finished answer bubble holding ``text``, once it shows."""
    bubble = page.get_by_test_id("message").filter(has_text=text)
    expect(bubble).to_be_visible(timeout=timeout)
    return bubble


def choose_mode(page: Page, label: str) -> None:
    """Pick an agent mode in the selector under the message box."""
    trigger = page.get_by_test_id("mode-select")
    # Opened from the keyboard: Radix ignores a click that lands on the list while the pointer
    # that opened it is still near where it went down.
    trigger.focus()
    trigger.press("Enter")
    page.get_by_role("option", name=label, exact=True).click()
    expect(trigger).to_contain_text(label)


def conversation_action(page: Page, title: str, action_testid: str) -> None:
    """Open a conversation's actions menu and pick one entry."""
    # A menu still closing would take the click on its button as "close" instead of "open".
    expect(page.get_by_role("menu")).to_have_count(0)
    page.get_by_label(f"Actions for conversation {title}", exact=True).click()
    page.get_by_test_id(action_testid).click()


def delete_conversation(page: Page, title: str) -> None:
    """Delete a conversation through its menu and the confirmation dialog."""
    conversation_action(page, title, "delete-conversation")
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text(title)
    dialog.get_by_test_id("confirm-action").click()
    expect(dialog).to_have_count(0)


def team_rules(topic: str, final_delay: float = 0.0) -> list[dict[str, Any]]:
    """A scripted team run about ``topic``: the Planner plans, the Executor uses the calculator,
    the Planner answers.

    AutoGen ends each agent's request with the other agent's latest message as the user
    message, so each rule matches the message it answers; the Executor sees the Planner's step
    twice (before and after its tool ran), hence ``times`` to answer first with the tool call.
    ``final_delay`` holds the Planner's answer back, so the run can be watched while it works.
    """
    return [
        {"match": f"{topic}: three nights at 120", "reply": PLAN, "times": 1},
        {"match": "calculator on 3", "tool_calls": [CALCULATOR_CALL], "times": 1},
        {"match": "calculator on 3", "reply": EXECUTOR_REPORT, "times": 1},
        {
            "match": "calculator says 360",
            "reply": f"FINAL ANSWER: {TEAM_ANSWER}",
            "delay": final_delay,
            "times": 1,
        },
    ]


PLAN = "1. Use the calculator on 3 * 120."
CALCULATOR_CALL = {"name": "calculator", "arguments": {"expression": "3 * 120"}}
EXECUTOR_REPORT = "The calculator says 360."
TEAM_ANSWER = "Three nights cost 360 euros."


def team_question(topic: str) -> str:
    """The question the rules of :func:`team_rules` answer."""
    return f"{topic}: three nights at 120 euros each, what is the total?"
