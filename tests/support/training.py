"""The Rasa NLU training examples, read from rasa_project/data/nlu, and the trained model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge.text_normalise import normalise
from rasa_project.training import model_path

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "rasa_project" / "data" / "nlu"
_PUNCT = re.compile(r"[\W_]+")


def training_examples() -> list[tuple[str, str]]:
    """Every (intent, example text) pair of the NLU training data."""
    examples = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                for line in str(block["examples"]).splitlines():
                    if line.strip().startswith("- "):
                        examples.append((block["intent"], line.strip()[2:].strip()))
    return examples


def key(text: str) -> str:
    """A text compared without punctuation, after normalisation (for leak checks)."""
    return _PUNCT.sub("", normalise(text))


def trained_model() -> Path:
    """The trained model of the current inputs; fails the test when it is missing."""
    model = model_path(ROOT / "models")
    if not model.exists():
        pytest.fail(f"no trained model at {model}; `make train` trains it (`make test` does)")
    return model
