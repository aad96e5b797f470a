"""Validate action-server responses against a schema compiled once.

Stock ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``
for every custom-action response. ``validate`` first checks the *schema*
against its meta-schema and builds a new validator; the schema is a constant
(``RemoteAction.action_response_format_spec()``), so on this machine that
repeated work cost about as much as the rest of a message. Even with the
validator built once, checking each event against the 23 alternatives of the
event schema's ``oneOf`` still cost about 1.5 ms per response. Rasa offers no
extension point for it (``RemoteAction`` is created inside
``rasa.core.actions.action.action_for_name_or_text``), so ``install()``
replaces that one method, at run time, with one that:

1. accepts the response at once when a *sufficient* check proves it valid:
   every event is an object whose ``event`` names exactly one alternative of
   the ``oneOf`` (they are told apart by a ``const`` on ``event``, so every
   other alternative fails), and the event passes the schema's common part and
   that one alternative, each checked by a validator built once;
2. otherwise does what ``jsonschema.validate`` does with a validator built
   once: same validator class (chosen by ``validator_for``), same best error
   (``best_match``), same message.

So a response is accepted or rejected exactly as stock does it, with the same
error. No file under site-packages changes. The decision and its limits are in
docs/decisions.md; ``tests/test_rasa_speedups.py`` checks that the replacement
accepts and rejects exactly what the original does.

It is installed by importing ``rasa_project.tracker_store`` (the project's
tracker store, named in endpoints.yml), so only the project's stack uses it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

STOCK_VALIDATE = RemoteAction._validate_action_result


def _validator(schema: Mapping[str, Any]) -> Any:
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    return _validator(RemoteAction.action_response_format_spec())


class _EventChecks:
    """Validators for the event schema's common part and for each ``oneOf`` alternative.

    ``usable`` is False when the schema does not have the expected shape
    (a Rasa upgrade changed it): then every response takes the full check.
    """

    def __init__(self, response_schema: Mapping[str, Any]) -> None:
        self.common: Any = None
        self.by_type: dict[str, Any] = {}
        self.usable = False
        try:
            properties = response_schema["properties"]
            responses = properties["responses"]
            events = properties["events"]
            event_schema = events["items"]
            alternatives = event_schema["oneOf"]
            consts = [alternative["properties"]["event"]["const"] for alternative in alternatives]
        except (KeyError, TypeError):
            return
        expected_top = {"type": "object", "properties": properties}
        if (
            dict(response_schema) != expected_top
            or set(properties) != {"events", "responses"}
            or responses != {"type": "array", "items": {"type": "object"}}
            or set(events) != {"type", "items"}
            or events["type"] != "array"
            or not all(isinstance(const, str) for const in consts)
            or len(set(consts)) != len(consts)
            or event_schema.get("type") != "object"
            or "event" not in event_schema.get("required", ())
        ):
            return
        common = {key: value for key, value in event_schema.items() if key != "oneOf"}
        self.common = _validator(common)
        self.by_type = {
            const: _validator(alternative)
            for const, alternative in zip(consts, alternatives, strict=True)
        }
        self.usable = True

    def plainly_valid(self, result: Any) -> bool:
        """True only if ``result`` is valid under the response schema (a sufficient check).

        An event object that is valid under the common part has a string
        ``event``; an alternative whose ``const`` differs from it fails, so the
        ``oneOf`` holds exactly when the alternative named by ``event`` holds.
        """
        if not self.usable or type(result) is not dict:
            return False
        if "responses" in result:
            responses = result["responses"]
            if type(responses) is not list or any(type(r) is not dict for r in responses):
                return False
        if "events" in result:
            events = result["events"]
            if type(events) is not list:
                return False
            for event in events:
                if type(event) is not dict or type(event.get("event")) is not str:
                    return False
                alternative = self.by_type.get(event["event"])
                if alternative is None:
                    return False
                if not self.common.is_valid(event) or not alternative.is_valid(event):
                    return False
        return True


@functools.lru_cache(maxsize=1)
def _event_checks() -> _EventChecks:
    return _EventChecks(RemoteAction.action_response_format_spec())


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with validators built once."""
    if _event_checks().plainly_valid(result):
        return True
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
        RemoteAction._validate_action_result = validate_action_result


__all__ = ["STOCK_VALIDATE", "ValidationError", "install", "validate_action_result"]
