"""Validate action-server responses against a schema compiled once.

Stock ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``
for every custom-action response. ``validate`` first checks the *schema*
against its meta-schema and builds a new validator; the schema is a constant
(``RemoteAction.action_response_format_spec()``), so on this machine that
repeated work cost about as much as the rest of a message. Rasa offers no
extension point for it (``RemoteAction`` is created inside
``rasa.core.actions.action.action_for_name_or_text``), so ``install()``
replaces that one method, at run time, with one that does what
``jsonschema.validate`` does with a validator built once: same validator class
(chosen by ``validator_for``), same best error (``best_match``), same message.
No file under site-packages changes. The decision and its limits are in
docs/decisions.md; ``tests/test_rasa_speedups.py`` checks that the replacement
accepts and rejects exactly what the original does.

It is installed by importing ``rasa_project.tracker_store`` (the project's
tracker store, named in endpoints.yml), so only the project's stack uses it.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

STOCK_VALIDATE = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the validator built once."""
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Idempotent: the replacement is installed once per process."""
    if RemoteAction._validate_action_result is not validate_action_result:
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


__all__ = ["STOCK_VALIDATE", "ValidationError", "install", "validate_action_result"]
