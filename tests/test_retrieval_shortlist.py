"""The fast scoring path ranks exactly as scoring every candidate one by one.

``reference_search`` is the straightforward algorithm (every candidate scored,
best phrasing by ``np.maximum.at``, sparse products); the index's ``search``
must return the same hits, scores and order for seed and synthetic entries,
with and without topic, region and entity values.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from bench.retrieval_scale import seed_entries, synthetic_entries
from changai.vocabulary import NATIONAL
from knowledge.indexed_entries import Hit
from knowledge.retrieval import ANY_REGION, REGION_BONUS, RetrievalIndex
from tests.eval.evaluate import load_dev_set


def reference_search(index: RetrievalIndex, question, topic, region, entities, limit=5):
    chain = index._lexicon.region_chain(None if region == ANY_REGION else region)
    phrasing = index._phrasings.matrix @ index._phrasings.query(question).T
    best = np.zeros(len(index.entries))
    np.maximum.at(best, index._owner, phrasing.toarray().ravel())
    answers = (index._answers.matrix @ index._answers.query(question).T).toarray().ravel()
    text_scores = 0.7 * best + 0.3 * answers
    values = {str(v) for key, vs in (entities or {}).items() if key != "region" for v in vs}
    hits = []
    for position, entry in enumerate(index.entries):
        if topic and entry.topic != topic:
            continue
        if region != ANY_REGION and entry.region not in chain:
            continue
        if entry.region == NATIONAL:
            match = "national"
        elif entry.region not in chain:
            match = "other"
        else:
            match = "exact" if chain.index(entry.region) == 0 else "parent"
        text_score = float(text_scores[position])
        score = text_score + REGION_BONUS[match] + index._tag_adjustment(entry, values)
        hits.append(Hit(entry, round(min(score, 1.0), 4), text_score, match))
    hits.sort(key=lambda h: (-h.score, h.entry.id))
    return hits[:limit]


def summary(hits: list[Hit]) -> list[tuple[int, float, str]]:
    return [(h.entry.id, h.score, h.region_match) for h in hits]


@pytest.fixture(scope="module")
def indexes(analyzer, lexicon):
    seeds = seed_entries()
    rng = random.Random(3)
    return [
        RetrievalIndex(seeds, analyzer, lexicon),
        RetrievalIndex(synthetic_entries(seeds, 600, rng), analyzer, lexicon),
    ]


def test_same_hits_as_scoring_every_candidate(indexes) -> None:
    rng = random.Random(11)
    questions = [q["text"] for q in load_dev_set()]
    topics = [None, "training_subsidy", "skill_grading", "dormitory", "hardship_aid"]
    regions = [None, "广州", "广东", "汕头", "上海", ANY_REGION]
    entity_sets = [None, {"certificate_level": ["intermediate"]}, {"occupation": ["焊工"]}]
    compared = 0
    for index in indexes:
        tags = sorted({t for e in index.entries for t in e.tags})
        for question in questions:
            topic, region = rng.choice(topics), rng.choice(regions)
            entities = rng.choice(entity_sets)
            if tags and rng.random() < 0.4:
                entities = {"tag": rng.sample(tags, k=min(2, len(tags)))}
            limit = rng.choice([0, 1, 3, 5, 50])
            fast = index.search(
                question, topic=topic, region=region, entities=entities, limit=limit
            )
            slow = reference_search(index, question, topic, region, entities, limit)
            assert summary(fast.hits) == summary(slow), (question, topic, region, entities)
            # scores computed once and shared by several searches (find_answer) rank the same
            shared = index.search(
                question,
                topic=topic,
                region=region,
                entities=entities,
                limit=limit,
                text_scores=index.text_scores(question),
            )
            assert shared.hits == fast.hits
            compared += 1
    assert compared == 2 * len(questions)
