"""The resume cue (issue #13): 继续 and its forms become affirm with the `resume` entity."""

from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_project.components.resume_cue import ResumeCueClassifier


def classified(text: str, intent: str = "nlu_fallback") -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.5})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.5}])
    return ResumeCueClassifier().process([message])[0]


def test_going_on_is_affirm_with_the_resume_entity() -> None:
    message = classified("继续刚才的检查")
    assert message.get(INTENT) == {"name": "affirm", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "affirm"
    [entity] = message.get(ENTITIES)
    assert (entity["entity"], entity["value"]) == ("resume", "eligibility_check")


def test_other_messages_keep_what_nlu_gave_them() -> None:
    for text in ("继续教育补贴怎么领", "好的", '/affirm{"resume":"eligibility_check"}'):
        message = classified(text, "ask_training_subsidy")
        assert message.get(INTENT)["name"] == "ask_training_subsidy"
        assert not message.get(ENTITIES)
