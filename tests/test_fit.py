"""Serve an entry only when it fits the question; otherwise an honest reply (issue #11).

Question aspects, the fit decision (score, aspect, named things, region), the honest reply
and what the answer action does with it. Every phrasing here is our own.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import select

from actions.policy_answer import ActionAnswerPolicy
from changai.vocabulary import ASPECTS, NATIONAL
from knowledge import answering
from knowledge import fit as fitting
from knowledge.answering import find_answer
from knowledge.aspects import detect_aspects, entry_aspects
from knowledge.indexed_entries import Hit
from knowledge.models import UnansweredQuestion
from knowledge.replies import honest_reply
from knowledge.seed_loader import read_seed
from tests.support.actions import run, slots, tickets
from tests.trackers import make_tracker

FIT_LINE = 0.35


# ---- aspects ----


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("电工四级证补贴标准是多少", {"amount"}),
        ("我们这种劳务派遣的够不够条件申请帮扶", {"eligibility"}),
        ("金秋助学的申请流程是怎样的", {"how_to_apply"}),
        ("技能补贴批下来以后多久能打到卡上", {"timing"}),
        ("申请公租房得准备哪些证明", {"materials"}),
        ("医疗救助每年可以申请几回", {"frequency"}),
        ("新八级工里的首席技师指的是什么", {"definition"}),
        ("保租房和人才公寓差别大吗", {"difference"}),
        ("考高级工一定要先有中级证吗", {"requirement"}),
        ("去哪里报名考叉车证", {"where"}),
        ("申請公租房要準備哪些證明", {"materials"}),  # Traditional characters
        ("以工代训", set()),  # a bare subject asks nothing we can tell
        ("电工操作证和电工证是一个证件吗", {"difference"}),
        ("8级技工是个什么概念", {"definition"}),
    ],
)
def test_aspects_come_from_cue_patterns(question: str, aspects: set[str]) -> None:
    assert detect_aspects(question) == aspects


@pytest.mark.parametrize(
    "polite",
    [
        "您好，麻烦问下电工证补贴标准是多少，谢谢！",
        "急！！请问电工证补贴标准是多少",
        "电工证补贴标准是多少呀 谢谢您",
    ],
)
def test_greetings_and_thanks_do_not_change_the_aspects(polite: str) -> None:
    assert detect_aspects(polite) == detect_aspects("电工证补贴标准是多少") == {"amount"}


def test_stored_aspects_win_and_phrasings_are_the_fallback() -> None:
    phrasings = ("夫妻房怎么申请", "夫妻房租金多少")
    assert entry_aspects(["definition"], phrasings) == {"definition"}
    assert entry_aspects([], phrasings) == {"how_to_apply", "amount"}


def test_every_seed_entry_lists_known_aspects() -> None:
    _documents, entries = read_seed()
    for item in entries:
        assert item.get("aspects"), item["key"]
        assert set(item["aspects"]) <= set(ASPECTS), item["key"]


# ---- the fit decision ----


def entry_hit(service, key: str, score: float = 0.6, match: str = "national") -> Hit:
    index = service.index.current()
    [entry] = [e for e in index.entries if e.key == key]
    return Hit(entry, score, score, match)


def judge(service, hit: Hit, question: str, entities=None, region=None):
    return fitting.judge_fit(
        hit,
        question,
        entities=entities,
        tag_type=service.index.current().tag_type,
        threshold=FIT_LINE,
        region=region,
    )


def test_an_entry_answering_the_aspect_asked_fits(service) -> None:
    hit = entry_hit(service, "ts-amount-intermediate")
    verdict = judge(service, hit, "中级工证书补贴能拿多少钱", {"skill_level": ["中级工"]})
    assert verdict.fits and verdict.reason == fitting.FITS
    assert verdict.question_aspects == {"amount"} and "amount" in verdict.entry_aspects


def test_an_entry_answering_another_aspect_does_not_fit(service) -> None:
    steps = entry_hit(service, "ts-how-to-apply")
    verdict = judge(service, steps, "技能提升补贴一年可以领几回")
    assert not verdict.fits and verdict.reason == fitting.ASPECT_MISMATCH
    # how to apply also says where to go and what to bring
    assert judge(service, steps, "技能提升补贴得去哪个窗口办").fits


def test_a_different_skill_level_is_a_conflict(service) -> None:
    grand = entry_hit(service, "sg-grand-technician")
    verdict = judge(service, grand, "高级技师算第几级", {"skill_level": ["高级技师"]})
    assert verdict.reason == fitting.ENTITY_CONFLICT and verdict.conflicts == ("高级技师",)
    assert judge(service, grand, "特级技师算第几级", {"skill_level": ["特级技师"]}).fits


def test_a_different_subsidy_type_is_a_conflict(service) -> None:
    amount = entry_hit(service, "ts-amount-primary")
    verdict = judge(service, amount, "以工代训补贴能给多少", {"subsidy_type": ["以工代训补贴"]})
    assert verdict.reason == fitting.ENTITY_CONFLICT


def test_a_benefit_the_entry_never_mentions_is_a_conflict(service) -> None:
    steps = entry_hit(service, "ts-how-to-apply")
    verdict = judge(service, steps, "考下电工证以后餐费补贴怎么申请")
    assert verdict.reason == fitting.ENTITY_CONFLICT and verdict.conflicts == ("餐费补贴",)
    # words around 补贴 that name no benefit are no conflict
    assert judge(service, steps, "考了证能补贴的那个怎么申请").fits


def test_a_certificate_the_entry_never_names_is_a_conflict(service) -> None:
    """An entry on the certificates the subsidy counts does not answer for another kind."""
    index = service.index.current()
    unemployed = entry_hit(service, "ts-unemployed")
    assert index.certificates_named(unemployed.entry) >= {"职业资格证书", "职业技能等级证书"}

    def verdict(question: str, certificate: str):
        return fitting.judge_fit(
            unemployed,
            question,
            entities={"certificate": [certificate]},
            tag_type=index.tag_type,
            threshold=FIT_LINE,
            certificates=lambda hit: index.certificates_named(hit.entry),
        )

    forklift = verdict("拿到叉车操作证了，失业期间也能领补贴吧", "特种设备作业人员证")
    assert forklift.reason == fitting.ENTITY_CONFLICT
    assert forklift.conflicts == ("特种设备作业人员证",)
    named = verdict("拿到职业技能等级证了，失业期间也能领补贴吧", "职业技能等级证书")
    assert named.reason != fitting.ENTITY_CONFLICT
    # through the whole search: the forklift permit gets the honest reply, not this entry
    reply = ask(
        service,
        "俺刚考下叉车操作证 失业那会儿的补贴还能领不",
        "training_subsidy",
        entities={"certificate": ["特种设备作业人员证"]},
    )
    assert reply.kind == "no_specific_rule"


def test_a_low_score_does_not_fit(service) -> None:
    hit = entry_hit(service, "ts-amount-intermediate", score=FIT_LINE - 0.01)
    assert judge(service, hit, "中级证补贴多少钱").reason == fitting.LOW_SCORE


def test_a_national_rule_that_varies_by_region_does_not_fit_a_named_region(service) -> None:
    hit = entry_hit(service, "ts-amount-intermediate")
    assert hit.entry.region_sensitive
    assert judge(service, hit, "中级工证书补贴能拿多少钱", region="昆明").reason == (
        fitting.NO_LOCAL_RULE
    )
    assert judge(service, hit, "中级工证书补贴能拿多少钱", region=NATIONAL).fits
    local = entry_hit(service, "ts-guangdong-shortage-uplift", match="exact")
    assert judge(service, local, "紧缺工种的高级工证书补贴能上浮多少", region="广东").fits


def test_an_entry_below_the_line_is_not_offered_as_the_national_rule(service) -> None:
    """宿舍太吵了 能换吗 from 广东 was told 这件事各地的规定不一样 and offered 宿舍型保障性租赁住房
    as 全国的规定: no entry answers it anywhere, so it is the plain honest reply."""
    hit = entry_hit(service, "ts-amount-intermediate", score=FIT_LINE - 0.01)
    assert judge(service, hit, "中级工证书补贴能拿多少钱", region="昆明").reason == (
        fitting.LOW_SCORE
    )
    reply = ask(service, "宿舍太吵了 能换吗", "dormitory", "广东")
    assert reply.kind == "no_specific_rule" and reply.custom["fit"] == fitting.LOW_SCORE
    assert "各地的规定不一样" not in reply.text and "全国的规定" not in reply.text
    assert reply.buttons[0]["title"].startswith("相关规定：")


def test_an_honest_reply_offers_another_topics_entry_that_fits(service) -> None:
    """焊工证丢了能补吗 is read as a subsidy question (能补): the honest reply still offers the
    grading entry on replacing a lost permit, as a button, without serving it."""
    permit = {"certificate": ["特种作业操作证"]}
    reply = ask(service, "焊工证丢了能补吗", "training_subsidy", None, permit)
    assert reply.kind == "no_specific_rule"
    assert reply.custom["suggested"]["faq_key"] == "sg-special-op-lost"
    lost = reply.custom["suggested"]["question"]
    assert reply.buttons[0] == {"title": f"您是不是想问：{lost}", "payload": lost}
    assert "「技能等级」方面" in reply.text
    assert "原考核发证机关" not in reply.text  # offered, not answered
    # nothing of another topic fits: nothing is offered
    noisy = ask(service, "宿舍太吵了 能换吗", "dormitory", "广东")
    assert "suggested" not in noisy.custom
    assert not noisy.buttons[0]["title"].startswith("您是不是想问")


def test_an_entrys_own_question_always_fits(service) -> None:
    """What the 相关规定 button sends is served, whatever the score or region."""
    hit = dataclasses.replace(entry_hit(service, "ts-amount-intermediate"), score=0.2)
    assert judge(service, hit, hit.entry.question, region="昆明").fits


def test_every_seed_question_is_answered_by_its_own_entry(service) -> None:
    for entry in service.index.current().entries:
        region = None if entry.region == NATIONAL else entry.region
        reply = find_answer(
            service.index,
            service.lexicon,
            entry.question,
            topic=entry.topic,
            region=region,
            entities=None,
            threshold=0.16,
            fit_threshold=FIT_LINE,
        )
        assert reply.kind in {"answer", "ask_region"}, (entry.key, reply.kind)
        assert reply.hit is not None and reply.hit.entry.key == entry.key


# ---- find_answer and the honest reply ----


def ask(service, question: str, topic: str, region=None, entities=None):
    return find_answer(
        service.index,
        service.lexicon,
        question,
        topic=topic,
        region=region,
        entities=entities,
        threshold=0.16,
        fit_threshold=FIT_LINE,
    )


def test_a_close_entry_on_another_aspect_gets_an_honest_reply(service) -> None:
    reply = ask(service, "宿舍型保租房的床位费一个月多少", "dormitory")
    assert reply.kind == "no_specific_rule"
    custom = reply.custom
    assert custom["type"] == "no_specific_rule" and custom["topic"] == "dormitory"
    assert custom["aspects"] == ["amount"] and custom["fit"] == fitting.ASPECT_MISMATCH
    assert custom["faq_id"] is None and custom["escalated"] is False
    related = reply.hit.entry
    assert custom["related"]["faq_key"] == related.key
    assert reply.buttons == [
        {"title": f"相关规定：{related.question}", "payload": related.question},
        {"title": "转人工", "payload": "/request_human"},
    ]
    assert "没有找到" in reply.text and "12351" in reply.text
    assert related.answer.strip()[:20] not in reply.text  # not presented as the answer
    assert "来源：《" not in reply.text


def test_the_same_question_fits_nationally_but_not_for_a_region_without_its_rule(service) -> None:
    question, entities = "考了中级工证书补贴能拿多少钱", {"skill_level": ["中级工"]}
    served = ask(service, question, "training_subsidy", NATIONAL, entities)
    assert served.kind == "answer" and served.custom["faq_key"] == "ts-amount-intermediate"
    honest = ask(service, question, "training_subsidy", "昆明", entities)
    assert honest.kind == "no_specific_rule"
    assert honest.custom["user_region"] == "昆明" and honest.custom["fit"] == "no_local_rule"
    assert "12333" in honest.text and "12345" in honest.text and "昆明" in honest.text
    # says what is missing (昆明's rule) and offers the national one as such
    assert "还没有收录昆明的规定" in honest.text and "下面是全国的规定" in honest.text
    assert honest.buttons[0] == {
        "title": "全国的规定：考了中级工证书能领多少技能提升补贴？",
        "payload": "考了中级工证书能领多少技能提升补贴？",
    }


def test_of_two_fitting_entries_the_one_answering_more_of_the_question_is_served(service) -> None:
    """可以住多久 asks whether (可以) and how long (多久): the lease entry answers both."""
    question = "公租房能住多久，可以一直住吗"
    assert detect_aspects(question) == {"eligibility", "timing"}
    who = entry_hit(service, "dm-public-rental-who", score=0.5)
    lease = entry_hit(service, "dm-public-rental-lease-term", score=0.45)
    assert judge(service, who, question).fits and judge(service, lease, question).fits
    hits, unfit = answering._fitting(
        service.index.current(), [who, lease], question, "dormitory", NATIONAL, None, FIT_LINE
    )
    assert unfit is None and hits[0] is lease
    # below the re-ranking ratio of the best, the closer entry keeps its place
    low = 0.5 * answering.RERANK_RATIO - 0.01
    far = entry_hit(service, "dm-public-rental-lease-term", score=low)
    hits, _ = answering._fitting(
        service.index.current(), [who, far], question, "dormitory", NATIONAL, None, FIT_LINE
    )
    assert hits[0] is who


def test_a_technician_asking_how_to_claim_gets_no_steps_for_the_three_lower_levels(service) -> None:
    """The national subsidy steps are tagged 初级/中级/高级: a 技师 question is a conflict."""
    entities = {"skill_level": ["技师"]}
    question = "技师如何申请技能提升补贴"
    steps = judge(service, entry_hit(service, "ts-how-to-apply"), question, entities)
    assert steps.reason == fitting.ENTITY_CONFLICT and steps.conflicts == ("技师",)
    reply = ask(service, question, "training_subsidy", NATIONAL, entities)
    assert reply.kind == "no_specific_rule" and "12333" in reply.text
    served = ask(service, "技能提升补贴如何申请", "training_subsidy", NATIONAL, None)
    assert served.kind == "answer" and served.custom["faq_key"] == "ts-how-to-apply"


def test_a_safety_permit_gets_no_steps_for_the_skill_certificates(service) -> None:
    """The steps are tagged with the two certificate kinds the subsidy counts: a question about
    a 特种作业操作证 (低压电工证) is a conflict, not a claim it can make this way."""
    entities = {"certificate": ["特种作业操作证"]}
    question = "考了焊工证去哪里申请补贴"
    steps = judge(service, entry_hit(service, "ts-how-to-apply"), question, entities)
    assert steps.reason == fitting.ENTITY_CONFLICT and steps.conflicts == ("特种作业操作证",)
    reply = ask(service, question, "training_subsidy", NATIONAL, entities)
    assert reply.kind != "answer" or reply.custom["faq_key"] != "ts-how-to-apply"


def test_an_entry_answering_the_aspect_is_preferred_to_a_closer_one(service) -> None:
    question = "技能提升补贴要怎么弄"
    nearest = service.index.current().search(question, topic="training_subsidy", region=NATIONAL)
    assert nearest.best.entry.key != "ts-how-to-apply"  # the closest text is another entry
    reply = ask(service, question, "training_subsidy", NATIONAL)
    assert reply.kind == "answer" and reply.custom["faq_key"] == "ts-how-to-apply"


@pytest.mark.parametrize(
    ("topic", "office", "hotline"),
    [
        ("training_subsidy", "人社", "12333"),
        ("skill_grading", "人社", "12333"),
        ("hardship_aid", "工会", "12351"),
        ("dormitory", "工会", "12351"),
    ],
)
def test_the_honest_reply_names_the_office_that_decides(service, topic, office, hotline) -> None:
    hit = entry_hit(service, "ts-amount-intermediate")
    verdict = judge(service, hit, "技能提升补贴一年可以领几回")
    reply = honest_reply(hit, verdict, topic, None)
    assert office in reply.text and hotline in reply.text and "12345" in reply.text
    assert "次数" in reply.text  # names what was asked
    assert reply.custom["aspects"] == ["frequency"] and reply.custom["user_region"] is None


# ---- the answer action ----


def test_the_action_sends_the_honest_reply_and_notes_the_question(service) -> None:
    tracker = make_tracker("宿舍型保租房的床位费一个月多少", "ask_dormitory", sender_id="w-honest")
    events, [message] = run(ActionAnswerPolicy(), tracker)
    assert message["custom"]["type"] == "no_specific_rule"
    assert message["buttons"][0]["title"].startswith("相关规定：")
    assert message["buttons"][-1] == {"title": "转人工", "payload": "/request_human"}
    assert tickets(service) == []  # no automatic hand-off
    assert slots(events)["last_faq_id"] is None
    with service.session_factory() as session:
        [noted] = session.execute(select(UnansweredQuestion)).scalars()
    assert noted.reason == "no_specific_rule" and noted.conversation_id == "w-honest"
    assert noted.question == "宿舍型保租房的床位费一个月多少" and noted.topic == "dormitory"


def test_try_it_shows_the_aspects_asked_and_the_fit(service) -> None:
    from types import SimpleNamespace

    from connectors.console.views.admin_try import try_question

    console: Any = SimpleNamespace(  # the AdminContext parts try_question reads
        service=lambda: service, lexicon=service.lexicon, settings=service.settings
    )
    question = "宿舍型保租房的床位费一个月多少"
    parse = {"text": question, "intent": {"name": "ask_dormitory"}, "entities": []}
    result = try_question(console, parse, question, "")
    assert result["kind"] == "no_specific_rule" and result["chosen"] is None
    assert result["aspects"] == ["金额标准"]
    assert result["fit"]["reason"] == "aspect_mismatch" and not result["fit"]["fits"]
    assert "金额标准" not in result["fit"]["entry_aspects"]
    served = try_question(console, {**parse, "text": "宿舍型保租房是啥"}, "宿舍型保租房是啥", "")
    assert served["kind"] == "answer" and served["fit"]["fits"]
    assert served["aspects"] == ["是什么"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("职工取暖补贴发放标准是多少", "training_subsidy"),
        ("厦门人才补贴申请条件是什么", "training_subsidy"),
    ],
)
def test_a_benefit_no_entry_knows_goes_to_staff_as_out_of_scope(service, question, topic) -> None:
    reply = ask(service, question, topic)
    assert reply.kind == "out_of_scope" and reply.custom["type"] == "out_of_scope"
    assert reply.custom["benefits"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("育婴师补贴怎么领", "training_subsidy"),  # a certificate's subsidy: ours, not covered
        ("考了焊工证有焊工补贴吗", "training_subsidy"),
        ("困南补助怎么申请", "hardship_aid"),  # a slip of 困难补助
        ("考了中级证有住房补贴吗", "training_subsidy"),  # 住房: a subject the KB knows
        # a local name beside the programme's own (蓝领技训 is a 培训补贴): not another programme
        ("新市民蓝领培训补贴（蓝领技训补贴）发多少", "training_subsidy"),
    ],
)
def test_benefits_that_are_ours_or_slips_are_not_sent_away(service, question, topic) -> None:
    assert ask(service, question, topic).kind != "out_of_scope"


def test_the_action_hands_an_unknown_benefit_to_staff(service) -> None:
    tracker = make_tracker("职工取暖补贴发放标准是多少", "ask_training_subsidy", sender_id="w-heat")
    _events, messages = run(ActionAnswerPolicy(), tracker)
    assert messages[-1]["custom"]["escalated"] is True
    assert not any(m["custom"].get("faq_key") for m in messages)
    assert tickets(service)[0].reason == "out_of_scope"


def test_an_out_of_scope_guess_naming_our_programme_keeps_its_topic(service) -> None:
    """The NLU's out-of-scope guess gives way to the programme named (issue 11): an answer or
    the honest reply on its topic, not a bare hand-off; another subject named goes to staff."""
    from actions.escalation import ActionEscalate

    tracker = make_tracker("保育师补贴申请时医保要交满多久", "out_of_scope", sender_id="w-named")
    _events, messages = run(ActionEscalate(), tracker)
    assert messages[0]["custom"]["topic"] == "training_subsidy"
    assert not any(m["custom"].get("escalated") for m in messages)
    assert not tickets(service)
    tracker = make_tracker("参加技能培训路上出了车祸算工伤吗", "out_of_scope", sender_id="w-hurt")
    _events, messages = run(ActionEscalate(), tracker)
    assert messages[-1]["custom"]["escalated"] is True


def test_a_question_naming_another_topics_programme_is_answered_on_it(service) -> None:
    question = "保租房的租金补贴一个月给多少"
    tracker = make_tracker(question, "ask_training_subsidy", sender_id="w-rent")
    _events, messages = run(ActionAnswerPolicy(), tracker)
    assert messages[0]["custom"]["topic"] == "dormitory"


def test_an_entry_about_another_certificate_gives_way_to_the_one_about_this_certificate(
    service,
) -> None:
    """叉车证过期了: the best entry is about the 特种作业操作证 (电工、焊工) and names the wrong
    certificate; the 特种设备作业人员证 entry below it answers, so it is served rather than an
    honest reply that pointed at the wrong certificate's rule."""
    entities = {"certificate": ["特种设备作业人员证"]}
    question = "叉车证过期了咋办"
    index = service.index.current()
    hits = index.search(question, topic="skill_grading", region=NATIONAL, entities=entities).hits
    assert hits[0].entry.key == "sg-special-op-expired"  # the other certificate's entry leads
    reply = ask(service, question, "skill_grading", NATIONAL, entities)
    assert reply.kind == "answer"
    assert reply.custom["faq_key"] == "sg-special-equipment-review"


def test_an_honest_reply_on_a_safety_permit_names_the_office_that_issues_it(service) -> None:
    """叉车证 and 电工证 are not 人社's: the honest reply sends the worker to the issuer."""
    equipment = {"certificate": ["特种设备作业人员证"]}
    forklift = ask(service, "叉车证考试要多少钱", "skill_grading", NATIONAL, equipment)
    assert forklift.kind == "no_specific_rule"
    assert "当地市场监管部门考核发证" in forklift.text and "12333" not in forklift.text
    permit = {"certificate": ["特种作业操作证"]}
    electrician = ask(service, "电工证考试要多少钱", "skill_grading", "广东", permit)
    assert electrician.kind == "no_specific_rule"
    assert "广东的应急管理部门考核发证" in electrician.text
    # a subsidy for the permit is still 人社's question
    subsidy = ask(service, "考了焊工证去哪里申请补贴", "training_subsidy", NATIONAL, permit)
    assert "考核发证" not in subsidy.text


def test_a_lost_permit_gets_the_replacement_rule_not_the_exam_conditions(service) -> None:
    """我焊工证丢了能补办吗 was served the exam conditions (焊工证 weighed more than 补办, which
    no entry mentioned); the 补发 clause of 安监总局令第30号 now answers it."""
    permit = {"certificate": ["特种作业操作证"]}
    reply = ask(service, "我焊工证丢了能补办吗", "skill_grading", NATIONAL, permit)
    assert reply.kind == "answer"
    assert reply.custom["faq_key"] == "sg-special-op-lost"
    assert "原考核发证机关" in reply.text
