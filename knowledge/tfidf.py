"""TF-IDF vectors of texts for retrieval: scikit-learn's ``TfidfVectorizer`` over the analyser's
features, with a faster query row and a column-wise cosine score (``knowledge/retrieval.py``).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge.analysis import Analyzer


class Vectoriser:
    """TF-IDF over analyser features, L2-normalised rows, built once per index.

    scikit-learn's ``TfidfVectorizer(analyzer=analyzer.features, sublinear_tf=True)``:
    tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1, rows L2-normalised.
    """

    def __init__(self, analyzer: Analyzer, documents: list[str]) -> None:
        self.analyzer = analyzer
        self.vectorizer = TfidfVectorizer(analyzer=analyzer.features, sublinear_tf=True)
        try:
            self.matrix = sparse.csr_matrix(self.vectorizer.fit_transform(documents))
            self.vocabulary: dict[str, int] = self.vectorizer.vocabulary_
            self.idf = self.vectorizer.idf_
        except ValueError:
            if any(analyzer.features(d) for d in documents):
                raise
            # scikit-learn refuses an empty vocabulary; no text has a feature, so nothing matches
            self.matrix = sparse.csr_matrix((len(documents), 0))
            self.vocabulary, self.idf = {}, np.zeros(0)
        self._columns = self.matrix.tocsc()  # per-feature columns for ``scores``

    def query(self, text: str) -> sparse.csr_matrix:
        """``self.vectorizer.transform([text])``: the same row, computed directly.

        Written by hand because of latency: for one short question scikit-learn's
        ``transform`` spends about 0.5 ms on input checks and conversions, more than a
        whole search over 10,000 entries (``bench/retrieval_scale.py``). It applies the
        fitted vocabulary and idf exactly as ``transform`` does (unknown features dropped,
        tf = 1 + ln(count), L2 norm); tests/test_retrieval_tfidf.py compares the two.
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
