"""Answer one question from the command line, without any server running (``changai ask``).

The trained Rasa model parses the text (intent, entities); the answer comes
from the same function the answer action uses.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from knowledge.decision import AskResult, decide
from knowledge.service import get_service


class ModelMissing(RuntimeError):
    pass


def latest_model(model_dir: Path) -> Path:
    models = sorted(model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise ModelMissing(f"no trained model in {model_dir}; run `make train` first")
    return models[-1]


class LocalAssistant:
    """The trained model's NLU plus the answer function, in this process."""

    def __init__(self, model_path: Path | None = None) -> None:
        from rasa.core.agent import Agent
        from rasa.utils.common import configure_logging_and_warnings
        from rasa.utils.log_utils import configure_structlog

        import knowledge.spacy_pipeline  # noqa: F401  registers the tokenizer

        configure_logging_and_warnings(logging.WARNING)
        configure_structlog(logging.WARNING)

        self.service = get_service()
        self.model_path = model_path or latest_model(self.service.settings.model_dir)
        self._agent = Agent.load(str(self.model_path))
        self._loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict[str, Any]:
        return self._loop.run_until_complete(self._agent.parse_message(text))

    def ask(self, text: str, region: str | None = None) -> AskResult:
        return decide(self.service, self.parse(text), text, region)


def answer(text: str, region: str | None = None, model_path: Path | None = None) -> AskResult:
    return LocalAssistant(model_path).ask(text, region)
