"""Which subjects a worker's own words point at, and what to do when the NLU is unsure.

The clarifying question is for questions on which two subjects truly compete (issue 11): a
question whose words point at one subject is answered on it, and the clarifying buttons name
the competing subjects with the worker's own words (「证书」还是「补贴」), not the topic labels.
Cue words live in ``lexicon/topic_cues.yml``, with the entity values of ``lexicon/entities.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from changai.vocabulary import INTENT_TOPICS, TOPICS, Topic
from knowledge.lexicon import LEXICON_DIR, Lexicon, load_lexicon
from knowledge.text_normalise import normalise, strip_filler

OUT_OF_SCOPE = "out_of_scope"
SUBJECTS: tuple[str, ...] = (*TOPICS, OUT_OF_SCOPE)
ENTITY_SUBJECTS = {
    "skill_level": "skill_grading",
    "certificate": "skill_grading",
    "subsidy_type": "training_subsidy",
    "aid_type": "hardship_aid",
    "housing_type": "dormitory",
}
MAX_WORDS_SHOWN = 2

# What to do with an unsure message.
ANSWER = "answer"
ESCALATE = "escalate"
CLARIFY = "clarify"


@dataclass(frozen=True)
class Cues:
    """Subject -> the words of the message that point at it, in order of appearance."""

    words: dict[str, list[str]]

    def subjects(self) -> list[str]:
        return [s for s in SUBJECTS if self.words.get(s)]

    def label(self, subject: str) -> str:
        return "、".join(self.words[subject][:MAX_WORDS_SHOWN])


@dataclass(frozen=True)
class Choice:
    """``answer`` on ``subjects[0]``, ``escalate``, or ``clarify`` between ``subjects``."""

    kind: str
    subjects: list[str] = field(default_factory=list)
    cues: Cues | None = None


def _words_of(table: dict, key: str, allowed: Iterable[str]) -> dict[str, str]:
    """word -> what it names, from ``table[key]`` (what -> its words); an unknown what fails."""
    words: dict[str, str] = {}
    for subject, listed in (table.get(key) or {}).items():
        if subject not in allowed:
            raise ValueError(f"topic_cues.yml: unknown {key} key {subject!r}")
        for word in listed:
            words[str(word)] = subject
    return words


class CueFinder:
    def __init__(self, table: dict, lexicon: Lexicon) -> None:
        words: dict[str, str] = {}
        for entity_type, subject in ENTITY_SUBJECTS.items():
            for surface in lexicon.surfaces.get(entity_type, {}):
                if len(surface) > 1:
                    words.setdefault(surface, subject)
        words.update(_words_of(table, "subjects", SUBJECTS))
        self._subject_of = words
        self._pattern = _alternation(words)
        self._government = _alternation(table.get("government_aid") or [])
        self._union = _alternation(table.get("union_context") or [])
        self._other = _alternation(table.get("other_programmes") or [])
        self._ours = _alternation(table.get("in_scope_programmes") or [])
        self._employer_terms = _alternation(table.get("employer_terms") or [])
        self._employer = _alternation(table.get("employer_context") or [])
        self._public_housing = _alternation(table.get("public_housing") or [])
        programmes = _words_of(table, "named_programmes", TOPICS)
        self._programme_of = programmes
        self._programmes = _alternation(programmes)
        self._certified = _alternation(
            [
                surface
                for entity_type in ("certificate", "skill_level")
                for surface in lexicon.surfaces.get(entity_type, {})
                if len(surface) > 1
            ]
        )
        self._subsidy = _alternation(table.get("subsidy_words") or [])
        self._conditions = frozenset(str(w) for w in table.get("programme_conditions") or [])

    def find(self, text: str) -> Cues:
        found: dict[str, list[str]] = {}
        for match in self._pattern.finditer(_prepare(text)):
            word = match.group(0)
            listed = found.setdefault(self._subject_of[word], [])
            if word not in listed:
                listed.append(word)
        return Cues(found)

    def union_aid(self, text: str) -> bool:
        """True when ``text`` asks the union for hardship aid and names nothing out of scope.

        Government programmes (低保 …) may be named: 领着低保还能享受工会帮扶吗 is the union's.
        """
        prepared = _prepare(text)
        cues = self.find(prepared)
        others = [w for w in cues.words.get(OUT_OF_SCOPE, []) if not self._government.fullmatch(w)]
        return bool(self._union.search(prepared) and cues.words.get("hardship_aid") and not others)

    def government_aid_only(self, text: str) -> bool:
        """True when ``text`` names a government assistance programme and nothing of the union."""
        prepared = _prepare(text)
        return bool(self._government.search(prepared)) and not self._union.search(prepared)

    def other_programme_only(self, text: str) -> bool:
        """True when ``text`` names another programme (就业补贴, 失业金 …) and none of ours."""
        prepared = _prepare(text)
        return bool(self._other.search(prepared)) and not self._ours.search(prepared)

    def named_programmes(self, text: str) -> list[str]:
        """The topics whose programmes ``text`` names outright (技能提升补贴, 公租房, 补考 …),
        in order of appearance; a certificate or level named with a subsidy word (一级证书…
        有补贴吗) names the skills subsidy."""
        prepared = _prepare(text)
        named: list[str] = []
        for match in self._programmes.finditer(prepared):
            subject = self._programme_of[match.group(0)]
            if subject not in named:
                named.append(subject)
        training = Topic.training_subsidy.value
        if (
            training not in named
            and self._certified.search(prepared)
            and self._subsidy.search(prepared)
        ):
            named.append(training)
        return named

    def out_of_scope_named(self, text: str) -> bool:
        """True when ``text`` names something out of scope by itself: another programme,
        government aid, an employer's own terms, or an out-of-scope word that is not merely a
        condition of one of ours (社保, 退休 …: 电工证补贴要交几年社保)."""
        prepared = _prepare(text)
        words = self.find(prepared).words.get(OUT_OF_SCOPE, [])
        return (
            any(w not in self._conditions for w in words)
            or bool(self._other.search(prepared))
            or bool(self._government.search(prepared))
            or self.employer_terms_only(prepared)
        )

    def employer_terms_only(self, text: str) -> bool:
        """True when ``text`` asks about an employer's own housing terms (押金, 收费, 搬出 with
        公司/企业/员工) and names no public housing programme."""
        prepared = _prepare(text)
        return bool(
            self._employer_terms.search(prepared) and self._employer.search(prepared)
        ) and not self._public_housing.search(prepared)


def _prepare(text: str) -> str:
    return strip_filler(normalise(text or ""))


def _alternation(words: Sequence[str] | dict[str, str]) -> re.Pattern[str]:
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in ordered) or r"(?!)")


def load_cue_finder_from(path: Path, lexicon: Lexicon) -> CueFinder:
    with path.open(encoding="utf-8") as handle:
        return CueFinder(yaml.safe_load(handle) or {}, lexicon)


@lru_cache(maxsize=1)
def cue_finder() -> CueFinder:
    return load_cue_finder_from(LEXICON_DIR / "topic_cues.yml", load_lexicon())


def is_government_aid(topic: str | None, text: str) -> bool:
    """A hardship question about government aid (低保, 临时救助 …), not the union's: staff."""
    return topic == Topic.hardship_aid.value and cue_finder().government_aid_only(text)


def not_ours(topic: str | None, text: str) -> bool:
    """A question about a programme none of the four topics covers (government aid asked as
    hardship aid, or another programme named outright): staff take it, as out of scope."""
    finder = cue_finder()
    return (
        is_government_aid(topic, text)
        or finder.other_programme_only(text)
        or finder.employer_terms_only(text)
    )


def programme_topic(topic: str | None, text: str) -> str | None:
    """The topic ``text`` stays on by the one programme it names, when the NLU's ``topic``
    (None: out of scope) should give way to it; None when the NLU's choice stands (issue 11).

    Out of scope: the question keeps the topic of the programme it names unless it also names
    something out of scope by itself (电工证补贴要交几年社保 keeps the subsidy; 解除劳动合同后
    单位扣着职业资格证书 goes to staff). In scope: a question that names the programme of one
    other topic and none of its own moves to that topic (公租房补贴按季度发吗 is housing).
    """
    finder = cue_finder()
    named = finder.named_programmes(text)
    if len(named) != 1 or named[0] == topic:
        return None
    if topic is None and finder.out_of_scope_named(text):
        return None
    return named[0]


def subject_of_intent(intent: str | None) -> str | None:
    if intent == OUT_OF_SCOPE:
        return OUT_OF_SCOPE
    return INTENT_TOPICS.get(intent or "")


def resolve_unsure(text: str, ranking: Sequence[tuple[str, float]]) -> Choice:
    """What to do when the NLU is unsure of ``text`` (``ranking``: intent, confidence).

    Words pointing at one subject only: answer on it, or hand out-of-scope to staff (also when
    the NLU ranks out-of-scope first among several, unless one of our programmes is named and
    nothing out of scope by itself: ``programme_topic``). Words pointing at several subjects:
    clarify between the two the NLU ranks highest, named by those words.
    No telling words: clarify between the two topics the NLU ranks highest.
    """
    cues = cue_finder().find(text)
    order = {}
    for intent, confidence in ranking:
        subject = subject_of_intent(intent)
        if subject is not None and subject not in order:
            order[subject] = confidence
    cued = sorted(cues.subjects(), key=lambda s: -order.get(s, 0.0))
    if len(cued) == 1 or (cued and cued[0] == OUT_OF_SCOPE):
        # out of scope by its words and the NLU's first choice too: staff can answer either part,
        # unless the question names one of our programmes and nothing out of scope by itself
        named = programme_topic(None, text) if cued[0] == OUT_OF_SCOPE else None
        if named is not None:
            return Choice(ANSWER, [named], cues)
        kind = ESCALATE if cued[0] == OUT_OF_SCOPE else ANSWER
        return Choice(kind, cued[:1], cues)
    if len(cued) >= 2:
        return Choice(CLARIFY, cued[:2], cues)
    topics = [s for s in order if s in TOPICS]
    topics += [t for t in TOPICS if t not in topics]
    return Choice(CLARIFY, topics[:2], cues)
