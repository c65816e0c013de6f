"""The knowledge tables have one owner: only ``backend/knowledge/`` (and ``backend/storage/``,
where the tables are declared) reads or writes documents, chunks, folders and the ingest state.

Tools, routers and tasks ask ``KnowledgeService`` or its read model
(``backend/knowledge/library.py``); none of them imports the tables' ORM classes or
``backend.knowledge.store``, nor writes SQL against the tables.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from backend.storage.models import Base

ROOT = Path(__file__).resolve().parents[3]
APP = ("agents", "backend", "frontend")
OWNERS = ("backend/knowledge/", "backend/storage/")
TABLES = {"documents", "chunks", "folders", "app_state"}
STORE = "backend.knowledge.store"
MODELS = "backend.storage.models"
SQL = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(documents|chunks(?:_fts)?|folders|app_state)\b")


def table_classes() -> set[str]:
    """The ORM classes mapped to the knowledge tables, read from the models themselves."""
    return {m.class_.__name__ for m in Base.registry.mappers if m.local_table.name in TABLES}


def _absolute(node: ast.ImportFrom, module: str) -> str:
    """The module an ``ImportFrom`` names, relative imports resolved against ``module``."""
    if not node.level:
        return node.module or ""
    package = module.split(".")[: -node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def trespasses(path: Path, module: str, classes: set[str]) -> set[str]:
    """What ``path`` (the module ``module``) takes of the knowledge tables: ``store``, a table
    class (imported, or read off the models module), or SQL naming a table."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    models_aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == STORE or alias.name.startswith(f"{STORE}."):
                    found.add(STORE)
                elif alias.name == MODELS:
                    models_aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, module)
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if source == STORE or full == STORE:
                    found.add(STORE)
                elif source == MODELS and (alias.name in classes or alias.name == "*"):
                    found.add(f"{MODELS}.{alias.name}")
                elif full == MODELS:
                    models_aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(f"SQL on {table}" for table in SQL.findall(node.value))
    found.update(
        f"{MODELS}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in classes
        and ast.unparse(node.value) in models_aliases
    )
    return found


def test_only_the_knowledge_package_touches_the_knowledge_tables() -> None:
    classes = table_classes()
    offending: dict[str, list[str]] = {}
    for package in APP:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name.startswith(OWNERS):
                continue
            module = name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            taken = trespasses(path, module, classes)
            if taken:
                offending[name] = sorted(taken)
    assert offending == {}, "ask KnowledgeService or backend/knowledge/library.py instead"


def test_the_knowledge_tables_are_the_ones_the_rule_names() -> None:
    assert table_classes() == {"Document", "Chunk", "WatchedFolder", "Setting"}


def test_the_scan_sees_every_way_in(tmp_path: Path) -> None:
    classes = table_classes()
    forms = {
        "from backend.storage.models import Chunk, Run": {f"{MODELS}.Chunk"},
        "from backend.storage.models import *": {f"{MODELS}.*"},
        "from backend.storage import models as m\nm.Document": {f"{MODELS}.Document"},
        "import backend.storage.models\nbackend.storage.models.WatchedFolder": {
            f"{MODELS}.WatchedFolder"
        },
        "from backend.knowledge import store": {STORE},
        "def f():\n    from backend.knowledge.store import folders": {STORE},
        "import backend.knowledge.store as s": {STORE},
        "from ..knowledge import store": {STORE},
        "from ..storage.models import Setting": {f"{MODELS}.Setting"},
        'q = "SELECT id, path FROM documents WHERE state = 1"': {"SQL on documents"},
        'q = "SELECT rowid FROM chunks_fts"': {"SQL on chunks_fts"},
        # Allowed: other tables, the knowledge package's own modules, prose.
        "from backend.storage.models import Run, new_id": set(),
        "from backend.knowledge.library import Library": set(),
        '"""Passages from documents, ranked."""': set(),
    }
    for source, expected in forms.items():
        sample = tmp_path / "sample.py"
        sample.write_text(source + "\n", encoding="utf-8")
        assert trespasses(sample, "backend.api.sample", classes) == expected, source
