"""How ``/api/health`` answers turn into the indicator's colour and text."""

from __future__ import annotations

import pytest

from frontend.state.health import download_progress, summarize_health


def _health(status: str, state: str, db_ok: bool = True, detail: str = "") -> dict[str, object]:
    return {
        "status": status,
        "version": "0.1.0",
        "llm": {
            "provider": "embedded",
            "state": state,
            "model": "qwen",
            "detail": detail,
            "tokens_per_second": None,
            "progress": None,
        },
        "database": {"ok": db_ok},
    }


@pytest.mark.parametrize(
    ("health", "level", "summary"),
    [
        (_health("ok", "ready"), "ok", "qwen ready"),
        (_health("degraded", "starting", detail="loading weights"), "degraded", "qwen starting…"),
        (_health("degraded", "down", detail="port closed"), "down", "Model unavailable"),
        (_health("degraded", "ready", db_ok=False), "down", "Database unavailable"),
        (_health("degraded", "degraded"), "down", "Model unavailable"),
        ({}, "down", "Unexpected answer"),
    ],
)
def test_summarize_health(health: dict[str, object], level: str, summary: str) -> None:
    got_level, got_summary, detail = summarize_health(health)
    assert (got_level, got_summary) == (level, summary)
    # Anything short of ready explains itself in the tooltip.
    assert detail or level == "ok"


def test_model_detail_is_kept_for_the_tooltip() -> None:
    assert summarize_health(_health("degraded", "down", detail="port closed"))[2] == "port closed"


def test_a_model_download_is_amber_with_its_progress_in_words() -> None:
    health = _health("degraded", "downloading", detail="download 45%")
    health["llm"]["progress"] = {  # type: ignore[index]
        "stage": "download",
        "percent": 45.8,
        "bytes_done": 512_000_000,
        "bytes_total": 1_117_320_768,
    }
    assert summarize_health(health)[:2] == ("degraded", "Downloading the model…")
    assert download_progress(health) == (45.8, "Downloading 512 of 1,117 MB")


def test_no_banner_once_the_model_is_ready() -> None:
    health = _health("ok", "ready")
    health["llm"]["progress"] = None  # type: ignore[index]
    assert download_progress(health) == (-1.0, "")
    # A download that has not said its size yet shows no banner either.
    health = _health("degraded", "downloading")
    progress = {"stage": "download", "percent": 0.0, "bytes_done": 0, "bytes_total": 0}
    health["llm"]["progress"] = progress  # type: ignore[index]
    assert download_progress(health) == (-1.0, "")
    assert download_progress({}) == (-1.0, "")
