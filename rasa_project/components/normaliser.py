"""First pipeline component: normalise Chinese text for everything after it."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import knowledge.spacy_pipeline  # noqa: F401  registers the spaCy tokenizer
from knowledge.analysis import default_analyzer
from knowledge.text_normalise import check_input, normalise, strip_filler
from rasa_project.components.base import UntrainedComponent

RAW_TEXT = "raw_text"
INPUT_ISSUE = "input_issue"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class ChineseTextNormaliser(UntrainedComponent):
    """Traditional to Simplified, full-width to half-width, pinyin and emoji removed.

    Greetings, thanks and filler around a question (您好，请问… …吗？谢谢！) are dropped
    before classification, in training and at run time alike: 谢谢 alone is a thank-you,
    a question that ends in 谢谢 is the question.

    Pinyin typing slips are read as the words meant (技能提升不贴 -> 补贴, 困南 -> 困难:
    ``knowledge/homophones.py``), in training and at run time alike.

    Keeps the worker's original text as ``raw_text`` and names unreadable input
    as ``input_issue`` (both in the parse data) for the gate and the actions.
    """

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            text = message.get(TEXT)
            if text:
                message.set(TEXT, _read(strip_filler(normalise(text))))
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            raw = message.get(TEXT) or ""
            checked = check_input(raw)
            message.set(RAW_TEXT, raw, add_to_output=True)
            if checked.issue:
                message.set(INPUT_ISSUE, checked.issue, add_to_output=True)
            message.set(TEXT, checked.text if checked.issue else _read(strip_filler(checked.text)))
        return messages


def _read(text: str) -> str:
    return default_analyzer().read_homophones(text) if text else text
