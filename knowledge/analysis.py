"""Chinese-aware text features for retrieval: jieba words plus character n-grams."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.homophones import HomophoneReader
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.text_normalise import normalise, strip_filler

STOP_WORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 嘛 么 我 你 您 他 她 我们 俺 咱 是 在 有 和 与 及 就 都 也 还 "
    "请问 问 想 想问 一下 下 个 这 那 怎么 怎样 如何 什么 啥 咋 能 可以 会 要 多少 请".split()
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
# A modal particle closing a clause (宿舍咋申请啊, 能领吗呀): it carries no meaning, and as a
# character bigram (请啊) it only dilutes the match.
_CLOSING_PARTICLE = re.compile(r"[啊呀呢嘛哈哦啦哇捏]+(?=[\s\W_]|$)", re.UNICODE)


class Analyzer:
    """Turns text into weighted retrieval features.

    Words come from jieba (with the lexicon's words added), with synonyms
    rewritten to one canonical form; character bigrams of the rewritten text
    catch typos and words jieba splits differently.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        import jieba

        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self._synonyms = dict(lexicon.synonyms)
        for _entity_type, surface, _canonical in lexicon.all_terms():
            if len(surface) > 1:
                self._jieba.add_word(surface)
        for word in list(self._synonyms) + sorted(set(self._synonyms.values())):
            if len(word) > 1:
                self._jieba.add_word(word)
        # One left-to-right pass, longest first; canonical forms map to themselves
        # so that a word inside a longer canonical word is never rewritten.
        for canonical in sorted(set(self._synonyms.values())):
            self._synonyms.setdefault(canonical, canonical)
        alternation = "|".join(
            re.escape(word) for word in sorted(self._synonyms, key=len, reverse=True)
        )
        self._synonym_pattern = re.compile(alternation) if alternation else None
        # place names are left out: thousands of them, and they sound like everyday words
        vocabulary = [s for kind, s, _canonical in lexicon.all_terms() if kind != "region"]
        self._homophones = HomophoneReader(
            [*vocabulary, *self._synonyms, *self._synonyms.values()],
            lambda text: self._jieba.lcut(text, HMM=False),
        )

    def read_homophones(self, text: str) -> str:
        """``text`` with sound-alike typing slips read as our words (不贴 -> 补贴, 困南 -> 困难)."""
        return self._homophones.read(normalise(text))

    def canonical_text(self, text: str) -> str:
        text = _CLOSING_PARTICLE.sub("", strip_filler(normalise(text)).lower())
        if self._synonym_pattern is None:
            return text
        return self._synonym_pattern.sub(lambda m: self._synonyms[m.group(0)], text)

    def words(self, text: str) -> list[str]:
        return self._words(self.canonical_text(text))

    def _words(self, canonical: str) -> list[str]:
        return [
            w
            for w in self._jieba.lcut(canonical)
            if w.strip() and w not in STOP_WORDS and not _PUNCT.fullmatch(w)
        ]

    def features(self, text: str) -> list[str]:
        canonical = self.canonical_text(text)  # once: it is most of the cost
        words = self._words(canonical)
        compact = _PUNCT.sub("", canonical)
        bigrams = [compact[i : i + 2] for i in range(len(compact) - 1)]
        return [f"w:{w}" for w in words] + [f"c:{b}" for b in bigrams]


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    return Analyzer(load_lexicon())
