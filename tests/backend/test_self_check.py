"""The desktop app's self-check: what it loads, and that a missing module fails it by name."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from backend import self_check


def test_every_heavy_module_the_app_loads_lazily_is_checked() -> None:
    names = [name for name, _ in self_check.checks()]
    for module in ("sentence_transformers", "faiss", "smolagents", "xllamacpp", "pypdf", "docx"):
        assert module in names
    assert any(name.startswith("langchain") for name in names)
    assert any(name.startswith("autogen") for name in names)
    assert names[-2:] == ["embedding model", "sandbox worker"]


def test_a_module_that_cannot_be_imported_fails_the_check_by_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = "agentdesk_no_such_module"
    selected = [
        ("pypdf", functools.partial(self_check.check_import, "pypdf")),
        (missing, functools.partial(self_check.check_import, missing)),
    ]
    assert self_check.main(selected) == 1
    out = capsys.readouterr().out
    assert "ok pypdf: imported" in out
    assert f"FAILED {missing}: ModuleNotFoundError" in out
    assert out.strip().endswith(f"self-check FAILED: {missing}")


def test_the_sandbox_worker_runs_python(capsys: pytest.CaptureFixture[str]) -> None:
    assert self_check.main([("sandbox worker", self_check.check_sandbox)]) == 0
    assert "ok sandbox worker: monty" in capsys.readouterr().out


def test_in_the_desktop_app_the_sandbox_worker_is_in_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert self_check.monty_binary().parent == tmp_path / "bin"
    with pytest.raises(FileNotFoundError):
        self_check.check_sandbox()
