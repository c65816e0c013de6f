from pathlib import Path

from agents.history import fit_history
from backend.config import load_settings


def test_keeps_newest_messages_that_fit(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, data_dir=tmp_path, context_size=1024, max_tokens=256)
    history = [{"role": "user", "content": f"message {i} " + "x" * 400} for i in range(20)]
    kept = fit_history(history, "question", settings)
    assert 0 < len(kept) < len(history)
    assert kept == history[-len(kept) :]


def test_short_history_is_kept_whole(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, data_dir=tmp_path)
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    assert fit_history(history, "next", settings) == history
