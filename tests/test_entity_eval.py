"""The per-entity scoring of `make eval` (tests/eval/entities.py) counts what it should."""

from __future__ import annotations

import pytest

from tests.eval.entities import extracted, load_set, score


def test_scores_per_type_and_micro() -> None:
    pairs = [
        ({"region": {"广州"}, "skill_level": {"中级工"}}, {"region": {"广州"}}),  # one missed
        ({"region": {"深圳"}}, {"region": {"深圳", "东莞"}}),  # one false alarm
        ({}, {"aid_type": {"医疗救助"}}),  # a false alarm where nothing was expected
        ({"aid_type": {"送温暖"}}, {"aid_type": {"送温暖"}}),
    ]
    table = score(pairs)
    assert (table["region"].tp, table["region"].fp, table["region"].fn) == (2, 1, 0)
    assert (table["skill_level"].tp, table["skill_level"].fn) == (0, 1)
    assert table["skill_level"].recall == 0.0
    assert (table["aid_type"].tp, table["aid_type"].fp) == (1, 1)
    assert table["aid_type"].precision == pytest.approx(0.5)
    micro = table["micro"]
    assert (micro.tp, micro.fp, micro.fn) == (3, 2, 1)
    assert micro.f1 == pytest.approx(2 * 0.6 * 0.75 / (0.6 + 0.75))


def test_extracted_ignores_the_input_gate_and_duplicates() -> None:
    parse = {
        "entities": [
            {"entity": "skill_level", "value": "中级工"},
            {"entity": "skill_level", "value": "中级工"},
            {"entity": "input_issue", "value": "emoji"},
        ]
    }
    assert extracted(parse) == {"skill_level": {"中级工"}}


def test_the_annotated_set_is_held_out_and_uses_lexicon_values(lexicon) -> None:
    from tests.support.training import key, training_examples

    items = load_set()
    assert len(items) >= 60
    trained = {key(text) for _, text in training_examples()}
    assert [text for text, _ in items if key(text) in trained] == []
    for text, expected in items:
        for kind, values in expected.items():
            known = set(lexicon.surfaces[kind].values())
            assert values <= known, f"{text}: {values - known} is not a canonical {kind}"
