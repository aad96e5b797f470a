"""The compiled-once replacements behave exactly as the stock Rasa code they replace."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.nlu.classifiers.keyword_intent_classifier import KeywordIntentClassifier

from rasa_project import rasa_speedups
from rasa_project.components.keyword_classifier import CompiledKeywordIntentClassifier

ROOT = Path(__file__).resolve().parent.parent

RESPONSES = [
    {"events": [], "responses": []},
    {},
    {
        "events": [{"event": "slot", "name": "region", "value": "广州", "timestamp": None}],
        "responses": [{"text": "好的", "custom": {"type": "answer"}, "buttons": []}],
    },
    {"events": [{"event": "pause"}, {"event": "resume"}, {"event": "followup", "name": "x"}]},
    {"events": {"event": "slot"}},  # events must be a list
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"name": "region"}]},  # no event type
    {"responses": "好的"},
    {"responses": [["not", "an", "object"]]},
    "not an object",
]


def outcome(validate, response):  # type: ignore[no-untyped-def]
    try:
        return validate(RemoteAction("action_x", None), response)
    except ValidationError as error:
        return ("invalid", error.message, list(error.path), error.validator)


@pytest.mark.parametrize("response", RESPONSES, ids=range(len(RESPONSES)))
def test_response_validation_matches_stock(response) -> None:  # type: ignore[no-untyped-def]
    stock = outcome(rasa_speedups.STOCK_VALIDATE, response)
    ours = outcome(rasa_speedups.validate_action_result, response)
    assert ours == stock


def test_install_replaces_the_method_once() -> None:
    rasa_speedups.install()
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is rasa_speedups.validate_action_result
    assert outcome(RemoteAction._validate_action_result, {"events": []}) is True


def training_examples() -> list[tuple[str, str]]:
    examples = []
    for path in sorted((ROOT / "rasa_project" / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                for line in str(block["examples"]).splitlines():
                    if line.strip().startswith("- "):
                        examples.append((line.strip()[2:].strip(), block["intent"]))
    return examples


def keyword_map(cls: type[KeywordIntentClassifier]) -> KeywordIntentClassifier:
    """Train ``cls``'s keyword map from the project's examples, as ``train`` does."""
    classifier = cls({"case_sensitive": False}, None, None, None)  # type: ignore[arg-type]
    for text, intent in training_examples():
        classifier.intent_keyword_map.setdefault(text, intent)
    classifier._validate_keyword_map()
    return classifier


def test_keyword_classifier_matches_stock() -> None:
    stock = keyword_map(KeywordIntentClassifier)
    ours = keyword_map(CompiledKeywordIntentClassifier)
    assert len(stock.intent_keyword_map) > 500
    assert ours.intent_keyword_map == stock.intent_keyword_map
    questions = [
        q["text"]
        for q in yaml.safe_load(
            (ROOT / "tests" / "eval" / "dev_set.yml").read_text(encoding="utf-8")
        )["questions"]
    ]
    texts = [t for t, _ in training_examples()] + questions + ["好的", "好的呀", "你好", "HELLO"]
    assert [ours._map_keyword_to_intent(t) for t in texts] == [
        stock._map_keyword_to_intent(t) for t in texts
    ]
    assert sum(ours._map_keyword_to_intent(t) is not None for t in texts) > 500
