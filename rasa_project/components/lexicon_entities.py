"""Entities with canonical values from the spaCy entity ruler built from the lexicon."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.lexicon import Lexicon, load_lexicon
from rasa_project.components.base import UntrainedComponent, sure_entity

EXTRACTOR = "LexiconEntityExtractor"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LexiconEntityExtractor(UntrainedComponent):
    """Reads the ruler's entities (value = canonical id) and adds terms jieba merged.

    jieba sometimes glues a lexicon term to its neighbour (``广东人``,
    ``上海浦东新区``); such terms inside a token are found by one regex
    alternation of every term, longest first: each term the token holds, left
    to right (a county's bare short form is not looked for inside a word; see
    ``Lexicon.embedded_terms``).
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._terms = lexicon.embedded_terms()
        self._by_surface = {surface: (kind, canonical) for kind, surface, canonical in self._terms}
        surfaces = sorted({surface for _, surface, _ in self._terms}, key=lambda s: (-len(s), s))
        self._any_term = re.compile("|".join(map(re.escape, surfaces))) if surfaces else None

    @classmethod
    def build(cls) -> LexiconEntityExtractor:
        return cls(load_lexicon())

    def extract(self, message: Message) -> list[dict[str, Any]]:
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            return []
        found = []
        covered: set[int] = set()
        for ent in doc.ents:
            value = ent.ent_id_ or ent.text
            found.append(sure_entity(ent.label_, value, ent.start_char, ent.end_char, EXTRACTOR))
            covered.update(range(ent.start, ent.end))
        for token in doc:
            if token.i in covered or len(token.text) < 3:
                continue
            if self._any_term is None:
                continue
            # every term the token holds, left to right, longest at each place
            for match in self._any_term.finditer(token.text):
                surface = match.group(0)
                if surface == token.text:
                    continue
                entity_type, canonical = self._by_surface[surface]
                start = token.idx + match.start()
                found.append(
                    sure_entity(entity_type, canonical, start, start + len(surface), EXTRACTOR)
                )
        return found

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            existing = [e for e in message.get(ENTITIES, []) if e.get("extractor") != EXTRACTOR]
            message.set(ENTITIES, existing + self.extract(message), add_to_output=True)
        return messages
