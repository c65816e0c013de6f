"""The Models page's cards, built from ``GET /api/models`` bodies without a server."""

from __future__ import annotations

from typing import Any

from backend.api.schemas.models import ModelCatalog
from frontend.state.models_view import clock, gigabytes, memory_words, to_cards


def entry(model_id: str, **changes: Any) -> dict[str, Any]:
    body = {
        "id": model_id, "name": model_id.title(), "kind": "catalog", "repo": "org/repo",
        "filename": f"{model_id}.gguf", "path": f"/m/{model_id}.gguf", "size_bytes": 2_100_000_000,
        "memory_bytes": 3_200_000_000, "license": "MIT", "description": "", "installed": False,
        "active": False, "partial_bytes": 0, "fits": True, "fit_note": "", "removable": False,
    }  # fmt: skip
    return {**body, **changes}


def catalog(*entries: dict[str, Any], download: dict[str, Any] | None = None) -> ModelCatalog:
    return ModelCatalog.model_validate(
        {
            "models": list(entries),
            "active": "",
            "download": download,
            "memory_total_bytes": 16_000_000_000,
            "memory_available_bytes": 9_200_000_000,
            "models_dir": "/data/models",
            "hub_url": "https://huggingface.co",
            "provider": "embedded",
            "model_state": "ready",
            "model_detail": "",
            "note": "",
        }
    )


def test_a_running_download_shows_progress_and_blocks_other_downloads() -> None:
    download = {
        "model_id": "big", "name": "Big", "state": "downloading", "bytes_done": 861_000_000,
        "bytes_total": 2_100_000_000, "percent": 41.0, "speed": 12_300_000.0,
        "eta_seconds": 100.0, "error": "",
    }  # fmt: skip
    big, other = to_cards(catalog(entry("big"), entry("other"), download=download))
    assert big.downloading and big.percent == 41 and big.status == "downloading"
    assert big.progress_text == "41% · 0.9 GB of 2.1 GB · 12.3 MB/s · 1 min 40 s left"
    assert not big.can_download and not big.can_remove
    assert not other.downloading and not other.can_download


def test_states_and_actions_follow_the_entry() -> None:
    active, installed, warned, added = to_cards(
        catalog(
            entry("a", installed=True, active=True, kind="builtin"),
            entry("b", installed=True, removable=True),
            entry("c", fits=False, fit_note="Won't fit: needs about 6.0 GB"),
            entry("d", kind="added", installed=False),
        )
    )
    assert (active.status_label, active.can_activate, active.can_remove) == ("In use", False, False)
    assert installed.can_activate and installed.can_remove and not installed.can_download
    assert not warned.fits and warned.can_download and warned.fit_note.startswith("Won't fit")
    assert added.status_label == "File missing" and not added.can_download


def test_a_failed_download_shows_its_reason() -> None:
    failed = {
        "model_id": "x", "name": "X", "state": "failed", "bytes_done": 10, "bytes_total": 20,
        "percent": 50.0, "speed": 0.0, "eta_seconds": None,
        "error": "The downloaded file does not match the hub's checksum",
    }  # fmt: skip
    (card,) = to_cards(catalog(entry("x"), download=failed))
    assert card.status == "failed" and "checksum" in card.error and card.can_download


def test_words() -> None:
    assert gigabytes(4_680_000_000) == "4.7 GB" and gigabytes(3_000_000) == "3 MB"
    assert clock(3725) == "1 h 02 min" and clock(42) == "42 s" and clock(None) == "—"
    assert memory_words(catalog()) == ("This computer: 16.0 GB of memory, 9.2 GB free for a model.")
