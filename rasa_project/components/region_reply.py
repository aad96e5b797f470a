"""A message that only names a region (or 全国) is a region reply, whatever DIET guessed.

DIET reads characters: 宿迁 shares 宿 with 宿舍 and a district it never saw is a
guess. The lexicon knows every division (``knowledge/lexicon.py``), so a message
that is a place name plus filler (我在江苏苏州工业园区, 换成广东的, 全国的就行) is set to
``inform_region`` with confidence 1.0 before the fallback classifier looks at it.

The other way round too: a message that DIET reads as ``inform_region`` because it names a
city, but that also names a subject (长沙技能提升补贴怎么申请, 福州如何申请特殊病种医保), is a
question asked for that place. ``inform_region`` is taken out of its ranking, so the next
intent, or the fallback classifier and its topic cues, decide what it asks; the region stays
an entity, and the answer is for that place.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from changai.vocabulary import NATIONAL
from knowledge.lexicon import load_lexicon
from knowledge.region_reply import RegionReplyReader
from knowledge.topic_cues import cue_finder
from rasa_project.components.base import UntrainedComponent, sure_entity, sure_intent

REGION_INTENT = "inform_region"
EXTRACTOR = "RegionReplyClassifier"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RegionReplyClassifier(UntrainedComponent):
    """Sets ``inform_region`` on messages that are only a region or 全国."""

    def __init__(self, reader: RegionReplyReader) -> None:
        self._reader = reader

    @classmethod
    def build(cls) -> RegionReplyClassifier:
        return cls(RegionReplyReader(load_lexicon()))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if text.startswith("/"):
                continue
            reply = self._reader.read(text)
            if reply is None:
                self._demote_region_guess(message, text)
                continue
            if reply.kind == "unknown":
                continue  # 不知道 is a region reply only while the question is pending
            sure_intent(message, REGION_INTENT)
            entities = list(message.get(ENTITIES) or [])
            if reply.kind == "national" and not any(e.get("entity") == "region" for e in entities):
                entities.append(sure_entity("region", NATIONAL, 0, len(text), EXTRACTOR))
                message.set(ENTITIES, entities, add_to_output=True)
        return messages

    @staticmethod
    def _demote_region_guess(message: Message, text: str) -> None:
        """DIET's ``inform_region`` for a question that names a subject: the next intent wins."""
        intent = message.get(INTENT) or {}
        if intent.get("name") != REGION_INTENT or not cue_finder().find(text).subjects():
            return
        rest = [
            item
            for item in message.get(INTENT_RANKING_KEY) or []
            if item.get("name") != REGION_INTENT
        ]
        if not rest:
            return
        message.set(INTENT, dict(rest[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, rest, add_to_output=True)
