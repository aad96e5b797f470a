"""试一试: what the assistant would answer to a worker's question, with the score and the
runners-up, using Rasa's own NLU and the assistant's own decision (``knowledge.decision``)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp import web

from connectors.console import admin_pages as pages
from connectors.console import auth
from connectors.console.admin_context import AdminContext, ctx, html
from knowledge import field_values

routes = web.RouteTableDef()
PARSE_TIMEOUT = aiohttp.ClientTimeout(total=10)


async def _parse(c: AdminContext, text: str) -> dict[str, Any] | None:
    """The Rasa server's own NLU parse (intent and entities), or None when unreachable."""
    params = {"token": c.settings.rasa_token} if c.settings.rasa_token else {}
    try:
        async with aiohttp.ClientSession(timeout=PARSE_TIMEOUT) as http:
            async with http.post(
                f"{c.settings.rasa_url}/model/parse", params=params, json={"text": text}
            ) as response:
                if response.status != 200:
                    return None
                return await response.json()
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return None


def try_question(
    c: AdminContext, parse: dict[str, Any] | None, text: str, region: str
) -> dict[str, Any]:
    """What the assistant would answer: ``knowledge.decision.decide`` with the same index."""
    from changai.vocabulary import INTENT_TOPICS, aspect_label
    from knowledge.aspects import detect_aspects, ordered
    from knowledge.decision import decide, fit_of, parse_entities

    service = c.service()
    notice = ""
    if parse is None:
        notice = "暂时连不上小助手的语言理解服务，下面按全部话题检索，结果可能与实际回答不同。"
        parse = {"text": text, "intent": {"name": None}, "entities": []}
    region_name = field_values.canonical_region(c.lexicon, region) or None
    intent = (parse.get("intent") or {}).get("name")
    topic = INTENT_TOPICS.get(intent or "")
    entities = parse_entities(parse)
    region_used = region_name or next(iter(entities.get("region") or []), None)
    reply = service.find(
        parse.get("text") or text, topic=topic, region=region_used, entities=entities
    )
    fit = fit_of(service, reply, parse.get("text") or text, entities, region_used)
    if notice:
        result_kind, result_text, custom = reply.kind, reply.text, reply.custom
    else:
        decided = decide(service, parse, text, region_name)
        result_kind, result_text, custom = decided.kind, decided.text, decided.custom
    hits = [h for h in [reply.hit, *reply.runners_up] if h is not None]
    chosen = None
    if result_kind == "answer" and custom.get("faq_id"):
        chosen = {"id": custom["faq_id"], "key": custom.get("faq_key"), "score": custom["score"]}
    labels = {
        "escalate": "会转给工会工作人员",
        "clarify": "会先反问是哪方面的问题",
        "not_a_question": "不是政策问题",
        "input_issue": "输入无法识别",
        "no_answer": "知识库中没有足够匹配的条目",
        "no_specific_rule": "没有针对这个问题的具体规定，会如实说明并给出相关规定",
        "clause_text": "没有合适的条目，会引用一条文件原文（标明是原文）并提供转人工",
    }
    asked = fit.question_aspects if fit else detect_aspects(parse.get("text") or text)
    return {
        "notice": notice,
        "intent": intent,
        "topic": topic,
        "region": region_used,
        "kind": result_kind,
        "kind_label": labels.get(result_kind, result_kind),
        "text": result_text,
        "chosen": chosen,
        "threshold": service.settings.retrieval_threshold,
        "fit_threshold": service.settings.fit_threshold,
        "aspects": [aspect_label(a) for a in ordered(asked)],
        "fit": None
        if fit is None
        else {
            "fits": fit.fits,
            "reason": fit.reason,
            "label": fit.label,
            "entry_aspects": [aspect_label(a) for a in ordered(fit.entry_aspects)],
            "conflicts": list(fit.conflicts),
        },
        "hits": [
            {
                "id": h.entry.id,
                "key": h.entry.key,
                "question": h.entry.question,
                "region": h.entry.region,
                "score": h.score,
            }
            for h in hits
        ],
    }


async def _try(request: web.Request) -> tuple[str, str, dict[str, Any] | None]:
    question = request.query.get("q", "").strip()[:500]
    region = request.query.get("region", "").strip()[:50]
    if not question:
        return question, region, None
    c = ctx(request)
    parse = await _parse(c, question)
    return question, region, await asyncio.to_thread(try_question, c, parse, question, region)


@routes.get("/admin/try")
@auth.require("admin")
async def try_page(request: web.Request) -> web.Response:
    question, region, result = await _try(request)
    return html(pages.try_page(request, question, region, result))


@routes.get("/admin/api/try")
@auth.require("admin")
async def try_api(request: web.Request) -> web.Response:
    _question, _region, result = await _try(request)
    if result is None:
        raise web.HTTPBadRequest(text="请输入问题")
    return web.json_response(result)
