"""What workers could not get answered: paraphrases grouped, and the unanswered share.

Questions from ``unanswered_questions`` (escalations and low-score misses) are
grouped by average-linkage clustering on the cosine similarity of TF-IDF
vectors over the retrieval analyser's features (jieba words with synonyms
rewritten, plus character bigrams of the Simplified text), so that the same
question in other words, or in Traditional characters, appears once with its
count. The share per week and per topic divides by the workers' messages in
Rasa's tracker store (``events``) when it lives in the same database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from changai.vocabulary import INTENT_TOPICS, topic_label
from knowledge.analysis import Analyzer, default_analyzer
from knowledge.models import UnansweredQuestion
from knowledge.text_normalise import mask_personal_numbers

# Average cosine similarity at or above which two groups are one question. Tuned on
# tests/test_admin_unanswered.py: 0.38 to 0.47 gives the right groups there.
SIMILARITY_THRESHOLD = 0.42
WORD_WEIGHT, BIGRAM_WEIGHT, CHAR_WEIGHT = 0.5, 1.0, 0.5
# Workers' words for the same thing, beyond the retrieval lexicon (labour questions
# that the knowledge base does not cover yet are exactly what lands here).
GROUPING_SYNONYMS = {
    "欠薪": "拖欠工资",
    "加班工资": "加班费",
    "计算": "算",
    "几天": "多少天",
    "多久": "多少天",
}
_GROUPING_SYNONYM_PATTERN = re.compile(
    "|".join(re.escape(w) for w in sorted(GROUPING_SYNONYMS, key=len, reverse=True))
)
FRAME_WORDS = frozenset("办 怎么办 处理 找 谁 是 有 没有 可以 吗 了 被 受".split())
MAX_QUESTIONS = 2000


@dataclass
class Group:
    representative: str
    phrasings: list[str]
    count: int
    topic: str | None
    regions: list[str]
    ids: list[int] = field(default_factory=list)


def features(analyzer: Analyzer, question: str) -> defaultdict[str, float]:
    """Weighted features of the question's content words: the words (after synonyms),
    their character bigrams and characters. Question frames (怎么办, 找谁) are dropped."""
    text = _GROUPING_SYNONYM_PATTERN.sub(
        lambda m: GROUPING_SYNONYMS[m.group(0)], analyzer.canonical_text(question)
    )
    weights: defaultdict[str, float] = defaultdict(float)
    for word in analyzer.words(text):
        if word in FRAME_WORDS:
            continue
        weights[f"w:{word}"] += WORD_WEIGHT
        for i in range(len(word) - 1):
            weights[f"c:{word[i : i + 2]}"] += BIGRAM_WEIGHT
        for char in word:
            weights[f"u:{char}"] += CHAR_WEIGHT
    return weights


def cluster(
    questions: list[str],
    analyzer: Analyzer | None = None,
    threshold: float = SIMILARITY_THRESHOLD,
) -> list[list[int]]:
    """Indices of ``questions`` grouped by meaning (average linkage), largest group first.

    Groups merge while their average cosine similarity is at least ``threshold``,
    i.e. the average-linkage tree cut at cosine distance ``1 - threshold``.
    """
    if not questions:
        return []
    analyzer = analyzer or default_analyzer()
    # Imported here, not at the top: SciPy and scikit-learn add about 40 MiB to every console
    # process, and only this report needs them (issue #15).
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.metrics.pairwise import cosine_distances

    weights = DictVectorizer().fit_transform(features(analyzer, q) for q in questions)
    if len(questions) == 1 or weights.shape[1] == 0:  # one question, or none has a feature
        return [[i] for i in range(len(questions))]
    # TF-IDF of the weighted features: smoothed idf, L2-normalised rows
    vectors = TfidfTransformer().fit_transform(weights)
    # The cosine distances are passed to ``linkage`` rather than ``metric="cosine"``: a
    # question without features (怎么办, ？) is a zero row, whose cosine scipy makes NaN
    # and ``linkage`` rejects; ``cosine_distances`` puts it at distance 1 from every
    # other question (similarity 0, so it stays alone). It also works on the sparse
    # rows, several times faster than scipy's dense ``pdist`` at MAX_QUESTIONS.
    distances = squareform(cosine_distances(vectors), checks=False)
    tree = linkage(distances, method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(index)
    return sorted(members.values(), key=lambda g: (-len(g), g[0]))


def group_rows(rows: list[UnansweredQuestion], analyzer: Analyzer | None = None) -> list[Group]:
    groups = []
    for indices in cluster([r.question for r in rows], analyzer):
        items = [rows[i] for i in indices]
        # worker text shown to admins: personal numbers masked however they were stored
        said = [mask_personal_numbers(r.question.strip()) for r in items]
        phrasings = list(dict.fromkeys(said))
        counts = Counter(said)
        topics = Counter(r.topic for r in items if r.topic)
        groups.append(
            Group(
                representative=max(phrasings, key=lambda p: (counts[p], -len(p))),
                phrasings=phrasings,
                count=len(items),
                topic=topics.most_common(1)[0][0] if topics else None,
                regions=sorted({r.region for r in items if r.region}),
                ids=[r.id for r in items],
            )
        )
    return groups


@dataclass
class Report:
    groups: list[Group]
    weekly: list[tuple[str, int, int | None]]  # week start, unanswered, all questions
    by_topic: list[tuple[str, int, int | None]]

    @staticmethod
    def _bars(rows: list[tuple[str, int, int | None]]) -> list[tuple[str, float, str]]:
        bars = []
        peak = max((n for _, n, _ in rows), default=1) or 1
        for label, unanswered, total in rows:
            if total:
                share = min(1.0, unanswered / total)
                bars.append((label, share, f"{share:.0%}（{unanswered}/{total}）"))
            else:
                bars.append((label, unanswered / peak, f"{unanswered} 次"))
        return bars

    def weekly_bars(self) -> list[tuple[str, float, str]]:
        return self._bars(self.weekly)

    def topic_bars(self) -> list[tuple[str, float, str]]:
        return self._bars([(topic_label(t), n, d) for t, n, d in self.by_topic])


def _week(moment: dt.datetime) -> str:
    start = moment.date() - dt.timedelta(days=moment.weekday())
    return start.isoformat()


def _asked(session: Session, since: dt.datetime) -> list[tuple[dt.datetime, str | None]]:
    """Workers' messages from Rasa's tracker store; empty when it is elsewhere."""
    try:
        rows = session.execute(
            text(
                "SELECT timestamp, intent_name FROM events "
                "WHERE type_name = 'user' AND timestamp >= :since"
            ),
            {"since": since.replace(tzinfo=dt.timezone.utc).timestamp()},
        ).all()
    except SQLAlchemyError:
        session.rollback()
        return []
    return [
        (dt.datetime.fromtimestamp(float(stamp), dt.timezone.utc).replace(tzinfo=None), intent)
        for stamp, intent in rows
    ]


def report(
    *,
    session: Session,
    since: dt.datetime,
    topic: str | None = None,
    region: str | None = None,
    analyzer: Analyzer | None = None,
) -> Report:
    query = select(UnansweredQuestion).where(UnansweredQuestion.created_at >= since)
    if topic:
        query = query.where(UnansweredQuestion.topic == topic)
    if region:
        query = query.where(UnansweredQuestion.region == region)
    rows = list(
        session.execute(
            query.order_by(
                UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc()
            ).limit(MAX_QUESTIONS)
        ).scalars()
    )
    # Rasa's events carry no region, so with a region filter there is no denominator.
    asked = [] if region else _asked(session, since)
    asked_weeks = Counter(_week(moment) for moment, _ in asked)
    asked_topics = Counter(INTENT_TOPICS.get(intent or "") for _, intent in asked)
    weeks = Counter(_week(r.created_at) for r in rows)
    weekly = [(week, weeks[week], asked_weeks.get(week) or None) for week in sorted(weeks)]
    topics = Counter(r.topic for r in rows)
    by_topic = [
        (name or "", topics[name], asked_topics.get(name) or None)
        for name in sorted(topics, key=lambda t: (t is None, t or ""))
    ]
    return Report(group_rows(rows, analyzer), weekly, by_topic)
