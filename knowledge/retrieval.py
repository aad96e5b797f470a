"""Ranked retrieval of FAQ entries: TF-IDF over phrasings and answers, topic, region, tags.

Question text, topic, region and entities in; hits with scores out. Each entry
is indexed by its standard question and alternative phrasings (best phrasing
counts) and, with a lower weight, by its answer. Region fallback: the
worker's own region first, then its province, then 全国. ``knowledge/live_index.py`` keeps
an index in step with the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from changai.vocabulary import NATIONAL
from knowledge.analysis import Analyzer
from knowledge.index_cache import IndexCache
from knowledge.indexed_entries import Hit, IndexedEntry, RetrievalResult
from knowledge.lexicon import Lexicon
from knowledge.text_normalise import normalise
from knowledge.tfidf import fitted
from knowledge.word_coverage import IndexCoverage

if TYPE_CHECKING:
    from knowledge.clause_index import ClauseIndex

PHRASING_WEIGHT = 0.7
ANSWER_WEIGHT = 0.3
TAG_MATCH_BONUS = 0.08
TAG_CONFLICT_PENALTY = 0.08
REGION_BONUS = {"exact": 0.06, "parent": 0.03, "national": 0.0, "other": 0.0}
MATCH_KINDS = ("exact", "parent", "national", "other")
ANY_REGION = "*"  # search every region's entries (to learn whether local rules exist)
# Last characters of an occupation's name (育婴师, 焊工, 学员): its 补贴 is a certificate's.
OCCUPATION_ENDINGS = frozenset("师工员")


def _mention_text(entry: IndexedEntry) -> str:
    return " ".join([*entry.phrasings, entry.answer, *entry.tags])


class RetrievalIndex:
    """An immutable index over a snapshot of servable entries."""

    def __init__(
        self,
        entries: list[IndexedEntry],
        analyzer: Analyzer,
        lexicon: Lexicon,
        texts: IndexCache | None = None,
    ) -> None:
        """``texts``: the analysed texts of an earlier build (the live index keeps them between
        rebuilds, ``knowledge/index_cache.py``); then only new texts are analysed."""
        self.entries = entries
        self._analyzer = analyzer
        self._lexicon = lexicon
        self._tag_types = {
            canonical: entity_type
            for entity_type, table in lexicon.surfaces.items()
            if entity_type != "region"
            for canonical in table.values()
        }
        phrasings: list[str] = []
        self._phrasing_owner: list[int] = []
        for position, entry in enumerate(entries):
            for phrasing in entry.phrasings:
                phrasings.append(phrasing)
                self._phrasing_owner.append(position)
        answers = [f"{e.question} {e.answer}" for e in entries]
        self._phrasings = fitted(analyzer, phrasings, texts) if phrasings else None
        self._answers = fitted(analyzer, answers, texts) if answers else None
        self._owner = np.array(self._phrasing_owner, dtype=np.int64)
        # every entry has at least its question, and its phrasings are consecutive
        self._phrasing_starts = np.flatnonzero(np.r_[True, np.diff(self._owner) != 0])
        self._topics = np.array([e.topic for e in entries], dtype=object)
        self._regions = np.array([e.region for e in entries], dtype=object)
        self._topic_masks = {t: self._topics == t for t in {e.topic for e in entries}}
        region_names = sorted({e.region for e in entries})
        self._region_index = {name: code for code, name in enumerate(region_names)}
        self._region_codes = np.array(
            [self._region_index[e.region] for e in entries], dtype=np.int64
        )
        self._max_tags = np.array([min(2, len(e.tags)) for e in entries], dtype=np.int64)
        self._coverage = IndexCoverage(self._answers, lexicon) if self._answers else None
        self._all_text: str | None = None  # every entry's text, for ``mentions``
        self._certificates: dict[str, frozenset[str]] = {}  # per entry, for ``certificates_named``
        # the in-force clauses, searched when no entry fits (the live index sets it)
        self.clause_index: ClauseIndex | None = None
        if texts is not None:  # built now, from what is cached: on first use it took seconds
            self._all_text = "\n".join(texts.normalised(_mention_text(e)) for e in entries)

    def __len__(self) -> int:
        return len(self.entries)

    def tag_type(self, value: str) -> str | None:
        """The entity type of a tag or entity value (skill_level, subsidy_type, ...), if known."""
        return self._tag_types.get(value)

    def text_scores(self, question: str) -> np.ndarray:
        """Every entry's text similarity with ``question`` (what ``search`` ranks by).

        Compute it once and pass it to several ``search`` calls for the same
        question (``knowledge.answering.find_answer`` searches up to three times).
        """
        if self._phrasings is None or self._answers is None:
            return np.zeros(0)
        phrasing_scores = self._phrasings.scores(question)
        # best phrasing per entry (scores are >= 0, as with a zero-initialised maximum)
        best = np.maximum(np.maximum.reduceat(phrasing_scores, self._phrasing_starts), 0.0)
        return PHRASING_WEIGHT * best + ANSWER_WEIGHT * self._answers.scores(question)

    def known_share(self, question: str) -> float:
        """The share of ``question``'s features that occur anywhere in the entries' phrasings.

        Low when the worker asks about something no entry mentions (bedding in a
        dormitory): then no entry, national or local, answers this very question.
        """
        if self._phrasings is None:
            return 0.0
        features = self._phrasings.analyzer.features(question)
        if not features:
            return 0.0
        vocabulary = self._phrasings.vocabulary
        return sum(feature in vocabulary for feature in features) / len(features)

    def mentions(self, word: str) -> bool:
        """Whether any entry's phrasings, answer or tags contain ``word`` (normalised text)."""
        if self._all_text is None:
            self._all_text = "\n".join(normalise(_mention_text(e)) for e in self.entries)
        return word in self._all_text

    def read_homophones(self, question: str) -> str:
        """The question with sound-alike typing slips read as our words (不贴 -> 补贴):
        ``knowledge/homophones.py``."""
        return self._analyzer.read_homophones(question)

    def certificates_named(self, entry: IndexedEntry) -> frozenset[str]:
        """The certificates (canonical values) ``entry`` names in its phrasings, answer or tags,
        by any of the lexicon's names for them (叉车证 -> 特种设备作业人员证)."""
        found = self._certificates.get(entry.key)
        if found is None:
            text = normalise(_mention_text(entry))
            surfaces = self._lexicon.surfaces.get("certificate", {})
            found = (
                frozenset(
                    value for surface, value in surfaces.items() if normalise(surface) in text
                )
                | frozenset(surfaces.values()) & entry.tags
            )
            self._certificates[entry.key] = found
        return found

    def unknown_name(self, name: str) -> bool:
        """Whether ``name`` (the two characters before 补贴: 取暖, 人才) names something no entry
        knows: not mentioned anywhere, not an occupation (育婴师补贴, 焊工补贴: a certificate's
        subsidy), and not a slip of a known word with the same first character (困南 -> 困难)."""
        if self.mentions(name) or name[-1] in OCCUPATION_ENDINGS:
            return False
        if self._answers is None:
            return True
        vocabulary = self._answers.vocabulary
        slips = [
            w
            for w in vocabulary
            if w.startswith("w:") and len(w) == 4 and w[2] == name[0] and w[3] != name[1]
        ]
        return len(slips) != 1

    def word_coverage(self, question: str, entry: IndexedEntry) -> float:
        """The idf-weighted share of ``question``'s words that ``entry`` mentions in its
        phrasings, answer or tags (:mod:`knowledge.word_coverage`); 1.0 for none."""
        if self._coverage is None:
            return 1.0
        return self._coverage.share(
            question, entry.key, lambda: " ".join([*entry.phrasings, entry.answer, *entry.tags])
        )

    def _region_matches(self, chain: list[str], positions: np.ndarray) -> np.ndarray:
        """0 exact, 1 parent, 2 national, 3 other, for the entries at ``positions``."""
        codes = self._region_codes[positions]
        match = np.full(len(positions), 3, dtype=np.int64)
        for rank, name in enumerate(chain):
            code = self._region_index.get(name)
            if code is None:
                continue
            kind = 2 if name == NATIONAL else (0 if rank == 0 else 1)
            match[(codes == code) & (match == 3)] = kind
        national = self._region_index.get(NATIONAL)
        if national is not None:
            match[codes == national] = 2
        return match

    def _shortlist(
        self, candidates: np.ndarray, base: np.ndarray, values: set[str], limit: int
    ) -> np.ndarray:
        """The candidates that can still reach the top ``limit`` once tags are scored.

        Tags move a score by at most ``+2 * TAG_MATCH_BONUS`` and
        ``-TAG_CONFLICT_PENALTY``. Whatever is left out scores below the
        ``limit``-th best lower bound (and below 1.0, where scores are capped),
        with a margin wider than the rounding to four places, so the top hits
        and their order are exactly those of scoring every candidate.
        """
        if limit <= 0:
            return candidates[:0]
        if candidates.size <= limit:
            return candidates
        if values:
            upper = base + np.minimum(self._max_tags[candidates], len(values)) * TAG_MATCH_BONUS
            lower = base - TAG_CONFLICT_PENALTY
        else:
            upper = lower = base
        floor = np.partition(lower, candidates.size - limit)[candidates.size - limit]
        return candidates[upper >= min(floor, 1.0) - 1e-3]

    def _tag_adjustment(self, entry: IndexedEntry, values: set[str]) -> float:
        if not values or not entry.tags:
            return 0.0
        matched = entry.tags & values
        asked_types = {self._tag_types.get(v) for v in values - matched}
        conflicting = {t for t in entry.tags - matched if self._tag_types.get(t) in asked_types}
        bonus = min(2, len(matched)) * TAG_MATCH_BONUS
        penalty = TAG_CONFLICT_PENALTY if conflicting and not matched else 0.0
        return bonus - penalty

    def search(
        self,
        question: str,
        topic: str | None = None,
        region: str | None = None,
        entities: Mapping[str, Iterable[str]] | None = None,
        limit: int = 5,
        text_scores: np.ndarray | None = None,
    ) -> RetrievalResult:
        """The best ``limit`` entries for ``question``.

        ``text_scores``, when given, must be ``self.text_scores(question)``.
        """
        any_region = region == ANY_REGION
        chain = self._lexicon.region_chain(None if any_region else region)
        if not self.entries:
            return RetrievalResult([], region, chain)
        if topic:
            mask = self._topic_masks.get(topic)
            if mask is None:
                return RetrievalResult([], region, chain)
            candidates = np.flatnonzero(mask)
        else:
            candidates = np.arange(len(self.entries))
        matches = self._region_matches(chain, candidates)
        if not any_region:
            keep = matches != 3
            candidates, matches = candidates[keep], matches[keep]
        if candidates.size == 0:
            return RetrievalResult([], region, chain)
        if text_scores is None:
            text_scores = self.text_scores(question)
        values = {str(v) for key, vs in (entities or {}).items() if key != "region" for v in vs}
        bonuses = np.array([REGION_BONUS[k] for k in MATCH_KINDS])[matches]
        base = text_scores[candidates] + bonuses
        shortlisted = set(self._shortlist(candidates, base, values, limit).tolist())
        hits = []
        for position, kind in zip(candidates.tolist(), matches.tolist(), strict=True):
            if position not in shortlisted:
                continue
            entry = self.entries[position]
            match = MATCH_KINDS[kind]
            text_score = float(text_scores[position])
            score = text_score + REGION_BONUS[match] + self._tag_adjustment(entry, values)
            hits.append(Hit(entry, round(min(score, 1.0), 4), text_score, match))
        hits.sort(key=lambda h: (-h.score, h.entry.id))
        return RetrievalResult(hits[:limit], region, chain)
