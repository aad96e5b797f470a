"""The action endpoint skips sending the domain, which is safe only while no action reads it.

``enable_selective_domain: true`` (rasa_project/endpoints.yml) makes Rasa leave the
domain out of every action call; rasa_sdk then hands the actions an empty dict.
This test fails as soon as an action's ``run`` uses its ``domain`` argument or an
action derives from an SDK class that reads it (forms, slot validation).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from pathlib import Path

import yaml
from rasa_sdk import Action

import actions

ROOT = Path(__file__).resolve().parent.parent


def project_actions() -> list[type[Action]]:
    found: list[type[Action]] = []
    for module_info in pkgutil.iter_modules(actions.__path__):
        module = importlib.import_module(f"actions.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_selective_domain_is_on() -> None:
    endpoints = yaml.safe_load((ROOT / "rasa_project" / "endpoints.yml").read_text("utf-8"))
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True


def test_no_action_reads_the_domain() -> None:
    classes = project_actions()
    assert len(classes) >= 8
    for cls in classes:
        if cls().name().startswith("validate_"):
            # Rasa sends the domain to validate_ actions even with the selective domain on
            # (Domain._collect_actions_which_explicitly_need_domain): forms may read it.
            continue
        assert cls.__bases__ == (Action,), f"{cls.__name__} derives from {cls.__bases__}"
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls.run)))
        function = tree.body[0]
        assert isinstance(function, ast.AsyncFunctionDef | ast.FunctionDef)
        assert [a.arg for a in function.args.args][-1] == "domain"
        used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
        assert "domain" not in used, f"{cls.__name__}.run reads the domain"
