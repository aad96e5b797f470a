"""The compiled-once replacements behave exactly as the stock Rasa code they replace."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.nlu.classifiers.keyword_intent_classifier import KeywordIntentClassifier

from rasa_project import rasa_speedups
from rasa_project.components.keyword_classifier import CompiledKeywordIntentClassifier
from tests.support.training import training_examples

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
    # what the project's actions return, and near misses of it
    {
        "events": [
            {"event": "slot", "timestamp": None, "name": "last_faq_id", "value": 12},
            {"event": "slot", "timestamp": 1.5, "name": "offer", "value": None},
            {"event": "pause", "timestamp": None},
            {"event": "action", "name": "action_listen", "policy": None, "confidence": None},
        ],
        "responses": [{"text": "答复", "buttons": [{"title": "有用", "payload": "/x"}]}],
    },
    {"events": [{"event": "slot", "name": "region"}]},  # a slot event needs its value
    {"events": [{"event": "slot", "name": 5, "value": 1}]},  # a slot name is a string
    {"events": [{"event": "slot", "name": "region", "value": 1, "timestamp": "now"}]},
    {"events": [{"event": "slot", "name": "region", "value": 1, "timestamp": True}]},
    {"events": [{"event": "slot", "name": "region", "value": 1, "metadata": []}]},
    {"events": [{"event": 7}]},  # the event type is a string
    {"events": [{"event": None}]},
    {"events": ["slot"]},
    {"events": [{"event": "action", "name": "x", "confidence": "high"}]},
    {"events": [{"event": "action", "name": "x", "hide_rule_turn": "yes"}]},
    {"events": [{"event": "user", "text": "你好", "parse_data": {"intent": {"name": 3}}}]},
    {"events": [{"event": "user", "text": "你好", "parse_data": {"entities": [{"value": 1}]}}]},
    {
        "events": [
            {
                "event": "user",
                "text": "你好",
                "parse_data": {
                    "intent": {"name": "greet", "confidence": 0.9},
                    "entities": [{"entity": "region", "value": "广州", "start": 0, "end": 2}],
                    "intent_ranking": [{"name": "greet", "confidence": 0.9}],
                },
            },
            {"event": "entities", "entities": [{"entity": "region", "value": "广州"}]},
            {"event": "entities"},
        ]
    },
    {"events": [{"event": "bot", "text": "好"}, {"event": "slot", "name": "a", "value": 1}]},
    {"events": [], "responses": [{}], "extra": "kept"},
    {"events": [{"event": "followup", "name": "action_x"}], "responses": None},
]


def outcome(validate, response):
    try:
        return validate(RemoteAction("action_x", None), response)
    except ValidationError as error:
        return ("invalid", error.message, list(error.path), error.validator)


@pytest.mark.parametrize("response", RESPONSES, ids=range(len(RESPONSES)))
def test_response_validation_matches_stock(response) -> None:
    stock = outcome(rasa_speedups.STOCK_VALIDATE, response)
    ours = outcome(rasa_speedups.validate_action_result, response)
    assert ours == stock


def test_the_project_s_responses_take_the_quick_check() -> None:
    """The speed-up stays in force: typical responses need no full schema walk."""
    checks = rasa_speedups._event_checks()
    assert checks.usable
    assert checks.plainly_valid(RESPONSES[0]) and checks.plainly_valid(RESPONSES[10])
    assert not checks.plainly_valid(RESPONSES[11])  # invalid: the full check reports it


def mutations() -> list[object]:
    """Valid events of every type with one field changed to each of several odd values."""
    checks = rasa_speedups._event_checks()
    odd_values: list[object] = [None, True, 0, 1.5, "", "x", [], {}, [{}], {"name": 1}]
    base = {"timestamp": 1.0, "metadata": {}}
    fields = ["event", "timestamp", "metadata", "name", "value", "text", "policy"]
    fields += ["confidence", "entities", "parse_data", "hide_rule_turn", "action_text"]
    cases: list[object] = []
    for event_type in sorted(checks.by_type):
        event = {**base, "event": event_type, "name": "n", "value": 1, "entities": []}
        cases.append({"events": [event]})
        for field in fields:
            for value in odd_values:
                cases.append({"events": [{**event, field: value}]})
            cases.append({"events": [{k: v for k, v in event.items() if k != field}]})
    return cases


def test_quick_check_never_accepts_what_the_full_check_rejects() -> None:
    """Over some 3,000 generated responses, ours gives the compiled full check's outcome.

    (The compiled full check gives stock's outcome: the test above.)
    """

    def full(_action: RemoteAction, response: object) -> bool:
        error = best_match(rasa_speedups._response_validator().iter_errors(response))
        if error is None:
            return True
        raise ValidationError(error.message + ". Failed")

    cases = mutations()
    assert len(cases) > 2000
    accepted = 0
    for response in cases:
        ours = outcome(rasa_speedups.validate_action_result, response)
        expected = outcome(full, response)
        assert (ours is True) == (expected is True), response
        if ours is not True:
            assert ours[1].startswith(expected[1].removesuffix(". Failed")), response
        accepted += ours is True
    assert 100 < accepted < len(cases)


def test_install_replaces_the_method_once() -> None:
    rasa_speedups.install()
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is rasa_speedups.validate_action_result
    assert outcome(RemoteAction._validate_action_result, {"events": []}) is True


def keyword_map(cls: type[KeywordIntentClassifier]) -> KeywordIntentClassifier:
    """Train ``cls``'s keyword map from the project's examples, as ``train`` does."""
    classifier = cls({"case_sensitive": False}, None, None, None)
    for intent, text in training_examples():
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
    texts = [t for _, t in training_examples()] + questions + ["好的", "好的呀", "你好", "HELLO"]
    texts += ["好的。", "，你好", "你好！请问", "HELLO world", "Ok", "谢谢!", "hi there", "(", "?"]
    assert [ours._map_keyword_to_intent(t) for t in texts] == [
        stock._map_keyword_to_intent(t) for t in texts
    ]
    assert sum(ours._map_keyword_to_intent(t) is not None for t in texts) > 500
    # the pre-check is in force: most dev-set questions skip the ordered search
    skipped = [q for q in questions if not any(c.search(q) for c in ours._pre_checks())]
    assert len(skipped) > len(questions) / 2
