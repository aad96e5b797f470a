"""A question about the worker's own eligibility for a subsidy with a check starts that check.

``knowledge.eligibility_cues`` decides (能不能领 / 我符合条件吗 / 够不够格 plus the 技能提升补贴
or a certificate and a subsidy); such a message gets a ``check`` entity naming the check and
the check's topic intent (``ask_training_subsidy``) with confidence 1.0; the answer action then
starts the form. No new intent exists, so DIET's training data and label vocabulary are
unchanged and every other message keeps exactly the intent it had.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.eligibility_cues import CHECK_INTENTS, eligibility_check_for
from rasa_project.components.base import UntrainedComponent, sure_entity, sure_intent

EXTRACTOR = "EligibilityCueClassifier"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EligibilityCueClassifier(UntrainedComponent):
    """Marks "can I claim it?" questions about a checked subsidy with a ``check`` entity."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/"):
                continue
            entities = list(message.get(ENTITIES) or [])
            check = eligibility_check_for(text, entities)
            if check is None:
                continue
            sure_intent(message, CHECK_INTENTS[check])
            entities.append(sure_entity("check", check, 0, len(text), EXTRACTOR))
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
