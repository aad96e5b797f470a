"""What the project's own untrained pipeline components share.

``UntrainedComponent`` is Rasa's ``GraphComponent`` with the ``create`` that each of them had
written out: no configuration, no model storage, the component built by ``build`` (a
component that needs the lexicon loads it there). ``sure_intent`` and ``sure_entity`` are
the message edits they make: an intent set with confidence 1.0 ahead of the ranking, and an
entity that the component itself is sure of.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


class UntrainedComponent(GraphComponent):
    """A component with nothing to train and nothing to configure."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls.build()

    @classmethod
    def build(cls) -> GraphComponent:
        """The component as the pipeline runs it; override to hand it what it needs."""
        return cls()


def sure_intent(message: Message, name: str) -> None:
    """Set intent ``name`` with confidence 1.0, first in the ranking (the rest keep theirs)."""
    intent = {"name": name, "confidence": 1.0}
    ranking = [intent] + [
        item for item in message.get(INTENT_RANKING_KEY) or [] if item.get("name") != name
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def sure_entity(label: str, value: str, start: int, end: int, extractor: str) -> dict[str, Any]:
    """An entity found by ``extractor`` with confidence 1.0."""
    return {
        "entity": label,
        "value": value,
        "start": start,
        "end": end,
        "confidence_entity": 1.0,
        "extractor": extractor,
    }
