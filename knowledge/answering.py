"""Turn a question into a cited answer, a request for the region, or a miss.

Pure functions over the retrieval index, shared by the answer action and the
``changai ask`` command so that both give exactly the same answer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from changai.payloads import FEEDBACK_BUTTONS, custom_payload
from changai.vocabulary import NATIONAL, topic_label
from knowledge.aspects import detect_aspects
from knowledge.fit import (
    ASPECT_MISMATCH,
    ENTITY_CONFLICT,
    NEIGHBOURS,
    NO_LOCAL_RULE,
    OFF_SUBJECT,
    Fit,
    judge_fit,
    named_benefits,
)
from knowledge.indexed_entries import Hit, RetrievalResult
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.live_index import LiveIndex
from knowledge.replies import Reply, clause_reply, honest_reply, source_line
from knowledge.repository import citation_fields
from knowledge.retrieval import ANY_REGION, RetrievalIndex
from knowledge.topic_cues import cue_finder

# A regional entry this close to the national answer means the region matters.
LOCAL_RULE_RATIO = 0.85
# Below this text score a match is about the topic rather than this very question (issue
# 11: every served answer under 0.3 was wrong or generic), so no region is asked for it.
REGION_QUESTION_MIN_SCORE = 0.3
REGION_QUESTION_MIN_KNOWN = 0.6


def rule_region(hit: Hit) -> str:
    """Whose rule the reply shows: the entry's region, or its source's when that is narrower.

    An entry filed as 全国 but resting on a 广东 document is shown as 广东's rule, so
    that the region line never says 全国 above a 广东 citation.
    """
    entry = hit.entry
    if entry.region == NATIONAL and entry.source.region and entry.source.region != NATIONAL:
        return entry.source.region
    return entry.region


def region_note(hit: Hit, region: str | None, lexicon: Lexicon | None = None) -> str:
    """The line above an answer that says whose rule it is; it agrees with the citation."""
    lexicon = lexicon or load_lexicon()
    entry, label = hit.entry, rule_region(hit)
    # an entry filed as 全国 that rests on one region's document: say where it comes from
    borrowed = label != entry.region
    if not region or region == NATIONAL:
        if borrowed:
            return f"以下内容出自{label}的政策材料，供参考，具体以当地为准：\n"
        if label != NATIONAL:
            return f"以下是{label}的规定（其他地区请以当地为准）：\n"
        return ""
    if label == region:
        return f"以下是{label}的规定：\n"
    if label == NATIONAL:
        if entry.region_sensitive:
            return f"暂未收录{region}的地方标准，以下是全国通用的规定，具体以当地公布为准：\n"
        return ""
    if lexicon.contains(label, region):  # 宿城区 or 苏州 -> 江苏's rule
        return f"{region}属于{label}，以下是{label}的规定：\n"
    if lexicon.contains(region, label) and not borrowed:  # 江苏 asked; the entry is 苏州's
        return f"以下是{label}的规定，只适用于{label}，{region}其他地方请以当地为准：\n"
    if borrowed:
        return f"暂未收录{region}的规定，以下内容出自{label}的政策材料，仅供参考，请以当地为准：\n"
    return f"暂未收录{region}的相关规定，以下是{label}的做法，仅供参考，请以当地为准：\n"


def source_payload(hit: Hit) -> dict[str, Any]:
    source = hit.entry.source
    return {
        **citation_fields(source),
        "clause": hit.entry.clause,
        "clauses": [clause.payload() for clause in source.clauses],
        "valid_until_passed": (
            source.time_limit_passed.isoformat() if source.time_limit_passed else None
        ),
    }


def render_answer(
    hit: Hit, region: str | None, runners_up: list[Hit], lexicon: Lexicon | None = None
) -> Reply:
    entry = hit.entry
    note = region_note(hit, region, lexicon)
    text = f"{note}{entry.answer.strip()}\n\n{source_line(entry.source, entry.topic)}"
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
        rule_region=rule_region(hit),
        source=source_payload(hit),
    )
    return Reply("answer", text, list(FEEDBACK_BUTTONS), custom, hit, runners_up)


def region_question(
    lexicon: Lexicon, topic: str | None, hit: Hit, local_only: bool = False
) -> Reply:
    """Ask where the worker works. ``local_only``: only some regions have a rule on this (no
    national one), so the question says that rather than that standards differ."""
    buttons = [
        {"title": name, "payload": f'/inform_region{{"region":"{name}"}}'}
        for name in lexicon.region_buttons()
    ]
    buttons.append({"title": "全国通用规定", "payload": f'/inform_region{{"region":"{NATIONAL}"}}'})
    opening = (
        "这个问题我只收录了部分地区的规定，没有全国统一的规定。"
        if local_only
        else "这个问题各地标准不一样。"
    )
    text = (
        f"{opening}请问您在哪个省或城市工作？"
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
    fit_threshold: float | None = None,
    asked: str | None = None,
    clause_threshold: float | None = None,
) -> Reply:
    """Decide what to say to ``question``; never raises for odd input.

    ``clause_threshold``: when no entry fits, a clause of an in-force document scoring at
    least this (and covering ``CLAUSE_MIN_COVERAGE`` of the question's words) is quoted
    instead of the honest reply (:func:`from_clause`); None never quotes one.

    ``asked`` is the text whose aspects must be answered when it is not the searched text
    itself (one part of a several-question message, searched with its context).

    One snapshot of the index serves the whole decision, and the question's
    text scores are computed once for its (up to three) searches. An entry above
    ``threshold`` that does not fit the question (:mod:`knowledge.fit`, which also
    needs ``fit_threshold``) gives an honest reply instead of the answer.
    """
    snapshot = index.current() if isinstance(index, LiveIndex) else index
    question = snapshot.read_homophones(question)  # 技能提升不贴 -> 补贴 (pinyin typing)
    asked = snapshot.read_homophones(asked) if asked else asked
    unknown = [name for name, prefix in named_benefits(question) if snapshot.unknown_name(prefix)]
    if unknown and topic not in cue_finder().named_programmes(question):
        # 就业补贴, 人才补贴, 取暖补贴: a programme no entry of any topic mentions is not one of
        # the four this assistant knows; staff take it rather than an honest "no rule" reply.
        # Beside one of the topic's own programmes (XX培训补贴) it is a local name of that one.
        custom = custom_payload("out_of_scope", topic=topic, benefits=unknown)
        return Reply("out_of_scope", "", [], custom)
    scores = snapshot.text_scores(question)
    search = functools.partial(snapshot.search, question, topic=topic, entities=entities)
    suggest = functools.partial(
        suggest_other_topic,
        snapshot,
        question=question,
        topic=topic,
        region=region,
        entities=entities,
        text_scores=scores,
        threshold=threshold,
        fit_threshold=fit_threshold,
        asked=asked,
    )
    result = prefer_local(search(region=region, text_scores=scores), threshold)
    best = result.best
    if (best is None or best.score < threshold) and region != NATIONAL:
        # Nothing for the worker's own region or nationally: another region's
        # rule (say, 北京's 骑士之家) is still worth showing, clearly labelled. A worker
        # who has not said where is asked first: the rule may be their own; one who chose
        # the national rule (全国通用规定) is not shown another region's.
        wider = search(region=ANY_REGION, text_scores=scores)
        if wider.best is not None and wider.best.score >= threshold:
            hits, unfit = _fitting(
                snapshot, wider.hits, question, topic, region, entities, fit_threshold, asked
            )
            if unfit is None and region is None and hits[0].entry.region != NATIONAL:
                return region_question(lexicon, topic, hits[0], local_only=True)
            if unfit is None:
                return render_answer(hits[0], region, hits[1:], lexicon)
            return from_clause(snapshot, question, topic, region, clause_threshold) or suggest(
                unfit
            )
    if best is None or best.score < threshold:
        custom = custom_payload(
            "no_answer", topic=topic, score=round(best.score, 4) if best else None
        )
        no_answer = Reply("no_answer", "", [], custom, best, result.hits[1:])
        return from_clause(snapshot, question, topic, region, clause_threshold) or no_answer
    hits, unfit = _fitting(
        snapshot, result.hits, question, topic, region, entities, fit_threshold, asked
    )
    if unfit is not None and unfit.fit is not None and unfit.fit.reason == NO_LOCAL_RULE:
        # the national entry answers the question and the honest reply says the worker's
        # region sets its own figure: better than any clause
        return unfit
    if unfit is not None:
        return from_clause(snapshot, question, topic, region, clause_threshold) or suggest(unfit)
    best = hits[0]
    if region is None and best.entry.region_sensitive:
        wider = search(region=ANY_REGION, limit=10, text_scores=scores)
        if _local_rules_compete(wider, best, threshold, snapshot.known_share(question)):
            return region_question(lexicon, topic, best)
    return render_answer(best, region, hits[1:], lexicon)


def suggest_other_topic(
    snapshot: RetrievalIndex,
    reply: Reply,
    *,
    question: str,
    topic: str | None,
    region: str | None,
    entities: Mapping[str, Iterable[str]] | None,
    text_scores: np.ndarray,
    threshold: float,
    fit_threshold: float | None,
    asked: str | None,
) -> Reply:
    """The honest reply, offering (never serving) an entry of another topic that fits the
    question, when the topic may have been misread: 焊工证丢了能补吗 reads as a subsidy
    question (能补), and the entry on replacing a lost permit is a grading one. The entry is
    a button 您是不是想问：<its question>, first; the reply stays honest."""
    if topic is None:
        return reply
    found = snapshot.search(
        question, topic=None, region=region, entities=entities, limit=10, text_scores=text_scores
    )
    others = [hit for hit in found.hits if hit.entry.topic != topic]
    if not others or others[0].score < threshold:
        return reply
    hits, unfit = _fitting(
        snapshot, others, question, others[0].entry.topic, region, entities, fit_threshold, asked
    )
    if unfit is not None:
        return reply
    entry = hits[0].entry
    reply.text += (
        f"\n您问的也可能是「{topic_label(entry.topic)}」方面的事，可以点「您是不是想问」看看。"
    )
    reply.buttons.insert(0, {"title": f"您是不是想问：{entry.question}", "payload": entry.question})
    reply.custom["suggested"] = {
        "faq_id": entry.id,
        "faq_key": entry.key,
        "question": entry.question,
        "topic": entry.topic,
    }
    return reply


# A quoted clause must contain at least this idf-weighted share of the question's words.
CLAUSE_MIN_COVERAGE = 0.7


def from_clause(
    snapshot: RetrievalIndex,
    question: str,
    topic: str | None,
    region: str | None,
    threshold: float | None,
) -> Reply | None:
    """The document's own words when a clause clearly matches and no entry fits (#12).

    Lapsed, replaced and ended time-limited rules are not in the clause index
    (:mod:`knowledge.clause_index`), so they are never quoted as current. The threshold is
    chosen on the development set (docs/decisions.md).
    """
    clauses = snapshot.clause_index
    if threshold is None or clauses is None or not question.strip():
        return None
    hit = clauses.best(question, topic=topic, region=region)
    if hit is None or hit.score < threshold or hit.coverage < CLAUSE_MIN_COVERAGE:
        return None
    return clause_reply(hit, topic, region)


def _local_rules_compete(
    wider: RetrievalResult, best: Hit, threshold: float, known_share: float = 1.0
) -> bool:
    """True when some region has its own entry about this very question.

    ``wider`` is the search over every region (``ANY_REGION``), top 10. Asking for
    the region is worth it only when the question itself is matched well (the best
    entry reaches ``REGION_QUESTION_MIN_SCORE``: below it the match is about the topic,
    not this question, and knowing the region would not change the answer) and a
    regional entry matches it nearly as well as the best one does. ``known_share`` (the
    share of the question's words the knowledge base knows at all) below
    ``REGION_QUESTION_MIN_KNOWN`` means the question asks about something no entry
    mentions (褥子, 空调): no region's entry answers it, so none is asked for.
    """
    if best.text_score < REGION_QUESTION_MIN_SCORE or known_share < REGION_QUESTION_MIN_KNOWN:
        return False
    return any(_competes(h, best, threshold) for h in wider.hits if h.entry.region != NATIONAL)


def _competes(hit: Hit, best: Hit, threshold: float, own_region: bool = False) -> bool:
    """``hit`` matches the question nearly as well as ``best`` (the worker's own region
    keeps its retrieval bonus, ``REGION_BONUS``)."""
    floor = max(threshold, REGION_QUESTION_MIN_SCORE, best.text_score * LOCAL_RULE_RATIO)
    return (hit.score if own_region else hit.text_score) >= floor


def prefer_local(result: RetrievalResult, threshold: float) -> RetrievalResult:
    """The worker's own (or its province's) entry first when it competes with the national one.

    A 茂名 worker gets 广东's entry on a question where 广东 has one that matches about
    as well as the national text (the same test that would have asked for the region).
    """
    best = result.best
    if best is None or best.region_match != "national":
        return result
    for hit in result.hits:
        if hit.region_match in ("exact", "parent") and _competes(hit, best, threshold, True):
            others = [h for h in result.hits if h is not hit]
            return RetrievalResult([hit, *others], result.region, result.chain)
    return result


# ---- fit or abstain (ARCHITECTURE decision 10; docs/decisions.md) ----

# A lower hit that fits may replace the best only when it scores this share of the best.
RERANK_RATIO = 0.75
# Why a best entry may give way to a lower one that fits: it answers another aspect, speaks about
# another subject, or names another certificate, level or benefit than the question (叉车证过期:
# the 特种作业操作证 entry gives way to the 特种设备作业人员证 one).
GIVES_WAY = (ASPECT_MISMATCH, OFF_SUBJECT, ENTITY_CONFLICT)


def answered_share(asked: frozenset[str], hit: Hit) -> int:
    """How many of the aspects asked ``hit``'s entry answers (its neighbours counted).

    Among entries that fit, within ``RERANK_RATIO`` of the best, the one answering more of
    what was asked is served: 公租房可以住多久 asks whether (可以) and how long (多久);
    the lease-term entry answers both, the who-may-apply entry only the first.
    """
    answered = set(hit.entry.aspects)
    for aspect in hit.entry.aspects:
        answered |= NEIGHBOURS.get(aspect, frozenset())
    return len(asked & answered)


def _fitting(
    snapshot: RetrievalIndex,
    hits: list[Hit],
    question: str,
    topic: str | None,
    region: str | None,
    entities: Mapping[str, Iterable[str]] | None,
    fit_threshold: float | None,
    asked_text: str | None = None,
) -> tuple[list[Hit], Reply | None]:
    """``hits`` with the first that fits the question in front, or else the honest reply.

    A lower hit is taken only when it scores at least ``RERANK_RATIO`` of the best: an
    entry that answers the aspect asked beats a closer one that answers another.
    """
    best = hits[0]
    asked = detect_aspects(asked_text or question)
    verdict: Fit | None = None
    chosen: Hit | None = None
    for hit in hits:
        if hit.score < best.score * RERANK_RATIO:
            break
        fit = judge_fit(
            hit,
            question,
            entities=entities,
            tag_type=snapshot.tag_type,
            threshold=fit_threshold if fit_threshold is not None else 0.0,
            region=region,
            asked=asked,
            coverage=lambda text, hit: snapshot.word_coverage(text, hit.entry),
            certificates=lambda hit: snapshot.certificates_named(hit.entry),
        )
        verdict = verdict or fit
        if fit.fits:
            if chosen is None or answered_share(asked, hit) > answered_share(asked, chosen):
                chosen = hit
            continue
        if chosen is None and verdict.reason not in GIVES_WAY:
            break  # only an entry on another aspect, subject or thing gives way to a lower one
    if chosen is not None:
        return [chosen, *(h for h in hits if h is not chosen)], None
    assert verdict is not None  # the best hit is always judged
    certificates = (entities or {}).get("certificate", ())
    reply = honest_reply(best, verdict, topic or best.entry.topic, region, certificates)
    reply.runners_up = hits[1:]
    return hits, reply
