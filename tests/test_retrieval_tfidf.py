"""Retrieval scores are the TF-IDF cosine of the documented formula.

``reference_tfidf`` computes the formula straightforwardly, in plain Python:
tf = 1 + ln(count), idf = ln((1 + n) / (1 + df)) + 1, rows L2-normalised,
features the index never saw dropped from the question, score = cosine. The
index (its NumPy-assembled matrix plus the column-wise scoring path)
must give the same numbers within 1e-9, and so the same ranking, on a toy
corpus and on the seed knowledge base for every development-set question.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bench.retrieval_scale import seed_entries
from knowledge.retrieval import ANSWER_WEIGHT, PHRASING_WEIGHT, RetrievalIndex
from knowledge.tfidf import Vectoriser
from tests.eval.evaluate import load_dev_set

Vector = dict[str, float]


def reference_tfidf(
    documents: list[list[str]],
) -> tuple[list[Vector], Callable[[list[str]], Vector]]:
    """The documents' TF-IDF rows, and the function that turns a question into a row."""
    n = len(documents)
    doc_freq = Counter(feature for features in documents for feature in set(features))
    idf = {feature: math.log((1 + n) / (1 + df)) + 1 for feature, df in doc_freq.items()}

    def vector(features: list[str]) -> Vector:
        counts = Counter(f for f in features if f in idf)
        row = {f: (1 + math.log(c)) * idf[f] for f, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in row.values()))
        return {f: v / norm for f, v in row.items()} if norm else {}

    return [vector(features) for features in documents], vector


def cosine(a: Vector, b: Vector) -> float:
    return sum(value * b.get(feature, 0.0) for feature, value in a.items())


class WordAnalyzer:
    """Whitespace-separated words as features, so that scores can be worked out by hand."""

    def features(self, text: str) -> list[str]:
        return text.split()


TOY_DOCUMENTS = ["a a b", "b c", "c c c d", "", "a d e e e e", "f"]
TOY_QUESTIONS = ["a", "a a c", "e z", "z", "", "b b b d f", "c"]


def test_hand_computed_score() -> None:
    """Two documents, one question: the reference and the index agree with the formula."""
    documents, question = ["a a b", "b c"], "a"
    idf_a, idf_b = math.log(3 / 2) + 1, math.log(3 / 3) + 1
    a_weight = (1 + math.log(2)) * idf_a
    expected = [a_weight / math.sqrt(a_weight**2 + idf_b**2), 0.0]
    rows, vector = reference_tfidf([d.split() for d in documents])
    assert [cosine(vector(question.split()), row) for row in rows] == pytest.approx(expected)
    scores = Vectoriser(WordAnalyzer(), documents).scores(question)  # type: ignore[arg-type]
    assert np.allclose(scores, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("analyzer_kind", "documents", "questions"),
    [
        ("words", TOY_DOCUMENTS, TOY_QUESTIONS),
        (
            "chinese",
            [
                "技能提升补贴怎么申请，技能提升补贴发到哪",
                "宿舍申请要什么材料",
                "困难职工帮扶怎么申请",
                "？",
                "中级工证书补贴多少钱 中级工 中级工",
            ],
            ["技能提升补贴怎么申请", "宿舍", "中级工补多少", "火星", "", "補貼申請"],
        ),
    ],
)
def test_toy_corpus_scores_match_the_formula(analyzer, analyzer_kind, documents, questions) -> None:
    chosen: Any = WordAnalyzer() if analyzer_kind == "words" else analyzer  # duck-typed analyser
    vectoriser = Vectoriser(chosen, documents)
    rows, vector = reference_tfidf([chosen.features(d) for d in documents])
    for question in questions:
        expected = [cosine(vector(chosen.features(question)), row) for row in rows]
        assert np.allclose(vectoriser.scores(question), expected, rtol=0, atol=1e-9), question
        # the sparse product gives the same as the column-wise path
        product = (vectoriser.matrix @ vectoriser.query(question).T).toarray().ravel()
        assert np.allclose(product, expected, rtol=0, atol=1e-9), question


def test_no_features_anywhere_scores_zero() -> None:
    vectoriser = Vectoriser(WordAnalyzer(), ["", "  "])  # type: ignore[arg-type]
    assert vectoriser.matrix.shape == (2, 0)
    assert vectoriser.scores("a b").tolist() == [0.0, 0.0]


@pytest.fixture(scope="module")
def seed_index(analyzer, lexicon) -> RetrievalIndex:
    return RetrievalIndex(seed_entries(), analyzer, lexicon)


def reference_text_scores(index: RetrievalIndex, analyzer, questions: list[str]) -> np.ndarray:
    """Per question and entry: PHRASING_WEIGHT x best phrasing + ANSWER_WEIGHT x answer."""
    entries = index.entries
    phrasing_docs = [(i, p) for i, e in enumerate(entries) for p in e.phrasings]
    phrasing_rows, phrasing_vector = reference_tfidf(
        [analyzer.features(p) for _, p in phrasing_docs]
    )
    answer_rows, answer_vector = reference_tfidf(
        [analyzer.features(f"{e.question} {e.answer}") for e in entries]
    )
    result = np.zeros((len(questions), len(entries)))
    for row, question in enumerate(questions):
        features = analyzer.features(question)
        asked_phrasing, asked_answer = phrasing_vector(features), answer_vector(features)
        best = [0.0] * len(entries)
        for (position, _), vector in zip(phrasing_docs, phrasing_rows, strict=True):
            best[position] = max(best[position], cosine(asked_phrasing, vector))
        for position, vector in enumerate(answer_rows):
            result[row, position] = PHRASING_WEIGHT * best[position] + ANSWER_WEIGHT * cosine(
                asked_answer, vector
            )
    return result


def ranking(scores: np.ndarray, ids: list[int], limit: int = 10) -> list[int]:
    # rounded to 9 places, so that only a real difference can reorder two entries
    order = sorted(range(len(ids)), key=lambda i: (-round(float(scores[i]), 9), ids[i]))
    return [ids[i] for i in order[:limit]]


def test_seed_knowledge_base_scores_and_ranking_match_the_formula(seed_index, analyzer) -> None:
    questions = [q["text"] for q in load_dev_set()]
    expected = reference_text_scores(seed_index, analyzer, questions)
    ids = [e.id for e in seed_index.entries]
    for row, question in enumerate(questions):
        actual = seed_index.text_scores(question)
        assert np.allclose(actual, expected[row], rtol=0, atol=1e-9), question
        assert ranking(actual, ids) == ranking(expected[row], ids), question
    assert expected.max() > 0.5  # the development set does match the seed entries


def _by_feature(row: Any, vocabulary: dict[str, int]) -> dict[str, float]:
    names = {column: feature for feature, column in vocabulary.items()}
    dense = row.toarray().ravel()
    return {names[c]: float(dense[c]) for c in np.flatnonzero(dense)}


def test_matrix_and_question_vector_are_what_scikit_learn_gives(seed_index, analyzer) -> None:
    """The matrix is assembled with NumPy and ``query`` written by hand, for speed: feature by
    feature, they must be what ``TfidfVectorizer(sublinear_tf=True)`` fits and transforms."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    entries = seed_index.entries
    built = {
        "phrasings": (seed_index._phrasings, [p for e in entries for p in e.phrasings]),
        "answers": (seed_index._answers, [f"{e.question} {e.answer}" for e in entries]),
    }
    for name, (vectoriser, documents) in built.items():
        reference = TfidfVectorizer(analyzer=analyzer.features, sublinear_tf=True)
        fitted = reference.fit_transform(documents)
        assert set(vectoriser.vocabulary) == set(reference.vocabulary_), name
        for row in range(len(documents)):
            ours = _by_feature(vectoriser.matrix[row], vectoriser.vocabulary)
            theirs = _by_feature(fitted[row], reference.vocabulary_)
            assert ours.keys() == theirs.keys(), documents[row]
            assert all(abs(ours[f] - theirs[f]) < 1e-12 for f in ours), documents[row]
        for question in [q["text"] for q in load_dev_set()] + ["", "？", "火星人"]:
            ours = _by_feature(vectoriser.query(question), vectoriser.vocabulary)
            theirs = _by_feature(reference.transform([question]), reference.vocabulary_)
            assert ours.keys() == theirs.keys(), question
            assert all(abs(ours[f] - theirs[f]) < 1e-12 for f in ours), question


def test_entries_without_any_feature_still_index(seed_index, analyzer, lexicon) -> None:
    blank = [
        dataclasses.replace(e, question="？", answer="！", phrasings=("？", "。"))
        for e in seed_index.entries[:3]
    ]
    index = RetrievalIndex(blank, analyzer, lexicon)
    assert index.text_scores("宿舍怎么申请").tolist() == [0.0, 0.0, 0.0]
    hits = index.search("宿舍怎么申请", region="广州").hits
    assert sorted(h.entry.id for h in hits) == sorted(e.id for e in blank)
    assert all(h.text_score == 0.0 for h in hits)
