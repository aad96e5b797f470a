"""Rasa's ``DIETClassifier`` without the per-message copy of its input features.

To predict, stock ``DIETClassifier._create_model_data`` calls
``model_data_utils.convert_to_data_format`` without ``fake_features``, which
makes it build them again for every message: a deep copy of the message's
feature objects, sparse matrices included, replaced by empty matrices of the
same width. They stand in only for a message that lacks a feature, which a
message that reaches prediction never does (messages without text features are
filtered out first). On this machine that copy was about a sixth of the Rasa
process's time per message under load.

This subclass builds them from the first message it predicts for and passes
them on afterwards; the model data, and so every prediction, is the same
(``tests/test_diet_classifier.py`` compares the model data and the predictions
with the stock class). Training is the stock code path.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow import model_data_utils
from rasa.utils.tensorflow.constants import BILOU_FLAG, FEATURIZERS, SEQUENCE, SEQUENCE_LENGTH
from rasa.utils.tensorflow.model_data import RasaModelData


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class ReusingDIETClassifier(DIETClassifier):
    """``DIETClassifier`` that builds its stand-in features once for prediction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stand_ins: dict[str, Any] | None = None

    def _create_model_data(
        self,
        training_data: list[Message],
        label_id_dict: dict[str, int] | None = None,
        label_attribute: str | None = None,
        training: bool = True,
    ) -> RasaModelData:
        if training:
            return super()._create_model_data(
                training_data, label_id_dict, label_attribute, training
            )
        # stock's prediction path (attributes: text only, no labels), step by step
        featurizers = self.component_config.get(FEATURIZERS)
        messages = [m for m in training_data if m.features_present(TEXT, featurizers)]
        if not messages:
            return RasaModelData()
        features, sparse_feature_sizes = model_data_utils.featurize_training_examples(
            messages,
            [TEXT],
            entity_tag_specs=self._entity_tag_specs,
            featurizers=self.component_config[FEATURIZERS],
            bilou_tagging=self.component_config[BILOU_FLAG],
        )
        attribute_data, stand_ins = model_data_utils.convert_to_data_format(
            features, fake_features=self._stand_ins, consider_dialogue_dimension=False
        )
        if self._stand_ins is None:
            self._stand_ins = stand_ins
        model_data = RasaModelData(label_key=self.label_key, label_sub_key=self.label_sub_key)
        model_data.add_data(attribute_data)
        model_data.add_lengths(TEXT, SEQUENCE_LENGTH, TEXT, SEQUENCE)
        model_data.add_sparse_feature_sizes(
            self._remove_label_sparse_feature_sizes(sparse_feature_sizes, label_attribute)
        )
        self._add_label_features(model_data, messages, label_attribute, label_id_dict, training)
        model_data.sort()
        return model_data
