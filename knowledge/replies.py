"""What a reply is and says: the citation lines under an answer, and the honest reply.

Shared by :mod:`knowledge.answering` (one question) and :mod:`knowledge.multi_part`
(several questions in one message).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from changai.payloads import HANDOFF_BUTTON, custom_payload
from changai.vocabulary import NATIONAL, Topic, aspect_label
from knowledge.aspects import ordered
from knowledge.book_titles import book_title
from knowledge.clause_index import ClauseHit
from knowledge.fit import NO_LOCAL_RULE, Fit
from knowledge.indexed_entries import Hit, SourceInfo


@dataclass
class Reply:
    kind: str  # answer | ask_region | no_answer | no_specific_rule | clause_text
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    hit: Hit | None = None
    runners_up: list[Hit] = field(default_factory=list)
    fit: Fit | None = None


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


def source_line(source: SourceInfo, topic: str | None = None) -> str:
    """来源：… with the clauses cited; a time-limited rule that ended names the hotline of
    ``topic``'s office (12333 for 人社 rules, 12351 for the union's)."""
    number = f"（{source.doc_number}）" if source.doc_number else ""
    issuer = f"｜{source.issuer}" if source.issuer else ""
    line = (
        f"来源：{book_title(source.title)}{number}{issuer}"
        f"｜适用地区：{source.region}｜有效期：{validity_text(source)}"
    )
    return line + citation_lines(source, topic)


_NUMBERED = re.compile(
    r"^(?:(?P<article>[一二三四五六七八九十百零〇]+)、)?(?P<item>（[^（）]+）)?"
    r"(?:(?P<point>\d+)[.．、]?)?$"
)


def clause_number(number: str) -> str:
    """A clause number as cited: 第三条 stays; 三、 -> 第三条; 一、（一） -> 第一条第（一）项;
    （十七） -> 第（十七）项; 二、1. -> 第二条第1项; 一、（一）4. -> 第一条第（一）项第4目;
    1. -> 第1项. A unit named, not numbered (五级/初级工), is cited by its name in quotes."""
    number = number.strip()
    if not number or number.startswith("第"):
        return number
    match = _NUMBERED.match(number)
    if match is None or not any(match.groups()):
        return f"“{number}”部分"
    article, item, point = match.group("article"), match.group("item"), match.group("point")
    parts = [f"第{article}条"] if article else []
    if item:
        parts.append(f"第{item}项")
    if point:
        parts.append(f"第{point}{'目' if item else '项'}")
    return "".join(parts)


def citation_lines(source: SourceInfo, topic: str | None = None) -> str:
    """依据《标题》（文号）第X条 per document the entry rests on, and the time-limit note (#12)."""
    lines = []
    by_document: dict[tuple[str, str], list[str]] = {}
    for clause in source.clauses:
        numbers = by_document.setdefault((clause.document_title, clause.doc_number), [])
        if clause.number and clause_number(clause.number) not in numbers:
            numbers.append(clause_number(clause.number))
    for (title, doc_number), numbers in by_document.items():
        number = f"（{doc_number}）" if doc_number else ""
        lines.append(f"依据{book_title(title)}{number}{'、'.join(numbers)}")
    if source.time_limit_passed is not None:
        hotline = TOPIC_OFFICES.get(topic or "", ("", "12333"))[1]
        lines.append(
            f"该规定有效期至{source.time_limit_passed:%Y年%m月%d日}，请拨打{hotline}确认当年政策"
        )
    return "".join(f"\n{line}" for line in lines)


# Who decides, by topic: (office, hotline). Local rules: the local 12345 hotline.
TOPIC_OFFICES: dict[str, tuple[str, str]] = {
    Topic.training_subsidy.value: ("当地人社部门", "12333"),
    Topic.skill_grading.value: ("当地人社部门", "12333"),
    Topic.hardship_aid.value: ("当地工会", "12351"),
    Topic.dormitory.value: ("当地工会", "12351"),
}
LOCAL_HOTLINE = "12345"
# Safety permits are not 人社's: who issues them (安监总局令第30号, 质检总局令第140号).
CERTIFICATE_OFFICES: dict[str, str] = {
    "特种作业操作证": "应急管理部门",
    "特种设备作业人员证": "市场监管部门",
}


def office_line(topic: str | None, region: str | None, certificates: Iterable[str] = ()) -> str:
    """Who decides questions of ``topic``, with the hotline; local rules: 12345. A question on
    grading that names a safety permit (``certificates``) is for the office that issues it."""
    place = f"{region}的" if region and region != NATIONAL else "当地"
    issuers = [CERTIFICATE_OFFICES[c] for c in certificates if c in CERTIFICATE_OFFICES]
    if topic == Topic.skill_grading.value and issuers:
        return (
            f"这类证书由{place}{issuers[0]}考核发证，具体请问发证的部门；"
            f"也可以拨打政务服务热线 {LOCAL_HOTLINE} 问。"
        )
    office, hotline = TOPIC_OFFICES.get(topic or "", ("当地政府有关部门", LOCAL_HOTLINE))
    line = f"这类问题由{office}负责解释，您可以拨打 {hotline} 咨询"
    if hotline != LOCAL_HOTLINE:
        place = f"{region}的" if region and region != NATIONAL else "当地的"
        line += f"；{place}具体规定也可以拨打政务服务热线 {LOCAL_HOTLINE} 问"
    return line + "。"


def honest_reply(
    hit: Hit, fit: Fit, topic: str | None, region: str | None, certificates: Iterable[str] = ()
) -> Reply:
    """No specific rule for this question: who decides it (for a safety permit the question
    names, ``certificates``, its issuer), the closest entry, a person."""
    asked = ordered(fit.question_aspects)
    about = "、".join(aspect_label(a) for a in asked)
    entry = hit.entry
    if fit.reason == NO_LOCAL_RULE and region:
        # the national entry answers it, but the rule varies and the worker's region is not held
        opening = f"这件事各地的规定不一样，我的政策库里还没有收录{region}的规定。"
        pointer = (
            f"下面是全国的规定，您可以点开看看，{region}的具体做法以当地为准；"
            "也可以点「转人工」，请工会工作人员帮您。"
        )
        related_title = f"全国的规定：{entry.question}"
    else:
        opening = (
            f"您问的{about}，我的政策库里没有找到针对这个问题的具体规定。"
            if about
            else "您问的这个问题，我的政策库里没有找到针对性的具体规定。"
        )
        pointer = (
            "下面是一条相关的规定，您可以点开看看是否有帮助；"
            "也可以点「转人工」，请工会工作人员帮您。"
        )
        related_title = f"相关规定：{entry.question}"
    text = (
        f"{opening}为了不给您不准确的信息，我先不直接回答。\n"
        f"{office_line(topic, region, certificates)}\n"
        f"{pointer}"
    )
    buttons = [
        {"title": related_title, "payload": entry.question},
        dict(HANDOFF_BUTTON),
    ]
    custom = custom_payload(
        "no_specific_rule",
        topic=topic,
        score=round(hit.score, 4),
        aspects=asked,
        user_region=region,
        fit=fit.reason,
        related={"faq_id": entry.id, "faq_key": entry.key, "question": entry.question},
    )
    return Reply("no_specific_rule", text, buttons, custom, hit, fit=fit)


def clause_reply(hit: ClauseHit, topic: str | None, region: str | None) -> Reply:
    """No entry fits, but a clause of an in-force document clearly matches (#12, item 3):
    the document's own words, labelled as such and cited, with the office and a person."""
    clause = hit.clause
    number = f"（{clause.doc_number}）" if clause.doc_number else ""
    cited = f"{book_title(clause.document_title)}{number}{clause_number(clause.number)}"
    text = (
        "这个问题我的政策库里没有现成的解答。下面是和您问的最接近的一条规定，"
        "是文件的原文，不是我们的解读：\n"
        f"根据{cited}的原文：“{clause.text.strip()}”\n"
        f"这条规定是否适用于您的情况，{office_line(topic, region).removeprefix('这类问题')}"
        "也可以点「转人工」，请工会工作人员帮您看。\n\n"
        f"来源：{cited}｜适用地区：{clause.region}"
    )
    custom = custom_payload(
        "clause_text",
        topic=topic,
        user_region=region,
        score=hit.score,
        coverage=hit.coverage,
        clause_key=clause.key,
        document_id=clause.document_id,
        source={
            "title": clause.document_title,
            "doc_number": clause.doc_number,
            "region": clause.region,
            "url": clause.url,
            "clauses": [clause.payload()],
        },
    )
    return Reply("clause_text", text, [dict(HANDOFF_BUTTON)], custom)
