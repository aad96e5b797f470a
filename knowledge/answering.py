"""Turn a question into a cited answer, a request for the region, or a miss.

Pure functions over the retrieval index, shared by the answer action and the
``changai ask`` command so that both give exactly the same answer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from changai.payloads import FEEDBACK_BUTTONS, custom_payload
from changai.vocabulary import NATIONAL
from knowledge.lexicon import Lexicon
from knowledge.live_index import LiveIndex
from knowledge.retrieval import (
    ANY_REGION,
    Hit,
    RetrievalIndex,
    RetrievalResult,
    SourceInfo,
)

# A regional entry this close to the national answer means the region matters.
LOCAL_RULE_RATIO = 0.85


@dataclass
class Reply:
    kind: str  # answer | ask_region | no_answer
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    hit: Hit | None = None
    runners_up: list[Hit] = field(default_factory=list)


def validity_text(source: SourceInfo) -> str:
    if source.effective_from and source.expires_on:
        return f"{source.effective_from:%Y-%m-%d} 至 {source.expires_on:%Y-%m-%d}"
    if source.expires_on:
        return f"有效至 {source.expires_on:%Y-%m-%d}"
    if source.valid_until:
        return f"阶段性政策，执行至 {source.valid_until:%Y-%m-%d}"
    if source.effective_from:
        return f"{source.effective_from:%Y-%m-%d} 起施行"
    return "现行有效（未注明截止日期）"


def source_line(source: SourceInfo) -> str:
    number = f"（{source.doc_number}）" if source.doc_number else ""
    issuer = f"｜{source.issuer}" if source.issuer else ""
    line = (
        f"来源：《{source.title}》{number}{issuer}"
        f"｜适用地区：{source.region}｜有效期：{validity_text(source)}"
    )
    return line + citation_lines(source)


def clause_number(number: str) -> str:
    """A clause number as cited: 第三条 stays; 三、 -> 第三条; 一、（一） -> 第一条第（一）项;
    （十七） -> 第（十七）项."""
    number = number.strip()
    if not number or number.startswith("第"):
        return number
    head, _, item = number.partition("、")
    if not item and head.startswith("（"):
        return f"第{head}项"
    cited = f"第{head}条"
    return f"{cited}第{item}项" if item else cited


def citation_lines(source: SourceInfo) -> str:
    """依据《标题》（文号）第X条 per document the entry rests on, and the time-limit note (#12)."""
    lines = []
    by_document: dict[tuple[str, str], list[str]] = {}
    for clause in source.clauses:
        numbers = by_document.setdefault((clause.document_title, clause.doc_number), [])
        if clause.number and clause_number(clause.number) not in numbers:
            numbers.append(clause_number(clause.number))
    for (title, doc_number), numbers in by_document.items():
        number = f"（{doc_number}）" if doc_number else ""
        lines.append(f"依据《{title}》{number}{'、'.join(numbers)}")
    if source.time_limit_passed is not None:
        lines.append(
            f"该规定有效期至{source.time_limit_passed:%Y年%m月%d日}，请拨打12333确认当年政策"
        )
    return "".join(f"\n{line}" for line in lines)


def region_note(hit: Hit, region: str | None) -> str:
    entry = hit.entry
    if not region or region == NATIONAL:
        if hit.region_match == "other":
            return f"以下是{entry.region}的规定（其他地区请以当地为准）：\n"
        return ""
    if hit.region_match == "exact":
        return f"以下是{entry.region}的规定：\n"
    if hit.region_match == "parent":
        return f"暂未收录{region}的单独规定，以下是{entry.region}的规定：\n"
    if hit.region_match == "other":
        return f"暂未收录{region}的相关规定，以下是{entry.region}的做法，仅供参考：\n"
    if entry.region_sensitive:
        return f"暂未收录{region}的地方标准，以下是全国通用的规定，" "具体以当地公布为准：\n"
    return ""


def source_payload(hit: Hit) -> dict[str, Any]:
    source = hit.entry.source
    return {
        "title": source.title,
        "doc_number": source.doc_number,
        "issuer": source.issuer,
        "region": source.region,
        "effective_from": source.effective_from.isoformat() if source.effective_from else None,
        "expires_on": source.expires_on.isoformat() if source.expires_on else None,
        "url": source.url,
        "clause": hit.entry.clause,
        "clauses": [
            {
                "id": clause.id,
                "key": clause.key,
                "number": clause.number,
                "text": clause.text,
                "document_title": clause.document_title,
                "doc_number": clause.doc_number,
            }
            for clause in source.clauses
        ],
        "valid_until_passed": (
            source.time_limit_passed.isoformat() if source.time_limit_passed else None
        ),
    }


def render_answer(hit: Hit, region: str | None, runners_up: list[Hit]) -> Reply:
    entry = hit.entry
    text = f"{region_note(hit, region)}{entry.answer.strip()}\n\n{source_line(entry.source)}"
    custom = custom_payload(
        "answer",
        topic=entry.topic,
        faq_id=entry.id,
        document_id=entry.source.document_id,
        region=entry.region,
        score=round(hit.score, 4),
        faq_key=entry.key,
        faq_version=entry.version,
        user_region=region,
        region_match=hit.region_match,
        source=source_payload(hit),
    )
    return Reply("answer", text, list(FEEDBACK_BUTTONS), custom, hit, runners_up)


def region_question(lexicon: Lexicon, topic: str | None, hit: Hit) -> Reply:
    buttons = [
        {"title": name, "payload": f'/inform_region{{"region":"{name}"}}'}
        for name in lexicon.region_buttons()
    ]
    buttons.append({"title": "全国通用规定", "payload": f'/inform_region{{"region":"{NATIONAL}"}}'})
    text = (
        "这个问题各地标准不一样。请问您在哪个省或城市工作？"
        "可以点下面的地区，也可以直接打字告诉我（比如：东莞）。"
    )
    custom = custom_payload("ask_region", topic=topic, score=round(hit.score, 4))
    return Reply("ask_region", text, buttons, custom, hit)


def find_answer(
    index: LiveIndex | RetrievalIndex,
    lexicon: Lexicon,
    question: str,
    *,
    topic: str | None,
    region: str | None,
    entities: Mapping[str, Iterable[str]] | None,
    threshold: float,
) -> Reply:
    """Decide what to say to ``question``; never raises for odd input.

    One snapshot of the index serves the whole decision, and the question's
    text scores are computed once for its (up to three) searches.
    """
    snapshot = index.current() if isinstance(index, LiveIndex) else index
    scores = snapshot.text_scores(question)
    search = functools.partial(snapshot.search, question, topic=topic, entities=entities)
    result = search(region=region, text_scores=scores)
    best = result.best
    if best is None or best.score < threshold:
        # Nothing for the worker's own region or nationally: another region's
        # rule (say, 北京's 骑士之家) is still worth showing, clearly labelled.
        wider = search(region=ANY_REGION, text_scores=scores)
        if wider.best is not None and wider.best.score >= threshold:
            return render_answer(wider.best, region, wider.hits[1:])
    if best is None or best.score < threshold:
        custom = custom_payload(
            "no_answer", topic=topic, score=round(best.score, 4) if best else None
        )
        return Reply("no_answer", "", [], custom, best, result.hits[1:])
    if region is None and best.entry.region_sensitive:
        wider = search(region=ANY_REGION, limit=10, text_scores=scores)
        if _local_rules_compete(wider, best, threshold):
            return region_question(lexicon, topic, best)
    return render_answer(best, region, result.hits[1:])


def _local_rules_compete(wider: RetrievalResult, best: Hit, threshold: float) -> bool:
    """True when some region has its own entry about nearly the same question.

    ``wider`` is the search over every region (``ANY_REGION``), top 10.
    """
    floor = max(threshold, best.score * LOCAL_RULE_RATIO)
    return any(h.entry.region != NATIONAL and h.score >= floor for h in wider.hits)
