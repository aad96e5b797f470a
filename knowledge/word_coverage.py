"""How much of a question an entry speaks about: the idf-weighted share of its words.

Used by the fit rule (knowledge/fit.py, ``OFF_SUBJECT``): an entry that never mentions most of
what the question names is about something else, however close its topic words score.

Workers type on phones, so a word the knowledge base never uses is first read as the known
word it most likely stands for: a one-character slip of a known word (补帖 → 补贴, 提生 → 提升),
or a known word with a stray function character that jieba glued to it (我考 → 考). Only words
that stay unknown weigh the most (转租 when no entry mentions it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from knowledge.analysis import STOP_WORDS
from knowledge.aspects import without_cues

if TYPE_CHECKING:
    from knowledge.lexicon import Lexicon
    from knowledge.tfidf import Vectoriser

MIN_WORD_CHARS = 2


class WordCoverage:
    """Word weights from the retrieval index's fitted vocabulary and idf."""

    def __init__(
        self,
        words_of: Callable[[str], list[str]],
        vocabulary: Mapping[str, int],
        idf: np.ndarray,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self._words_of = words_of
        # an entity's other names stand for its value (4级证 -> 中级工): the entry names the value
        self._aliases = dict(aliases or {})
        self._idf = {
            feature[2:]: float(idf[index])
            for feature, index in vocabulary.items()
            if feature.startswith("w:")
        }
        self._unknown = max(self._idf.values(), default=1.0)
        # one-character slips: 补? and ?贴 both point at 补贴
        self._slips: dict[str, set[str]] = defaultdict(set)
        for word in self._idf:
            for position in range(len(word)):
                self._slips[word[:position] + "?" + word[position + 1 :]].add(word)

    def known_form(self, word: str) -> str | None:
        """The known word ``word`` stands for, or None when it is new to the knowledge base."""
        if word in self._idf:
            return word
        for trimmed in (word[1:], word[:-1]):
            if trimmed in self._idf and (set(word) - set(trimmed)) <= STOP_WORDS_CHARS:
                return trimmed
        candidates = set()
        for position in range(len(word)):
            candidates |= self._slips.get(word[:position] + "?" + word[position + 1 :], set())
        if len(candidates) == 1:
            return candidates.pop()
        return None

    def share(self, question: str, entry_text: str) -> float:
        """The share of ``question``'s weighted words found in ``entry_text`` (1.0 if none)."""
        weights: dict[str, tuple[float, bool]] = {}
        for word in self._words_of(without_cues(question)):
            if len(word) < MIN_WORD_CHARS:
                continue
            known = self.known_form(word)
            value = self._aliases.get(word)
            if known is None and value is not None:  # 4级证: weighed and found as 中级工
                known = self.known_form(value)
            form = known or word
            found = form in entry_text or (value is not None and value in entry_text)
            weights[form] = (self._idf[known] if known else self._unknown, found)
        if not weights:
            return 1.0
        total = sum(weight for weight, _found in weights.values())
        return sum(weight for weight, found in weights.values() if found) / total


# single characters that are function words (我, 了, 的 …): glued to a known word by jieba
STOP_WORDS_CHARS = frozenset(word for word in STOP_WORDS if len(word) == 1)


class IndexCoverage:
    """Word coverage against one index's fitted vocabulary (entries' or clauses'), each text's
    canonical form analysed once; the lexicon's other names count as their value."""

    def __init__(self, vectoriser: Vectoriser, lexicon: Lexicon) -> None:
        self._vectoriser = vectoriser
        self._lexicon = lexicon
        self._coverage: WordCoverage | None = None  # built on first use
        self._texts: dict[Hashable, str] = {}

    def share(self, question: str, key: Hashable, raw_text: Callable[[], str]) -> float:
        """The share of ``question``'s weighted words in the text ``key`` names (its raw text
        from ``raw_text`` the first time)."""
        vectoriser = self._vectoriser
        if self._coverage is None:
            aliases = {surface: value for _type, surface, value in self._lexicon.all_terms()}
            self._coverage = WordCoverage(
                vectoriser.analyzer.words, vectoriser.vocabulary, vectoriser.idf, aliases
            )
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = vectoriser.analyzer.canonical_text(raw_text())
        return self._coverage.share(question, text)
