"""Unanswered questions: paraphrases grouped once with their count; filters; shares; page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from aiohttp.test_utils import TestClient
from sqlalchemy import text

from changai.passwords import hash_password
from helpdesk.accounts import create_user
from knowledge import repository, unanswered_groups
from knowledge.models import UnansweredQuestion
from tests.support.console import PASSWORD, console_settings, login, run

PARAPHRASES = [
    ["老板拖欠工资怎么办", "公司欠薪不发怎么处理", "工资被拖欠了找谁", "老闆拖欠工資怎麼辦"],
    ["加班费怎么计算", "加班工资怎么算", "周末加班费是多少倍"],
    ["工伤怎么认定", "工伤认定怎么申请", "受了工伤怎么申请认定"],
    ["产假有多少天", "女职工产假几天", "生孩子可以休多久产假"],
]
DIFFERENT = [
    "失业保险金怎么领",
    "培训补贴标准是多少",
    "社保断缴有什么影响",
    "年假有多少天",
    "夜班补贴有没有",
    "住房公积金怎么提取",
    "技能补贴标准是多少",
    "工伤保险怎么交",
]
NOW = dt.datetime(2026, 11, 20, 12, 0)


def add(session, question: str, *, topic=None, region=None, when=NOW) -> None:
    item = repository.record_unanswered(
        session=session,
        conversation_id="c",
        question=question,
        topic=topic,
        region=region,
        best_score=0.05,
        reason="low_score",
    )
    item.created_at = when


def test_paraphrases_form_one_group_each_and_different_questions_stay_apart(
    session_factory, analyzer
) -> None:
    with session_factory.begin() as session:
        for group in PARAPHRASES:
            for question in group:
                add(session, question)
        add(session, "老板拖欠工资怎么办")  # asked twice, listed once
        for question in DIFFERENT:
            add(session, question)
    with session_factory() as session:
        report = unanswered_groups.report(
            session=session, since=NOW - dt.timedelta(days=30), analyzer=analyzer
        )
    groups = {frozenset(g.phrasings): g for g in report.groups}
    for paraphrases in PARAPHRASES:
        assert frozenset(paraphrases) in groups, [g.phrasings for g in report.groups]
    wages = groups[frozenset(PARAPHRASES[0])]
    assert wages.count == 5 and wages.representative == "老板拖欠工资怎么办"
    for question in DIFFERENT:
        assert frozenset([question]) in groups, question
    assert len(report.groups) == len(PARAPHRASES) + len(DIFFERENT)
    assert report.groups[0] is wages  # the most asked first


def test_filters_and_the_unanswered_share(session_factory, analyzer) -> None:
    old = NOW - dt.timedelta(days=60)
    with session_factory.begin() as session:
        add(session, "宿舍能带家属住吗", topic="dormitory", region="广东")
        add(session, "宿舍能住夫妻吗", topic="dormitory", region="深圳")
        add(session, "培训补贴多久到账", topic="training_subsidy", region="广东")
        add(session, "去年的问题", topic="dormitory", when=old)
        # Rasa's tracker store in the same database: ten worker messages this week
        session.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
                " timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
        stamp = NOW.replace(tzinfo=dt.timezone.utc).timestamp()
        for i in range(10):
            intent = "ask_dormitory" if i < 4 else "ask_training_subsidy"
            session.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name)"
                    " VALUES ('w', 'user', :t, :i)"
                ),
                {"t": stamp, "i": intent},
            )
    since = NOW - dt.timedelta(days=30)
    with session_factory() as session:
        everything = unanswered_groups.report(session=session, since=since, analyzer=analyzer)
        dormitory = unanswered_groups.report(
            session=session, since=since, topic="dormitory", analyzer=analyzer
        )
        guangdong = unanswered_groups.report(
            session=session, since=since, region="广东", analyzer=analyzer
        )
    assert sum(g.count for g in everything.groups) == 3
    assert {q for g in dormitory.groups for q in g.phrasings} == {
        "宿舍能带家属住吗",
        "宿舍能住夫妻吗",
    }
    assert {q for g in guangdong.groups for q in g.phrasings} == {
        "宿舍能带家属住吗",
        "培训补贴多久到账",
    }
    assert everything.weekly == [("2026-11-16", 3, 10)]
    assert dict((t, (n, d)) for t, n, d in everything.by_topic) == {
        "dormitory": (2, 4),
        "training_subsidy": (1, 6),
    }
    assert everything.weekly_bars()[0][2] == "30%（3/10）"
    assert guangdong.weekly == [("2026-11-16", 2, None)]  # no denominator by region


def test_page_shows_groups_charts_and_write_as_faq(session_factory, database_url) -> None:
    today = dt.date.today()
    with session_factory.begin() as session:
        create_user(
            session=session,
            username="boss",
            display_name="主任",
            role="admin",
            password_hash=hash_password(PASSWORD),
        )
        for question in PARAPHRASES[2]:
            add(session, question, topic=None, when=dt.datetime.combine(today, dt.time()))
        add(session, "<script>alert(1)</script>", when=dt.datetime.combine(today, dt.time()))
    settings = console_settings(database_url)

    async def scenario(client: TestClient) -> None:
        await login(client, "boss")
        page = await (await client.get("/admin/unanswered")).text()
        assert page.count("<svg") == 2 and "http" not in page.split("<main>")[1].split("<svg")[0]
        assert "<script>alert" not in page and "&lt;script&gt;" in page
        assert '<td>3</td><td><pre class="text">工伤怎么认定</pre>' in page
        assert f"/admin/entries/new?question={quote('工伤怎么认定')}" in page
        draft = await (
            await client.get(f"/admin/entries/new?question={quote('工伤怎么认定')}")
        ).text()
        assert 'name="question" class="wide" value="工伤怎么认定"' in draft

    run(settings, scenario)
    with session_factory() as session:
        assert session.query(UnansweredQuestion).count() == 4
