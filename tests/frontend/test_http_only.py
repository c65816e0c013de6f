"""The UI reaches the API over HTTP only: no module of ``frontend/`` imports the server.

Reading the settings (where the API listens, its token) and the API's response models (pure
Pydantic, ``backend/api/schemas``) is all the UI may take from ``backend``; the API app, its
guards and the launcher are put together in ``backend/startup``.
"""

from __future__ import annotations

import ast
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
# Settings (the API's address and token, read the same way the server reads them) and the
# response models of the API contract, which are pure data (backend/api/schemas).
ALLOWED = {"backend.config"}
CONTRACT = "backend.api.schemas"


def backend_imports(path: Path) -> set[str]:
    """Every ``backend`` module that ``path`` imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "backend":
                names = [f"backend.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] == "backend")
    return found


def test_the_ui_package_imports_no_server_code() -> None:
    offending = {
        str(path.relative_to(FRONTEND.parent)): sorted(
            name
            for name in backend_imports(path) - ALLOWED
            if name != CONTRACT and not name.startswith(f"{CONTRACT}.")
        )
        for path in sorted(FRONTEND.rglob("*.py"))
    }
    assert {name: mods for name, mods in offending.items() if mods} == {}


def test_the_scan_sees_every_form_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import backend.main\nfrom backend import lifecycle\n"
        "def f():\n    from backend.server import x\n"
    )
    assert backend_imports(sample) == {"backend.main", "backend.lifecycle", "backend.server"}


def test_the_contract_imports_no_server_code() -> None:
    """The response models the UI shares stay pure data: no FastAPI, database or services."""
    schemas = FRONTEND.parent / "backend" / "api" / "schemas"
    pulled = {
        str(path.name): sorted(
            name for name in backend_imports(path) if not name.startswith(CONTRACT)
        )
        for path in sorted(schemas.glob("*.py"))
    }
    assert {name: mods for name, mods in pulled.items() if mods} == {}
