"""ReusingDIETClassifier prepares the same model data, and so predicts the same, as stock.

Loads the trained model (``make train``), runs the pipeline up to the classifier for
every training example and dev-set question, and compares, for each message, the
model data of the project's class with what stock ``DIETClassifier._create_model_data``
builds, and the model's outputs for both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.utils.tensorflow.model_data import RasaModelData

from rasa_project.components.diet_classifier import ReusingDIETClassifier
from tests.eval.evaluate import load_dev_set
from tests.support.training import trained_model, training_examples

ROOT = Path(__file__).resolve().parent.parent


def flat(model_data: RasaModelData) -> list[tuple[str, str, int, Any]]:
    """Every array of the model data, sparse ones made dense, in order."""
    rows = []
    for key, sub in sorted(model_data.data.items()):
        for sub_key, arrays in sorted(sub.items()):
            for index, array in enumerate(arrays):
                values = [v.toarray() if scipy.sparse.issparse(v) else np.asarray(v) for v in array]
                rows.append((key, sub_key, index, values))
    return rows


def equal_outputs(left: Any, right: Any) -> bool:
    """Model outputs: arrays, or dicts of arrays (diagnostic data), or None."""
    if isinstance(left, dict):
        return (
            isinstance(right, dict)
            and left.keys() == right.keys()
            and all(equal_outputs(left[k], right[k]) for k in left)
        )
    if left is None or right is None:
        return left is right
    return np.array_equal(np.asarray(left), np.asarray(right))


def same(left: list, right: list) -> bool:
    if len(left) != len(right):
        return False
    for (k1, s1, i1, v1), (k2, s2, i2, v2) in zip(left, right, strict=True):
        if (k1, s1, i1) != (k2, s2, i2) or len(v1) != len(v2):
            return False
        if not all(
            a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(v1, v2, strict=True)
        ):
            return False
    return True


@pytest.fixture(scope="module")
def agent() -> Agent:
    model = trained_model()
    return Agent.load(str(model))


def test_same_model_data_and_outputs_as_stock(agent: Agent) -> None:
    runner = agent.processor.graph_runner
    nodes = runner._instantiated_nodes
    (diet_node,) = [n for n in nodes if "ReusingDIETClassifier" in n]
    classifier = nodes[diet_node]._component
    assert isinstance(classifier, ReusingDIETClassifier)
    (feeding,) = runner._graph_schema.nodes[diet_node].needs.values()
    texts = [t for _, t in training_examples()] + [q["text"] for q in load_dev_set()]
    texts += ["", "😀", "hello", "138 1234 5678", "宿舍" * 300]
    compared = 0
    for text in texts:
        inputs = {"__message__": [UserMessage(text)], "__tracker__": None}
        messages = runner.run(inputs=inputs, targets=[feeding])[feeding]
        ours = classifier._create_model_data(messages, training=False)
        stock = DIETClassifier._create_model_data(classifier, messages, training=False)
        assert same(flat(ours), flat(stock)), text
        assert ours.get_sparse_feature_sizes() == stock.get_sparse_feature_sizes()
        if ours.is_empty():
            continue
        outputs = [classifier.model.run_inference(d) for d in (ours, stock)]
        assert outputs[0].keys() >= {"i_scores"}
        assert equal_outputs(outputs[0], outputs[1]), text
        compared += 1
    assert compared > 800
    assert classifier._stand_ins is not None  # built once, then reused
