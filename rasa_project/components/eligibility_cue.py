"""A question about the worker's own eligibility for a subsidy with a check starts that check.

``knowledge.eligibility_cues`` decides (能不能领 / 我符合条件吗 / 够不够格 plus the 技能提升补贴
or a certificate and a subsidy); such a message gets a ``check`` entity naming the check and
the check's topic intent (``ask_training_subsidy``) with confidence 1.0; the answer action then
starts the form. No new intent exists, so DIET's training data and label vocabulary are
unchanged and every other message keeps exactly the intent it had.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.eligibility_cues import CHECK_INTENTS, eligibility_check_for

EXTRACTOR = "EligibilityCueClassifier"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EligibilityCueClassifier(GraphComponent):
    """Marks "can I claim it?" questions about a checked subsidy with a ``check`` entity."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EligibilityCueClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/"):
                continue
            entities = list(message.get(ENTITIES) or [])
            check = eligibility_check_for(text, entities)
            if check is None:
                continue
            name = CHECK_INTENTS[check]
            intent = {"name": name, "confidence": 1.0}
            ranking = [intent] + [
                item for item in message.get(INTENT_RANKING_KEY) or [] if item.get("name") != name
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            entities.append(
                {
                    "entity": "check",
                    "value": check,
                    "start": 0,
                    "end": len(text),
                    "confidence_entity": 1.0,
                    "extractor": EXTRACTOR,
                }
            )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
