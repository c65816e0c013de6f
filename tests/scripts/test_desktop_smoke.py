"""The desktop smoke test looks for the app's data where the frozen app really keeps it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from backend.config import default_data_dir
from scripts import desktop_smoke


@pytest.mark.skipif(sys.platform == "win32", reason="Windows' folder does not follow HOME")
def test_the_default_data_folder_is_the_one_the_frozen_app_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    expected = desktop_smoke.default_data_dir(tmp_path)
    assert default_data_dir() == expected
    if sys.platform == "linux":
        # under a dot-folder: the case the inbox used to be skipped in
        assert expected == tmp_path / ".local" / "share" / "AgentDesk"


def test_the_smoke_environment_points_the_app_at_the_temporary_home(tmp_path: Path) -> None:
    data = desktop_smoke.default_data_dir(tmp_path / "home")
    env = desktop_smoke.clean_environment(data, tmp_path / "home", False, None)
    assert env["HOME"] == str(tmp_path / "home")
    assert "AGENTDESK_DATA_DIR" not in env
    assert not [key for key in env if key.startswith(("XDG_", "VIRTUAL_ENV", "PYTHON"))]
    assert (data / "fake-rules.json").is_file()
