"""An answer's own arithmetic is worked again: a wrong sum is caught with the right value."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from agents.answer_arithmetic import arithmetic_error, wrong_sums
from agents.answer_check import check_answer
from backend.llm.fake_server import FakeOpenAIServer


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        ("For 6 days that is 6 × 42 euros = 232 euros.", "252"),
        ("265 km × €0.30/km = €75.50", "79.5"),
        ("15% of 1,400 = 220", "210"),
        ("Total: 120 + 85 + 143 + 97 = 435 units", "445"),
        ("The growth is (13,950 - 12,400) / 12,400 = 13.5%", "12.5 %"),
        ("First 2 + 2 = 4. Then 4 x 3 = 13.", "12"),
        ("7 * 8 equals 54", "56"),
        ("2^10 = 1000", "1,024"),
        # Chains, one equal sign at a time, and the LaTeX small models write.
        ("30*31*61/6 = 30*31*10.5 = 9765", "9,455"),
        ("\\[ 930 \\times 61 = 57030 \\]", "56,730"),
        ("\\[ \\frac{3,870,000 \\text{ euros}}{64 \\text{ people}} = 60,062.5 \\]", "60,468.75"),
        ("\\( 35\\% \\) of 240 is \\( 0.35 \\cdot 240 = 94 \\)", "84"),
        ("4,200,000 / 37 = 112,514 euros per employee", "113,513.5135"),
    ],
)
def test_a_wrong_result_is_reported_with_the_right_one(answer: str, right: str) -> None:
    (wrong,) = wrong_sums(answer)
    assert wrong.endswith(f"it comes to {right}")


@pytest.mark.parametrize(
    "answer",
    [
        "6 × 42 euros = 252 euros.",
        "265 km x 0.30 euros per km = 79.50 euros",
        "4 days * 45 euros/day = 180 euros",
        "15% of 1,400 = 210",
        "(13,950 - 12,400) / 12,400 × 100 = 12.5%",
        "(13,950 - 12,400) / 12,400 = 12.5%",
        "4,200,000 / 37 = 113,514 euros",
        "10 / 3 = 3.33, or about 3",
        "1/3 = 0.33",
        # Not arithmetic, or not one way to read it: left alone.
        "On 2024-02-29 = a Thursday",
        "Pages 3-4 = two pages",
        "Open 9:00 - 17:00 = 8 hours",
        "1,275 + 8% = 1,377",
        "The capital of Australia is Canberra.",
        "x = 5 and y = 7",
        "1071 ÷ 462 = 2 remainder 147",
        "So 462 = 147 × 3 + 0, and the GCD is 147.",
        "\\[ \\sum_{i=1}^{30} i^2 = \\frac{30 \\times 31 \\times 61}{6} = 9455 \\]",
        "\\[ \\text{Total} = 4 \\times 38 = 152 \\text{ euros} \\]",
        "Rate: 3,870,000 / 64 ≈ 60,469 euros",
    ],
)
def test_right_or_unreadable_sums_pass(answer: str) -> None:
    assert wrong_sums(answer) == []
    assert arithmetic_error(answer) is None


def test_the_answer_check_sends_back_a_wrong_sum() -> None:
    reason = check_answer("How much is the meal allowance for 6 days?", "It is 6 × 42 = 232 euros.")
    assert reason == (
        "the answer's arithmetic is wrong: '6 × 42 = 232 euros' is wrong: it comes to 252"
    )
    assert check_answer("How much for 6 days?", "It is 6 × 42 = 252 euros.") is None


async def test_a_wrong_sum_in_a_chat_answer_is_repaired_before_the_run_completes(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules(
        [
            {"match": "was not accepted", "reply": "For 6 days: 6 × 42 = 252 euros."},
            {"match": "6 days", "reply": "For 6 days: 6 × 42 = 232 euros."},
        ]
    )
    response = await client.post(
        "/api/agent/query",
        json={"prompt": "A day costs 42 euros. What do 6 days cost?", "mode": "chat"},
    )
    body: dict[str, Any] = response.json()
    assert body["status"] == "completed", body
    assert body["answer"] == "For 6 days: 6 × 42 = 252 euros."
    repair = fake.requests[-1]["messages"][-1]["content"]
    assert "it comes to 252" in repair


async def test_a_sum_still_wrong_after_the_repair_ends_no_answer(
    client: httpx.AsyncClient, fake: FakeOpenAIServer
) -> None:
    fake.set_rules([{"reply": "For 6 days: 6 × 42 = 232 euros."}])
    response = await client.post(
        "/api/agent/query",
        json={"prompt": "A day costs 42 euros. What do 6 days cost?", "mode": "chat"},
    )
    body: dict[str, Any] = response.json()
    assert body["status"] == "no_answer" and body["answer"] == ""
    assert body["reason"].startswith("the answer's arithmetic is wrong")
