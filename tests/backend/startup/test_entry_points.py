"""``run.py`` and the desktop app start the same way: ``backend.startup.launch.main``."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

import run
from backend import self_check
from backend.llm import llama_server
from backend.startup import launch

PROJECT_ROOT = Path(__file__).resolve().parents[3]
OWN_PACKAGES = ("backend", "frontend", "agents", "rxconfig")


def spec_value(name: str) -> ast.expr:
    """The expression first assigned to ``name`` in build.spec."""
    tree = ast.parse((PROJECT_ROOT / "build.spec").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return node.value
    raise AssertionError(f"build.spec assigns no {name}")


def test_run_py_calls_the_launchers_main() -> None:
    assert run.main is launch.main


def test_the_desktop_app_freezes_run_py() -> None:
    analysis = next(
        node
        for node in ast.walk(ast.parse((PROJECT_ROOT / "build.spec").read_text("utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Analysis"
    )
    entry = analysis.args[0]
    assert "run.py" in ast.unparse(entry)


def test_every_own_module_build_spec_names_exists() -> None:
    names = ast.literal_eval(spec_value("hiddenimports"))
    own = [name for name in names if name.split(".")[0] in OWN_PACKAGES]
    assert "backend.startup.web_app" in own
    missing = [name for name in own if importlib.util.find_spec(name) is None]
    assert missing == []


def test_reflex_serves_the_app_start_up_puts_together() -> None:
    import rxconfig

    assert rxconfig.config.module == "backend.startup.web_app"
    assert importlib.util.find_spec(rxconfig.config.module) is not None


@pytest.mark.parametrize(
    ("argv", "target", "name"),
    [
        (["--serve-model", "--port", "1"], llama_server, "main"),
        (["--self-check"], self_check, "main"),
    ],
)
def test_the_desktop_app_reenters_for_the_model_server_and_the_self_check(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], target: object, name: str
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(launch, "FROZEN", True)
    monkeypatch.setattr(target, name, lambda *args: calls.append(args) or 7)
    monkeypatch.setattr(launch, "start", lambda argv: pytest.fail("started the app"))
    assert launch.main(argv) == 7
    assert len(calls) == 1


def test_from_source_those_flags_are_not_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launch, "FROZEN", False)
    with pytest.raises(SystemExit) as exited:
        launch.main(["--self-check"])
    assert exited.value.code == 2
