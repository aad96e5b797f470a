"""What the live index keeps between rebuilds: analysed texts and built entries.

Analysing a text (traditional to simplified, synonyms, jieba, bigrams) is most of the cost of
building a retrieval index: about 1 ms a text, 20-30 s for 10,000 entries with their
phrasings. An admin's edit changes one entry; the live index rebuilds from this cache and
analyses only the texts it has not seen (``knowledge/live_index.py``). Each text is kept as
its features' counts, by ids that stay fixed for the cache's life, so that a build only
concatenates arrays (``knowledge/tfidf.py``). The idf and the vectors are computed again at
each build, so a rebuilt index is exactly the index built from scratch. Entries are kept as
built (``IndexedEntry``), keyed by what they were built from (``knowledge/live_index.py``),
so a rebuild constructs only the entries whose row, document or clauses changed; so are each
document's servable clauses (``knowledge/clause_index.py``) and each TF-IDF fit, keyed by its
texts (``knowledge/tfidf.py``: a title's edit refits nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar, cast

import numpy as np

from knowledge.aspects import detect_aspects
from knowledge.text_normalise import normalise

T = TypeVar("T")


class Features(Protocol):
    def features(self, text: str) -> list[str]: ...


class IndexCache:
    """Per text: feature counts, normalised text, aspects; per entry: the entry as built.
    A build keeps only what it used."""

    def __init__(self, analyzer: Features) -> None:
        self.analyzer = analyzer
        self.names: list[str] = []  # feature id -> feature
        self._ids: dict[str, int] = {}
        self._counts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._normalised: dict[str, str] = {}
        self._aspects: dict[str, frozenset[str]] = {}
        self._entries: dict[Hashable, Any] = {}
        self._used: set[Hashable] | None = None
        self.analysed = 0  # texts analysed (not found in the cache), for tests and benchmarks

    def __len__(self) -> int:
        return len(self._counts)

    def __contains__(self, text: object) -> bool:
        """Whether ``text``'s features are kept."""
        return text in self._counts

    def counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """``text``'s features as (ids ascending, counts): one entry per distinct feature."""
        return self._kept(self._counts, text, lambda: self._count(text))

    def normalised(self, text: str) -> str:
        """``normalise(text)`` (what ``RetrievalIndex.mentions`` searches)."""
        return self._kept(self._normalised, text, lambda: normalise(text))

    def aspects(self, phrasing: str) -> frozenset[str]:
        """``detect_aspects(phrasing)`` (an entry without stored aspects takes its phrasings')."""
        return self._kept(self._aspects, phrasing, lambda: detect_aspects(phrasing))

    def has_entry(self, key: Hashable) -> bool:
        """Whether the entry built from what ``key`` stands for is kept."""
        return key in self._entries

    def entry(self, key: Hashable, build: Callable[[], T]) -> T:
        """The entry (or a document's clauses) built from what ``key`` stands for: kept, or
        built now by ``build``."""
        return cast(T, self._kept(self._entries, key, build))

    def keep(self, texts: Iterable[str]) -> None:
        """Count ``texts`` as used by this build without reading them: an index the build
        reuses as it is (the clause index after an entry's edit) still finds them next time."""
        if self._used is not None:
            self._used.update(text for text in texts if text in self._counts)

    def _kept(self, store: dict[Any, Any], key: Hashable, compute: Callable[[], Any]) -> Any:
        """``store[key]``, computed on first use; the key counts as used by the build."""
        found = store.get(key)
        if found is None:
            found = store[key] = compute()
        if self._used is not None:
            self._used.add(key)
        return found

    def _count(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counted = Counter(self.analyzer.features(text))
        pairs = sorted((self._id(feature), n) for feature, n in counted.items())
        self.analysed += 1
        return (
            np.array([i for i, _ in pairs], dtype=np.int64),
            np.array([n for _, n in pairs], dtype=np.float64),
        )

    def _id(self, feature: str) -> int:
        found = self._ids.get(feature)
        if found is None:
            found = self._ids[feature] = len(self.names)
            self.names.append(feature)
        return found

    @contextmanager
    def build(self) -> Iterator[IndexCache]:
        """The cache for one index build; afterwards only the texts it used are kept.

        A build that fails keeps everything, so the next attempt still finds it. Feature ids
        are never reused, so the few a removed text alone had stay in ``names``."""
        used: set[Hashable] = set()
        self._used = used
        try:
            yield self
        except BaseException:
            self._used = None
            raise
        self._used = None
        stores: tuple[dict[Any, Any], ...] = (
            self._counts,
            self._normalised,
            self._aspects,
            self._entries,
        )
        for store in stores:
            for key in [k for k in store if k not in used]:
                del store[key]
