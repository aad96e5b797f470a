"""Every custom action, run with a CollectingDispatcher on trackers built in code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.bad_input import ActionHandleUnreadable
from actions.clarify import ActionClarify
from actions.escalation import ActionEscalate
from actions.feedback import ActionConfirm, ActionFeedback
from actions.policy_answer import ActionAnswerPolicy
from helpdesk.models import Ticket
from knowledge.decision import INPUT_ISSUE_REPLIES as REPLIES
from knowledge.models import AnswerFeedback
from tests.support.actions import run, slots, tickets
from tests.support.tickets import open_ticket
from tests.trackers import make_tracker, region_entity, user_event


def test_answer_carries_text_source_buttons_and_payload(service) -> None:
    tracker = make_tracker(
        "我考了中级工证书能领多少技能提升补贴",
        "ask_training_subsidy",
        entities=[{"entity": "skill_level", "value": "中级工"}],
    )
    events, [message] = run(ActionAnswerPolicy(), tracker)
    custom = message["custom"]
    assert custom["type"] == "answer" and custom["topic"] == "training_subsidy"
    assert custom["faq_key"] == "ts-amount-intermediate"
    assert custom["escalated"] is False and custom["score"] > 0.3
    assert "1500" in message["text"].replace(",", "")
    assert "来源：《" in message["text"] and "适用地区：全国" in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["有帮助", "没帮助", "转人工"]
    assert slots(events)["last_faq_id"] == custom["faq_id"]


def test_region_sensitive_question_asks_for_region_then_answers(service) -> None:
    first = make_tracker("职工得大病工会补多少钱", "ask_hardship_aid")
    events, [message] = run(ActionAnswerPolicy(), first)
    assert message["custom"]["type"] == "ask_region"
    assert any(b["title"] == "广东" for b in message["buttons"])
    assert slots(events)["pending_question"] == "职工得大病工会补多少钱"

    second = make_tracker(
        "我在武汉",
        "inform_region",
        entities=[region_entity("武汉")],
        slots={
            "pending_question": "职工得大病工会补多少钱",
            "pending_topic": "hardship_aid",
            "region": "武汉",
        },
    )
    events, [message] = run(ActionAnswerPolicy(), second)
    assert message["custom"]["type"] == "answer"
    assert message["custom"]["region"] == "武汉"
    assert message["text"].startswith("以下是武汉的规定")
    assert slots(events)["pending_question"] is None


def test_region_is_remembered_from_the_slot(service) -> None:
    tracker = make_tracker("大病救助能给多少", "ask_hardship_aid", slots={"region": "武汉"})
    _events, [message] = run(ActionAnswerPolicy(), tracker)
    assert message["custom"]["region"] == "武汉"


def test_region_without_its_own_rule_gets_an_honest_reply(service) -> None:
    """The national rule varies by region and 云南's is not held: not served as the answer."""
    tracker = make_tracker(
        "中级工证书补贴能拿多少钱", "ask_training_subsidy", slots={"region": "云南"}
    )
    _events, [message] = run(ActionAnswerPolicy(), tracker)
    custom = message["custom"]
    assert custom["type"] == "no_specific_rule" and custom["user_region"] == "云南"
    assert "云南" in message["text"] and "12333" in message["text"]
    assert message["text"].startswith("这件事各地的规定不一样，我的政策库里还没有收录云南的规定。")
    assert message["buttons"][0]["title"].startswith("全国的规定：")


def test_a_new_region_says_the_question_is_looked_up_again_even_without_a_rule(service) -> None:
    """After an answer the worker moves to 云南, where no rule is held: the honest reply still
    says that the last question was looked up again for the new place."""
    tracker = make_tracker(
        "我现在到云南上班了",
        "inform_region",
        entities=[region_entity("云南")],
        slots={"last_question": "中级工证书补贴能拿多少钱", "region": "东莞"},
    )
    _events, [message] = run(ActionAnswerPolicy(), tracker)
    assert message["custom"]["type"] == "no_specific_rule"
    assert message["text"].startswith("好的，按云南给您重新查")


def test_unrecognised_region_reply_still_answers(service) -> None:
    tracker = make_tracker(
        "在老家",
        "inform_region",
        slots={"pending_question": "以工代训补贴多少钱", "pending_topic": "training_subsidy"},
    )
    _events, [message] = run(ActionAnswerPolicy(), tracker)
    assert message["custom"]["type"] == "answer"
    assert message["text"].startswith("没认出您说的地区")


def test_region_without_pending_question_offers_topics(service) -> None:
    tracker = make_tracker("我在东莞", "inform_region", entities=[region_entity("东莞")])
    _events, [message] = run(ActionAnswerPolicy(), tracker)
    assert "东莞" in message["text"] and len(message["buttons"]) == 4


def test_topic_button_without_question_lists_common_questions(service) -> None:
    tracker = make_tracker("/ask_dormitory", "ask_dormitory")
    _events, [message] = run(ActionAnswerPolicy(), tracker)
    assert message["custom"]["type"] == "topic_overview"
    assert 1 <= len(message["buttons"]) <= 4


def test_retrieval_miss_escalates_with_case_card(service) -> None:
    tracker = make_tracker("量子力学竞赛奖金", "ask_training_subsidy", sender_id="w-miss")
    _events, [message] = run(ActionAnswerPolicy(), tracker)
    assert message["custom"]["escalated"] is True
    [ticket] = tickets(service)
    assert ticket.reason == "no_answer" and ticket.question == "量子力学竞赛奖金"
    assert ticket.case_card["transcript"][-1]["text"] == "量子力学竞赛奖金"


def test_out_of_scope_escalates(service) -> None:
    tracker = make_tracker("老板拖欠三个月工资怎么办", "out_of_scope", slots={"region": "广东"})
    _events, [message] = run(ActionEscalate(), tracker)
    assert message["custom"]["escalated"] is True
    assert "12351" in message["text"]
    [ticket] = tickets(service)
    card = ticket.case_card
    assert card["reason"] == "out_of_scope" and card["region"] == "广东"
    assert card["question"] == "老板拖欠三个月工资怎么办"


def test_union_aid_classified_out_of_scope_is_answered(service) -> None:
    tracker = make_tracker("工会给困难职工的大病救助最多多少钱", "out_of_scope")
    _events, [message] = run(ActionEscalate(), tracker)
    assert message["custom"]["escalated"] is False
    assert message["custom"]["topic"] == "hardship_aid"
    assert tickets(service) == []


def test_request_for_a_person_uses_the_earlier_question(service) -> None:
    history = [user_event("我家孩子考上大学了能申请啥补助", "ask_hardship_aid")]
    tracker = make_tracker("转人工", "request_human", history=history)
    run(ActionEscalate(), tracker)
    [ticket] = tickets(service)
    assert ticket.question == "我家孩子考上大学了能申请啥补助"
    assert [line["role"] for line in ticket.case_card["transcript"]] == ["worker", "worker"]


def test_a_request_for_a_person_files_the_ticket_under_the_conversations_topic(service) -> None:
    answered = {
        "event": "bot",
        "text": "…",
        "data": {"custom": {"type": "answer", "topic": "dormitory"}},
    }
    history = [user_event("厂里宿舍有没有空调", "nlu_fallback"), answered]
    run(ActionEscalate(), make_tracker("转人工", "request_human", history=history))
    [ticket] = tickets(service)
    assert ticket.topic == "dormitory"  # the desk showed 未分类


def test_an_out_of_scope_question_is_not_filed_under_the_earlier_topic(service) -> None:
    history = [user_event("宿舍怎么申请", "ask_dormitory")]
    run(ActionEscalate(), make_tracker("老板欠我三个月工资", "out_of_scope", history=history))
    [ticket] = tickets(service)
    assert ticket.topic is None


def test_request_for_a_person_before_any_question_says_so_on_the_ticket(service) -> None:
    run(ActionEscalate(), make_tracker("转人工", "request_human"))
    [ticket] = tickets(service)
    assert ticket.question == "（职工还没有说具体问题，直接要求转人工）"


def test_second_request_does_not_open_a_second_ticket(service) -> None:
    run(ActionEscalate(), make_tracker("转人工", "request_human"))
    _events, [message] = run(ActionEscalate(), make_tracker("快点找人", "request_human"))
    assert len(tickets(service)) == 1
    assert "已经在" in message["text"]


def test_first_low_confidence_turn_clarifies_with_top_two_topics(service) -> None:
    tracker = make_tracker(
        "那个钱的事咋弄",
        "nlu_fallback",
        ranking=[("nlu_fallback", 0.5), ("ask_hardship_aid", 0.3), ("ask_training_subsidy", 0.2)],
    )
    events, [message] = run(ActionClarify(), tracker)
    assert message["text"].startswith("您是想问「困难帮扶」还是「培训补贴」")
    assert [b["payload"] for b in message["buttons"]][:2] == [
        "/ask_hardship_aid",
        "/ask_training_subsidy",
    ]
    assert slots(events)["pending_question"] == "那个钱的事咋弄"
    assert tickets(service) == []


def test_second_low_confidence_turn_escalates(service) -> None:
    history = [user_event("那个钱的事咋弄", "nlu_fallback", confidence=0.3)]
    tracker = make_tracker(
        "就是那个呗", "nlu_fallback", history=history, slots={"pending_question": "那个钱的事咋弄"}
    )
    _events, [message] = run(ActionClarify(), tracker)
    assert message["custom"]["escalated"] is True
    [ticket] = tickets(service)
    assert ticket.reason == "low_confidence"
    assert "那个钱的事咋弄" in ticket.question


def test_unsure_but_clear_question_is_answered_not_clarified(service) -> None:
    tracker = make_tracker(
        "职业技能等级证书的真假在哪里查",
        "nlu_fallback",
        ranking=[
            ("nlu_fallback", 0.5),
            ("ask_training_subsidy", 0.41),
            ("ask_skill_grading", 0.38),
        ],
    )
    _events, [message] = run(ActionClarify(), tracker)
    assert message["custom"]["type"] != "clarify"
    assert message["custom"]["topic"] == "skill_grading"


def test_clarifying_buttons_name_the_subjects_in_the_workers_words(service) -> None:
    tracker = make_tracker(
        "宿舍的事和困难补助的事能一起问吗",
        "nlu_fallback",
        ranking=[("nlu_fallback", 0.5), ("ask_hardship_aid", 0.35), ("ask_dormitory", 0.33)],
    )
    events, [message] = run(ActionClarify(), tracker)
    assert message["custom"]["type"] == "clarify"
    titles = [b["title"] for b in message["buttons"]]
    assert titles == ["困难补助", "宿舍", "转人工"]
    assert [b["payload"] for b in message["buttons"]][:2] == ["/ask_hardship_aid", "/ask_dormitory"]
    assert "「宿舍」" in message["text"] and "困难帮扶" not in message["text"]
    assert slots(events)["pending_question"] == "宿舍的事和困难补助的事能一起问吗"


def test_reply_naming_one_subject_answers_the_pending_question(service) -> None:
    history = [user_event("那个到底咋弄", "nlu_fallback", confidence=0.3)]
    tracker = make_tracker(
        "宿舍的",
        "nlu_fallback",
        history=history,
        slots={"pending_question": "公司宿舍怎么申请"},
        ranking=[("nlu_fallback", 0.5), ("ask_dormitory", 0.4)],
    )
    _events, [message] = run(ActionClarify(), tracker)
    assert message["custom"]["topic"] == "dormitory" and message["custom"]["escalated"] is False


def test_government_aid_question_goes_to_staff(service) -> None:
    _events, [message] = run(
        ActionAnswerPolicy(), make_tracker("吃低保要啥条件", "ask_hardship_aid")
    )
    assert message["custom"]["escalated"] is True and message["custom"]["reason"] == "out_of_scope"
    _events, [message] = run(
        ActionAnswerPolicy(),
        make_tracker("工会的临时救助怎么申请", "ask_hardship_aid", sender_id="w-union"),
    )
    assert message["custom"]["escalated"] is False


def test_clicked_topic_answers_the_pending_question(service) -> None:
    tracker = make_tracker(
        "/ask_skill_grading", "ask_skill_grading", slots={"pending_question": "特级技师是啥待遇"}
    )
    _events, [message] = run(ActionAnswerPolicy(), tracker)
    assert message["custom"]["topic"] == "skill_grading"
    assert message["custom"]["type"] == "answer"


def test_helpful_feedback_is_stored(service) -> None:
    run(
        ActionFeedback(),
        make_tracker("/feedback_helpful", "feedback_helpful", slots={"last_faq_id": 1}),
    )
    with service.session_factory() as session:
        [row] = session.execute(select(AnswerFeedback)).scalars().all()
        assert row.helpful is True and row.faq_id == 1


def test_unhelpful_then_yes_escalates(service) -> None:
    events, [message] = run(
        ActionFeedback(), make_tracker("没帮助", "feedback_unhelpful", slots={"last_faq_id": 2})
    )
    assert slots(events)["offer"] == "handoff"
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    _events, [message] = run(
        ActionConfirm(),
        make_tracker("好的", "affirm", slots={"offer": "handoff", "last_question": "宿舍怎么申请"}),
    )
    assert message["custom"]["escalated"] is True
    [ticket] = tickets(service)
    assert ticket.reason == "unhelpful" and ticket.question == "宿舍怎么申请"


def test_unhelpful_then_no_does_not_escalate(service) -> None:
    _events, [message] = run(
        ActionConfirm(), make_tracker("不用了", "deny", slots={"offer": "handoff"})
    )
    assert message["custom"]["escalated"] is False
    assert tickets(service) == []


@pytest.mark.parametrize("issue", sorted(REPLIES))
def test_unreadable_input_gets_its_own_kind_reply(service, issue) -> None:
    tracker = make_tracker("x", "unreadable", extra={"input_issue": issue})
    _events, [message] = run(ActionHandleUnreadable(), tracker)
    assert message["text"] == REPLIES[issue]
    assert message["custom"]["issue"] == issue


def test_rating_is_stored_on_the_closed_ticket(service) -> None:
    from actions.rating import ActionRecordRating
    from changai.db import utcnow

    with service.transaction() as session:
        ticket = open_ticket(
            session, conversation_id="worker-1", reason="request_human", question="q"
        )
        ticket.status, ticket.closed_at = "closed", utcnow()
    tracker = make_tracker(
        '/rate_conversation{"rating":4}',
        "rate_conversation",
        entities=[{"entity": "rating", "value": 4}],
    )
    _events, [message] = run(ActionRecordRating(), tracker)
    assert message["custom"]["rating"] == 4 and message["custom"]["stored"] is True
    with service.session_factory() as session:
        assert session.get(Ticket, ticket.id).rating == 4
    _events, [message] = run(
        ActionRecordRating(),
        make_tracker(
            "/rate_conversation", "rate_conversation", entities=[{"entity": "rating", "value": 9}]
        ),
    )
    assert message["custom"]["rating"] is None
