"""Imports run one way: connectors and actions -> helpdesk -> knowledge -> changai.

Every ``import`` statement of the project's packages is read (top level and inside functions),
so a new module is checked without editing this test, and a new top-level folder with Python
in it fails until it is given its place here. The map is ``docs/decisions.md`` ("Layout and
import direction"); ``../shared/ARCHITECTURE.md`` says: connectors and actions -> knowledge /
helpdesk -> changai, and nothing outside ``actions/`` imports ``actions``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "analytics",
    "changai",
    "knowledge",
    "helpdesk",
    "actions",
    "connectors",
    "rasa_project",
    "bench",
    "scripts",
)

# What each package may import from the project, besides itself.
ALLOWED: dict[str, set[str]] = {
    "analytics": {"changai", "knowledge", "helpdesk"},
    "changai": set(),
    "knowledge": {"changai"},
    "helpdesk": {"changai", "knowledge"},
    "actions": {"changai", "knowledge", "helpdesk"},
    "connectors": {"changai", "knowledge", "helpdesk"},
    "rasa_project": {"changai", "knowledge"},
    "bench": {
        "analytics",
        "changai",
        "knowledge",
        "helpdesk",
        "connectors",
        "rasa_project",
        "tests",
    },
    "scripts": set(),
}
# Composition roots: they wire the packages together, so they may import any of them but
# `actions` (which nothing outside it imports).
COMPOSITION_ROOTS = {
    "changai/cli.py": {"knowledge", "helpdesk"},
    "changai/ask.py": {"knowledge"},
    "changai/db/migrations/env.py": {"analytics", "knowledge", "helpdesk", "connectors"},
}
PROJECT = {*PACKAGES, "tests"}
# Folders that hold no Python of their own, or none that is checked here.
NOT_CHECKED = {"tests", "docs", "build", "models", "var", "results"}


def imported_modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            allowed = ALLOWED[package] | COMPOSITION_ROOTS.get(relative, set()) | {package}
            for name in imported_modules(path):
                top = name.split(".")[0]
                if top in PROJECT and top not in allowed:
                    found.append(f"{relative} imports {name}")
    return sorted(set(found))


def actions_importers(root: Path = ROOT) -> list[str]:
    """Every module outside ``actions/`` and the tests that imports ``actions``."""
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("actions/", "tests/", ".venv/", "build/")):
            continue
        if any(name.split(".")[0] == "actions" for name in imported_modules(path)):
            offenders.append(relative)
    return sorted(offenders)


def test_imports_run_one_way() -> None:
    assert violations() == []


def test_nothing_outside_actions_and_its_tests_imports_actions() -> None:
    assert actions_importers() == []


def test_the_map_keeps_the_direction() -> None:
    """The table itself: connectors and actions -> knowledge / helpdesk -> changai."""
    assert ALLOWED["changai"] == set()
    assert ALLOWED["knowledge"] == {"changai"}  # never the help desk
    assert ALLOWED["helpdesk"] <= {"changai", "knowledge"}
    for package, allowed in ALLOWED.items():
        assert "actions" not in allowed, package
        if package != "bench":  # the benchmarks drive the console like a browser
            assert "connectors" not in allowed, package
    for root, allowed in COMPOSITION_ROOTS.items():
        assert root.startswith("changai/") and "actions" not in allowed, root


def test_every_folder_with_python_is_checked() -> None:
    folders = {
        folder.name
        for folder in ROOT.iterdir()
        if folder.is_dir()
        and not folder.name.startswith(".")
        and folder.name not in NOT_CHECKED
        and next(folder.rglob("*.py"), None) is not None
    }
    assert folders == set(PACKAGES)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("knowledge/wrong.py", "from helpdesk import tickets\n"),
        ("knowledge/wrong.py", "def later():\n    import helpdesk.errors\n"),
        ("knowledge/wrong.py", "from connectors.console import app\n"),
        ("helpdesk/wrong.py", "from connectors.widget import store\n"),
        ("changai/wrong.py", "from knowledge import catalogue\n"),
        ("connectors/wrong.py", "import actions.contact\n"),
        ("rasa_project/wrong.py", "from helpdesk.models import Ticket\n"),
    ],
)
def test_the_walk_finds_a_planted_wrong_import(tmp_path: Path, path: str, source: str) -> None:
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / path).write_text(source, encoding="utf-8")
    assert {line.split(" imports ")[0] for line in violations(tmp_path)} == {path}


@pytest.mark.parametrize("path", ["knowledge/uses.py", "scripts/uses.py", "deploy/uses.py"])
def test_an_actions_import_is_found_anywhere_outside_actions(tmp_path: Path, path: str) -> None:
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_text("from actions.conversation import transcript\n", "utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("import actions\n", encoding="utf-8")
    assert actions_importers(tmp_path) == [path]


def test_no_module_imports_a_test_module() -> None:
    """Shared test helpers live in tests/support; test modules are never imported."""
    offenders = []
    for path in [*ROOT.glob("tests/**/*.py"), *ROOT.glob("bench/*.py")]:
        for name in imported_modules(path):
            parts = name.split(".")
            if parts[0] == "tests" and len(parts) > 1 and parts[1].startswith("test_"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("from helpdesk import tickets\n", "knowledge"),
        ("import actions.contact\n", "connectors"),
        ("from connectors.widget import store\n", "helpdesk"),
    ],
)
def test_the_check_catches_a_wrong_import(tmp_path: Path, source: str, forbidden: str) -> None:
    module = tmp_path / "example.py"
    module.write_text(source, encoding="utf-8")
    top = imported_modules(module)[0].split(".")[0]
    assert top not in ALLOWED[forbidden] | {forbidden}
