"""Imports run one way: connectors and actions -> helpdesk -> knowledge -> changai.

Every ``import`` statement of the project's packages is read (top level and inside functions),
so a new module is checked without editing this test. The map is ``docs/decisions.md``
("Layout and import direction").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("changai", "knowledge", "helpdesk", "actions", "connectors", "rasa_project", "bench")

# What each package may import from the project, besides itself.
ALLOWED: dict[str, set[str]] = {
    "changai": set(),
    "knowledge": {"changai"},
    "helpdesk": {"changai", "knowledge"},
    "actions": {"changai", "knowledge", "helpdesk"},
    "connectors": {"changai", "knowledge", "helpdesk"},
    "rasa_project": {"changai", "knowledge"},
    "bench": {"changai", "knowledge", "helpdesk", "connectors", "rasa_project", "tests"},
}
# Composition roots: they wire the packages together, so they may import any of them but
# `actions` (which nothing outside it imports).
COMPOSITION_ROOTS = {
    "changai/cli.py": {"knowledge", "helpdesk"},
    "changai/ask.py": {"knowledge"},
    "changai/db/migrations/env.py": {"knowledge", "helpdesk", "connectors"},
}
PROJECT = {*PACKAGES, "tests"}


def imported_modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def violations() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            allowed = ALLOWED[package] | COMPOSITION_ROOTS.get(relative, set()) | {package}
            for name in imported_modules(path):
                top = name.split(".")[0]
                if top in PROJECT and top not in allowed:
                    found.append(f"{relative} imports {name}")
    return sorted(set(found))


def test_imports_run_one_way() -> None:
    assert violations() == []


def test_nothing_outside_actions_and_its_tests_imports_actions() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("actions/", "tests/", ".venv/", "build/")):
            continue
        if any(name.split(".")[0] == "actions" for name in imported_modules(path)):
            offenders.append(relative)
    assert offenders == []


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
