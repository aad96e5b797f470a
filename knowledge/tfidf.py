"""TF-IDF vectors of texts for retrieval, with a fast query row and a column-wise cosine score
(``knowledge/retrieval.py``).

The formula is scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``: tf = 1 + ln(count),
idf = ln((1 + n) / (1 + df)) + 1, rows L2-normalised (tests/test_retrieval_tfidf.py checks
every score against it, written out in plain Python). The matrix is assembled with NumPy from
each text's feature counts, which a ``IndexCache`` keeps between builds: the live index
rebuilds after an admin's edit without analysing the texts again (scikit-learn's ``fit``
analyses and counts every text each time, about 1 s for 10,000 entries even when the
analysis itself is cached).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy import sparse

from knowledge.analysis import Analyzer
from knowledge.index_cache import IndexCache


class Vectoriser:
    """TF-IDF over analyser features, L2-normalised rows."""

    def __init__(
        self, analyzer: Analyzer, documents: list[str], texts: IndexCache | None = None
    ) -> None:
        """``texts``: where the documents' feature counts are kept between builds; by default
        they are analysed now and forgotten."""
        self.analyzer = analyzer
        cache = texts if texts is not None else IndexCache(analyzer)
        rows = [cache.counts(document) for document in documents]
        lengths = np.array([len(ids) for ids, _ in rows], dtype=np.int64)
        if rows and lengths.sum():
            feature_ids = np.concatenate([ids for ids, _ in rows])
            counts = np.concatenate([n for _, n in rows])
        else:
            feature_ids, counts = np.zeros(0, dtype=np.int64), np.zeros(0)
        # the features that occur, in id order, and each one's column (a bincount, not a sort)
        present = np.zeros(len(cache.names), dtype=bool)
        present[feature_ids] = True
        used = np.flatnonzero(present)
        columns = (np.cumsum(present) - 1)[feature_ids]
        document_frequency = np.bincount(columns, minlength=len(used))  # ids are unique per row
        self.idf = np.log((1 + len(documents)) / (1 + document_frequency)) + 1.0
        values = (1.0 + np.log(counts)) * self.idf[columns]
        row_of = np.repeat(np.arange(len(documents)), lengths)
        norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=len(documents)))
        norms[norms == 0] = 1.0
        self.matrix = sparse.csr_matrix(
            (values / norms[row_of], columns, np.r_[0, np.cumsum(lengths)]),
            shape=(len(documents), len(used)),
        )
        self.vocabulary: dict[str, int] = {
            cache.names[feature]: column for column, feature in enumerate(used.tolist())
        }
        self._columns = self.matrix.tocsc()  # per-feature columns for ``scores``

    def query(self, text: str) -> sparse.csr_matrix:
        """The question's row in the documents' feature space.

        It applies the vocabulary and idf as scikit-learn's ``transform`` would (unknown
        features dropped, tf = 1 + ln(count), L2 norm), without its input checks and
        conversions, which cost about 0.5 ms, more than a whole search over 10,000 entries
        (``bench/retrieval_scale.py``).
        """
        counts = Counter(
            index
            for index in map(self.vocabulary.get, self.analyzer.features(text))
            if index is not None
        )
        indices = np.array(sorted(counts), dtype=np.int32)
        tf = 1.0 + np.log(np.array([counts[i] for i in indices.tolist()], dtype=np.float64))
        values = tf * self.idf[indices]
        norm = float(np.sqrt(values @ values)) or 1.0
        return sparse.csr_matrix(
            (values / norm, indices, np.array([0, len(indices)], dtype=np.int32)),
            shape=(1, self.matrix.shape[1]),
        )

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of every row with ``text``, touching only its features' columns.

        The same sums as ``(matrix @ query(text).T)``, without building a sparse product.
        """
        query = self.query(text)
        if query.nnz == 0:
            return np.zeros(self.matrix.shape[0])
        return np.asarray(self._columns[:, query.indices] @ query.data).ravel()


def fitted(analyzer: Analyzer, documents: list[str], texts: IndexCache | None) -> Vectoriser:
    """A ``Vectoriser`` over ``documents``. With the live index's cache (``texts``), the one
    its last build fitted on the same texts in the same order is taken as it is: it would
    come out the same. An edit of a document's title, or of an entry's answer alone, leaves
    the clauses' (and the phrasings') texts as they were; refitting 40,000 clauses took
    0.4 s (``bench/publish_to_live.py``)."""
    if texts is None:
        return Vectoriser(analyzer, documents)
    texts.keep(documents)  # their counts stay cached for the next build that changes them
    return texts.entry(
        ("vectoriser", tuple(documents)), lambda: Vectoriser(analyzer, documents, texts)
    )
