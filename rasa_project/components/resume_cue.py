"""继续 / 继续刚才的检查 / 接着查 / 回到刚才的问题: take up the eligibility check that waits.

``knowledge.interruptions.is_resume`` decides, on the whole message. Such a message gets the
intent ``affirm`` (confidence 1.0) and a ``resume`` entity; a rule sends it to
``action_resume_check``, which starts the form again when a check waits (paused by another
question, or stopped by 算了). No intent of its own: a new intent changes DIET's label
vocabulary and so its weights, and a tested hardship question became a training one
(docs/decisions.md). The pause note's button sends ``/affirm{"resume":"eligibility_check"}``.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.interruptions import RESUME_ENTITY, RESUME_INTENT, RESUME_VALUE, is_resume
from rasa_project.components.base import UntrainedComponent, sure_entity, sure_intent

EXTRACTOR = "ResumeCueClassifier"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ResumeCueClassifier(UntrainedComponent):
    """Marks 继续 (and its forms) with the ``resume`` entity and the intent ``affirm``."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/") or not is_resume(text):
                continue
            sure_intent(message, RESUME_INTENT)
            entity = sure_entity(RESUME_ENTITY, RESUME_VALUE, 0, len(text), EXTRACTOR)
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages
