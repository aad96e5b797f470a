"""Last pipeline component: unreadable input becomes the ``unreadable`` intent."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_project.components.base import UntrainedComponent
from rasa_project.components.normaliser import INPUT_ISSUE

UNREADABLE_INTENT = "unreadable"
KEYWORD_MATCH = 0.999


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputGate(UntrainedComponent):
    """Empty, emoji-only, foreign, numeric or overlong messages skip classification.

    The normaliser names the issue; this component overrides whatever the
    classifier guessed, so such input always gets its own kind reply.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            issue = message.get(INPUT_ISSUE)
            if not issue or str(message.get(TEXT) or "").startswith("/"):
                continue
            confidence = (message.get(INTENT) or {}).get("confidence") or 0.0
            if issue == "foreign" and confidence >= KEYWORD_MATCH:
                continue  # "ok" is an exact training example, not a foreign question
            intent = {"name": UNREADABLE_INTENT, "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            message.set(
                ENTITIES,
                [{"entity": INPUT_ISSUE, "value": issue, "start": 0, "end": 0}],
                add_to_output=True,
            )
        return messages
