"""继续 / 继续刚才的检查 / 接着查 / 回到刚才的问题: take up the eligibility check that waits.

``knowledge.interruptions.is_resume`` decides, on the whole message. Such a message gets the
intent ``affirm`` (confidence 1.0) and a ``resume`` entity; a rule sends it to
``action_resume_check``, which starts the form again when a check waits (paused by another
question, or stopped by 算了). No intent of its own: a new intent changes DIET's label
vocabulary and so its weights, and a tested hardship question became a training one
(docs/decisions.md). The pause note's button sends ``/affirm{"resume":"eligibility_check"}``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.interruptions import RESUME_ENTITY, RESUME_INTENT, RESUME_VALUE, is_resume

EXTRACTOR = "ResumeCueClassifier"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ResumeCueClassifier(GraphComponent):
    """Marks 继续 (and its forms) with the ``resume`` entity and the intent ``affirm``."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ResumeCueClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/") or not is_resume(text):
                continue
            intent = {"name": RESUME_INTENT, "confidence": 1.0}
            ranking = [intent] + [
                item
                for item in message.get(INTENT_RANKING_KEY) or []
                if item.get("name") != RESUME_INTENT
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            entity = {
                "entity": RESUME_ENTITY,
                "value": RESUME_VALUE,
                "start": 0,
                "end": len(text),
                "confidence_entity": 1.0,
                "extractor": EXTRACTOR,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages
