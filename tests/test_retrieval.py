"""Retrieval: ranking, synonyms, region fallback, and following the database."""

from changai.vocabulary import NATIONAL
from knowledge import catalogue
from knowledge.lexicon import load_lexicon


def search(service, question, **kwargs):
    return service.index.search(question, **kwargs)


def test_intermediate_certificate_ranks_the_intermediate_entry_first(service) -> None:
    result = search(
        service,
        "我考了中级工证书能领多少技能提升补贴",
        topic="training_subsidy",
        entities={"skill_level": ["中级工"]},
    )
    assert result.best.entry.key == "ts-amount-intermediate"
    assert "1500" in result.best.entry.answer.replace(",", "")
    assert result.best.score > result.hits[1].score


def test_synonyms_match_across_words(service) -> None:
    with_subsidy = search(service, "技能提升补贴谁能领", topic="training_subsidy")
    with_aid = search(service, "技能提升补助谁能领", topic="training_subsidy")
    assert with_subsidy.best.entry.key == with_aid.best.entry.key


def test_topic_filter(service) -> None:
    result = search(service, "宿舍怎么申请", topic="dormitory")
    assert result.hits and all(h.entry.topic == "dormitory" for h in result.hits)


def test_region_own_entry_comes_first(service) -> None:
    result = search(service, "大病救助有多少钱", topic="hardship_aid", region="武汉")
    assert result.best.entry.region == "武汉"
    assert result.best.region_match == "exact"


def test_city_falls_back_to_its_province(service) -> None:
    result = search(service, "临时救助最多给多少", topic="hardship_aid", region="宜昌")
    assert result.chain == ["宜昌", "湖北", NATIONAL]
    assert result.best.entry.region == "湖北"
    assert result.best.region_match == "parent"


def test_unknown_local_rule_falls_back_to_national(service) -> None:
    result = search(service, "以工代训补贴多少钱", topic="training_subsidy", region="云南")
    assert result.best.entry.region == NATIONAL
    assert result.best.region_match == "national"


def test_other_regions_are_never_served(service) -> None:
    result = search(service, "以工代训补贴多少钱", topic="training_subsidy", region="广东")
    assert all(h.entry.region in {"广东", NATIONAL} for h in result.hits)
    result = search(service, "以工代训补贴多少钱", topic="training_subsidy")
    assert all(h.entry.region == NATIONAL for h in result.hits)


def test_unrelated_question_scores_below_threshold(service) -> None:
    result = search(service, "今天天气怎么样", topic="training_subsidy")
    assert result.best is None or result.best.score < service.settings.retrieval_threshold


def _edit(service, key, **changes):
    with service.transaction() as session:
        catalogue.put_entry(
            session=session, lexicon=load_lexicon(), key=key, changes=changes, actor="test"
        )


def test_database_changes_are_served_after_one_refresh_interval(service, clock) -> None:
    question = "特级技师是什么待遇"
    before = search(service, question, topic="skill_grading").best
    _edit(service, before.entry.key, answer="新答案：特级技师待遇按新规定执行。")
    clock.advance(0.5)
    assert search(service, question, topic="skill_grading").best.entry.answer == before.entry.answer
    clock.advance(0.6)  # 1.1 s after the edit: past the 1 s refresh, inside the 2 s promise
    after = search(service, question, topic="skill_grading").best
    assert after.entry.answer == "新答案：特级技师待遇按新规定执行。"
    assert after.entry.version == before.entry.version + 1
    assert service.settings.index_refresh_seconds <= 2


def test_archived_entries_and_expired_documents_are_not_served(service, clock) -> None:
    question = "特级技师是什么待遇"
    best = search(service, question, topic="skill_grading").best
    _edit(service, best.entry.key, status="archived")
    clock.advance(1.1)
    assert search(service, question, topic="skill_grading").best.entry.key != best.entry.key

    import datetime as dt

    from knowledge.models import PolicyDocument

    other = search(service, question, topic="skill_grading").best
    with service.transaction() as session:
        document = session.get(PolicyDocument, other.entry.source.document_id)
        document.expires_on = dt.date(2020, 1, 1)
    clock.advance(1.1)
    served = search(service, question, topic="skill_grading", limit=50).hits
    assert all(h.entry.source.document_id != other.entry.source.document_id for h in served)
