"""Does the best entry answer the question that was asked, or only a neighbouring one?

Retrieval ranks entries by text similarity; a high rank is not an answer. The best hit
is served only when it fits (ARCHITECTURE decision 10):

- its score reaches the serving line (``FIT_THRESHOLD``);
- it answers what the question asks: when the question asks aspects (amount, how to
  apply, ...: :mod:`knowledge.aspects`) and the entry answers some, they must share one;
- it is about the things the question names: a skill level, subsidy, aid or housing
  type the question names (parsed entities) that differs from the entry's tags of the
  same kind is a conflict, and so is a named benefit (住房补贴) that the entry never
  mentions, and a certificate the question names when the entry speaks of other
  certificates only (叉车证 against an entry on 职业资格证书 and 职业技能等级证书).

Otherwise the assistant says honestly that it has no specific rule
(:func:`knowledge.replies.honest_reply`). The lines were calibrated on the real
development set (docs/decisions.md, "Serve an entry only when it fits").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from changai.vocabulary import NATIONAL
from knowledge.aspects import detect_aspects
from knowledge.indexed_entries import Hit
from knowledge.text_normalise import normalise

FITS = "fits"
LOW_SCORE = "low_score"
ASPECT_MISMATCH = "aspect_mismatch"
ENTITY_CONFLICT = "entity_conflict"
NO_LOCAL_RULE = "no_local_rule"
OFF_SUBJECT = "off_subject"
# Below this idf-weighted share of the question's words found in the entry, the entry is
# about something else (公租房可以转租吗 -> who may rent). Chosen on the real development set:
# it stopped 10 of 27 wrong answers and 1 of 7 right ones at 0.3; raised to 0.36 when the
# served answers between 0.3 and 0.36 were all wrong (docs/decisions.md).
MIN_WORD_COVERAGE = 0.36
REASON_LABELS = {
    FITS: "合适，会作为答案",
    LOW_SCORE: "得分不够，不当作答案",
    ASPECT_MISMATCH: "问的方面与条目回答的方面不一致",
    ENTITY_CONFLICT: "问题里提到的对象与条目不一致",
    NO_LOCAL_RULE: "各地标准不同，但没有收录职工所在地区的规定",
    OFF_SUBJECT: "问题里的关键词条目大多没有提到",
}
# What an entry answering one aspect also answers: how to apply says where to go and
# what to bring; eligibility and requirement (must I / may I) are one question.
NEIGHBOURS: dict[str, frozenset[str]] = {
    "how_to_apply": frozenset({"where", "materials"}),
    "eligibility": frozenset({"requirement"}),
    "requirement": frozenset({"eligibility"}),
}
_PLAIN = re.compile(r"[\s\W_]+", re.UNICODE)
# A named benefit: two characters before 补贴 / 补助 / 津贴 / 救助 (住房补贴, 交通补助).
_NAMED_BENEFIT = re.compile(r"([\u4e00-\u9fff]{2})(?:补贴|补助|津贴|补偿)")
# Characters that do not occur in a benefit's name but do around it in a sentence.
_FUNCTION_CHARS = frozenset(
    "了能有证书是的吗么不没要还给补领发考个这那就都也在和跟与或去来得多少钱啥"
)
# Words before 补贴 that name no particular benefit.
_GENERIC_PREFIXES = frozenset(
    {
        "技能",
        "提升",
        "提高",  # 技能提高补贴: the worker's name for 技能提升补贴
        "培训",
        "考证",
        "证书",
        "政府",
        "国家",
        "这个",
        "那个",
        "什么",
        "有啥",
        "哪些",
        "相关",
        "个人",
        "职工",
        "工会",
        "困难",
        "申请",
        "领取",
        "能领",
        "享受",
        "发放",
        "这项",
        "各种",
        "啥的",
        "的钱",
        "我的",
        "多少",
        "一次",
        "高级",
        "中级",
        "初级",
        "技师",
        "职业",
    }
)


@dataclass(frozen=True)
class Fit:
    fits: bool
    reason: (
        str  # FITS | LOW_SCORE | ASPECT_MISMATCH | ENTITY_CONFLICT | NO_LOCAL_RULE | OFF_SUBJECT
    )
    score: float
    question_aspects: frozenset[str]
    entry_aspects: frozenset[str]
    conflicts: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return REASON_LABELS[self.reason]


def aspects_agree(asked: frozenset[str], answered: frozenset[str]) -> bool:
    """True when the question asks nothing we can tell, or the entry answers one of it."""
    if not asked or not answered:
        return True
    widened = set(answered)
    for aspect in answered:
        widened |= NEIGHBOURS.get(aspect, frozenset())
    return bool(asked & widened)


def entity_conflicts(
    hit: Hit,
    entities: Mapping[str, Iterable[str]] | None,
    tag_type: Callable[[str], str | None],
) -> list[str]:
    """The values the question names whose kind the entry is tagged with, but not them."""
    asked: dict[str, set[str]] = {}
    for entity_type, values in (entities or {}).items():
        if entity_type in {"region", "input_issue"}:
            continue
        for value in values:
            asked.setdefault(tag_type(str(value)) or entity_type, set()).add(str(value))
    tagged: dict[str, set[str]] = {}
    for tag in hit.entry.tags:
        kind = tag_type(tag)
        if kind is not None:
            tagged.setdefault(kind, set()).add(tag)
    conflicts = []
    for kind, values in asked.items():
        if kind in tagged and not values & tagged[kind]:
            conflicts.extend(sorted(values))
    return conflicts


def unnamed_certificates(
    hit: Hit,
    entities: Mapping[str, Iterable[str]] | None,
    certificates: Callable[[Hit], frozenset[str]] | None,
) -> list[str]:
    """The certificates the question names when the entry names other certificates only.

    An entry that says which certificates count (职业资格证书、职业技能等级证书) does not
    answer for a certificate it never names (叉车证 is a 特种设备作业人员证); entries that
    name no certificate at all are not about the certificate's kind."""
    asked = {str(value) for value in (entities or {}).get("certificate", ())}
    if not asked or certificates is None:
        return []
    named = certificates(hit)
    return sorted(asked) if named and not asked & named else []


def named_benefits(question: str) -> list[tuple[str, str]]:
    """The benefits ``question`` names, as (name, the two characters naming it): 住房补贴."""
    found = []
    for match in _NAMED_BENEFIT.finditer(normalise(question)):
        prefix = match.group(1)
        if _FUNCTION_CHARS & set(prefix):
            continue  # not a name: 考了证能补贴, 政府有补助
        if prefix not in _GENERIC_PREFIXES:
            found.append((match.group(0), prefix))
    return found


def absent_benefits(question: str, hit: Hit) -> list[str]:
    """Benefits the question names (住房补贴) that the entry never mentions."""
    entry = hit.entry
    text = _normalised(" ".join([*entry.phrasings, entry.answer, *entry.tags]))
    return [name for name, prefix in named_benefits(question) if prefix not in text]


@lru_cache(maxsize=8192)
def _normalised(text: str) -> str:
    return normalise(text)


@lru_cache(maxsize=8192)
def _plain(text: str) -> str:
    """Text as compared for sameness: normalised, without spaces or punctuation."""
    return _PLAIN.sub("", normalise(text))


def is_own_phrasing(question: str, hit: Hit) -> bool:
    """The question is one of the entry's own phrasings (a 相关规定 button sends one)."""
    plain = _plain(question)
    return any(_plain(p) == plain for p in hit.entry.phrasings)


def lacks_local_rule(hit: Hit, region: str | None) -> bool:
    """The answer differs by region, the worker named theirs, and only the national rule is held."""
    return (
        bool(region)
        and region != NATIONAL
        and hit.entry.region_sensitive
        and hit.region_match == "national"
    )


def judge_fit(
    hit: Hit,
    question: str,
    *,
    entities: Mapping[str, Iterable[str]] | None,
    tag_type: Callable[[str], str | None],
    threshold: float,
    region: str | None = None,
    asked: frozenset[str] | None = None,
    coverage: Callable[[str, Hit], float] | None = None,
    certificates: Callable[[Hit], frozenset[str]] | None = None,
) -> Fit:
    """Whether ``hit`` (the best entry for ``question``) answers it, for a worker in ``region``.

    ``certificates``: the certificates an entry names (``RetrievalIndex.certificates_named``)."""
    asked = detect_aspects(question) if asked is None else asked
    answered = hit.entry.aspects
    if is_own_phrasing(question, hit):
        return Fit(True, FITS, hit.score, asked, answered)
    conflicts = tuple(
        entity_conflicts(hit, entities, tag_type)
        + absent_benefits(question, hit)
        + unnamed_certificates(hit, entities, certificates)
    )
    # an entry scoring below the line is not "the national rule" of what was asked, whatever
    # the region (宿舍太吵了能换吗 was told 各地的规定不一样 and offered 宿舍型保租房 as it)
    if hit.score < threshold:
        reason = LOW_SCORE
    elif lacks_local_rule(hit, region):
        reason = NO_LOCAL_RULE
    elif conflicts:
        reason = ENTITY_CONFLICT
    elif coverage is not None and coverage(question, hit) < MIN_WORD_COVERAGE:
        reason = OFF_SUBJECT
    elif not aspects_agree(asked, answered):
        reason = ASPECT_MISMATCH
    else:
        reason = FITS
    return Fit(reason == FITS, reason, hit.score, asked, answered, conflicts)
