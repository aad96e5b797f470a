"""Answer one question from the command line, without any server running.

The trained Rasa model parses the text (intent, entities); the answer comes
from the same function the answer action uses.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions.answering import Reply, find_answer, render_answer
from actions.bad_input import REPLIES
from actions.knowledge_service import KnowledgeService, get_service
from actions.topics import INTENT_TOPICS


class ModelMissing(RuntimeError):
    pass


@dataclass
class AskResult:
    parse: dict[str, Any]
    kind: str
    text: str
    custom: dict[str, Any]


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


def _entities(parse_data: dict[str, Any]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for entity in parse_data.get("entities") or []:
        if entity.get("entity") != "input_issue":
            values.setdefault(entity["entity"], []).append(str(entity["value"]))
    return values


def answer(text: str, region: str | None = None, model_path: Path | None = None) -> AskResult:
    return LocalAssistant(model_path).ask(text, region)


def decide(
    service: KnowledgeService, parse_data: dict[str, Any], text: str, region: str | None
) -> AskResult:
    """What the assistant would do with one message, as the actions decide it."""
    intent = (parse_data.get("intent") or {}).get("name")
    entities = _entities(parse_data)
    region = region or (entities.get("region") or [None])[0]
    if parse_data.get("input_issue"):
        issue = parse_data["input_issue"]
        return AskResult(parse_data, "input_issue", REPLIES[issue], {"issue": issue})
    topic = INTENT_TOPICS.get(intent or "")
    if intent in {"out_of_scope", "request_human"}:
        return AskResult(parse_data, "escalate", "（会转给工会工作人员处理）", {"escalated": True})
    if intent == "nlu_fallback":
        return AskResult(parse_data, "clarify", "（没把握，会先反问是哪方面的问题）", {})
    if topic is None:
        return AskResult(parse_data, "not_a_question", f"（识别为 {intent}，不是政策问题）", {})
    reply: Reply = find_answer(
        service.index,
        service.lexicon,
        parse_data.get("text") or text,
        topic=topic,
        region=region,
        entities=entities,
        threshold=service.settings.retrieval_threshold,
    )
    if reply.kind == "ask_region" and reply.hit is not None:
        national = render_answer(reply.hit, None, [])
        note = "（各地标准不同，可用 --region 指定地区；以下为全国通用规定）\n"
        return AskResult(parse_data, "answer", note + national.text, national.custom)
    if reply.kind == "no_answer":
        return AskResult(
            parse_data,
            "escalate",
            "（知识库中没有足够匹配的条目，会转给工会工作人员）",
            reply.custom,
        )
    return AskResult(parse_data, reply.kind, reply.text, reply.custom)


def format_result(result: AskResult, as_json: bool) -> str:
    intent = result.parse.get("intent") or {}
    meta = {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "entities": _entities(result.parse),
        **result.custom,
    }
    if as_json:
        return json.dumps(
            {"kind": result.kind, "text": result.text, "meta": meta}, ensure_ascii=False, indent=2
        )
    lines = [result.text, "", "—— 元数据 ——"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "\n".join(lines)
