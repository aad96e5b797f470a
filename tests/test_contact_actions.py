"""Escalation replies in and out of working hours, and the phone number left with consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from actions.bad_input import ActionHandleUnreadable
from actions.contact import ActionShareContact
from actions.escalation import ActionEscalate
from actions.feedback import ActionConfirm
from helpdesk import tickets as desk
from helpdesk.models import Ticket, TicketEntry, User
from knowledge.decision import UNASKED_MOBILE_TEXT as UNASKED_TEXT
from tests.support.actions import run, slots, tickets
from tests.trackers import make_tracker, user_event

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MONDAY_10 = dt.datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)
FRIDAY_20 = dt.datetime(2026, 11, 20, 20, 0, tzinfo=SHANGHAI)


def bot_event(kind: str, text: str = "…") -> dict[str, Any]:
    return {"event": "bot", "text": text, "data": {"custom": {"type": kind}}}


def escalate(sender: str, text: str = "老板拖欠工资怎么办") -> dict[str, Any]:
    _events, [message] = run(ActionEscalate(), make_tracker(text, "out_of_scope", sender_id=sender))
    return message


def number_message(text: str, *, asked: bool, issue: str = "mobile_number", sender: str = "w-1"):
    history = [user_event("我留个手机号", "share_contact"), bot_event("contact_consent")]
    return make_tracker(
        text,
        "unreadable",
        history=history if asked else [],
        slots={"awaiting_contact": True} if asked else {},
        extra={"input_issue": issue},
        sender_id=sender,
    )


def stored(service) -> list[tuple[str | None, Any]]:
    return [(t.contact_phone, t.contact_consent_at) for t in tickets(service)]


@pytest.fixture()
def in_hours(service):
    service.now = lambda: MONDAY_10
    return service


@pytest.fixture()
def after_hours(service):
    service.now = lambda: FRIDAY_20
    return service


def test_in_hours_the_worker_hears_the_queue_place(in_hours) -> None:
    first, second, third = (escalate(f"w-{n}") for n in (1, 2, 3))
    assert "您是下一位" in first["text"] and "工单号" in first["text"]
    assert "您前面还有 1 位职工在等待" in second["text"]
    assert "您前面还有 2 位职工在等待" in third["text"]
    assert [m["custom"]["type"] for m in (first, second, third)] == ["queue"] * 3
    assert [m["custom"]["position"] for m in (first, second, third)] == [0, 1, 2]
    assert third["custom"]["escalated"] is True and not third.get("buttons")


def test_queue_place_drops_when_staff_claim_an_earlier_ticket(in_hours) -> None:
    for n in (1, 2, 3):
        escalate(f"w-{n}")
    first_id = min(t.id for t in tickets(in_hours))
    with in_hours.transaction() as session:
        user = User(username="li", display_name="李", role="staff", password_hash="x")
        session.add(user)
        session.flush()
        desk.claim(session=session, ticket_id=first_id, user_id=user.id)
    again = escalate("w-3", "快点找人")
    assert "已经在" in again["text"] and "您前面还有 1 位职工在等待" in again["text"]
    assert again["custom"]["position"] == 1
    assert len(tickets(in_hours)) == 3


def test_out_of_hours_gives_the_schedule_and_offers_a_phone_number(after_hours) -> None:
    events, [message] = run(ActionEscalate(), make_tracker("老板拖欠工资怎么办", "out_of_scope"))
    text = message["text"]
    assert "下班时间" in text and "周一至周五 09:00–17:30" in text and "周一09:00" in text
    assert "这个对话" in text
    assert message["custom"]["next_opening"] == "2026-11-23T09:00:00+08:00"
    assert message["custom"]["type"] == "escalation" and message["custom"]["in_hours"] is False
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("留下手机号", "/share_contact"),
        ("不用了", "/deny"),
    ]
    assert slots(events)["offer"] == "contact"


def test_consent_first_then_the_number_is_stored_masked(after_hours) -> None:
    escalate("w-1")
    events, [consent] = run(
        ActionShareContact(), make_tracker("/share_contact", "share_contact", sender_id="w-1")
    )
    assert "隐藏" in consent["text"] and "记录" in consent["text"]
    assert consent["custom"]["type"] == "contact_consent"
    assert slots(events)["awaiting_contact"] is True
    assert stored(after_hours) == [(None, None)]

    events, [reply] = run(
        ActionHandleUnreadable(), number_message("我的手机 138 1234-5678", asked=True)
    )
    assert "138****5678" in reply["text"] and "13812345678" not in reply["text"]
    [(phone, consent_at)] = stored(after_hours)
    assert phone == "13812345678" and consent_at is not None
    assert slots(events)["awaiting_contact"] is None
    with after_hours.session_factory() as session:
        [entry] = session.execute(select(TicketEntry)).scalars().all()
        assert entry.kind == "contact" and "138****5678" in entry.text


def test_an_unasked_number_is_not_stored(after_hours) -> None:
    escalate("w-1")
    _events, [reply] = run(ActionHandleUnreadable(), number_message("+86 13812345678", asked=False))
    assert reply["text"] == UNASKED_TEXT and reply["custom"]["stored"] is False
    assert stored(after_hours) == [(None, None)]
    # the slot alone is not enough: the consent text must be the bot's last message
    tracker = make_tracker(
        "13812345678",
        "unreadable",
        history=[bot_event("answer")],
        slots={"awaiting_contact": True},
        extra={"input_issue": "mobile_number"},
        sender_id="w-1",
    )
    run(ActionHandleUnreadable(), tracker)
    assert stored(after_hours) == [(None, None)]


def test_a_wrong_number_is_asked_again(after_hours) -> None:
    escalate("w-1")
    events, [reply] = run(
        ActionHandleUnreadable(), number_message("1381234567", asked=True, issue="number_only")
    )
    assert "号码好像不对" in reply["text"] and reply["custom"]["type"] == "contact_retry"
    assert slots(events)["awaiting_contact"] is True
    tracker = make_tracker(
        "我的手机号是1381234",
        "share_contact",
        history=[bot_event("contact_retry")],
        slots={"awaiting_contact": True},
        sender_id="w-1",
    )
    _events, [reply] = run(ActionShareContact(), tracker)
    assert reply["custom"]["type"] == "contact_retry"
    assert stored(after_hours) == [(None, None)]


def test_declining_clears_the_offer(after_hours) -> None:
    escalate("w-1")
    tracker = make_tracker("不用了", "deny", slots={"offer": "contact"}, sender_id="w-1")
    events, [reply] = run(ActionConfirm(), tracker)
    assert "不留号码也没关系" in reply["text"]
    assert slots(events)["offer"] is None and slots(events)["awaiting_contact"] is None
    _events, [reply] = run(ActionHandleUnreadable(), number_message("13812345678", asked=False))
    assert stored(after_hours) == [(None, None)]


def test_a_yes_to_the_offer_shows_the_consent_text(after_hours) -> None:
    escalate("w-1")
    tracker = make_tracker("好的", "affirm", slots={"offer": "contact"}, sender_id="w-1")
    events, [reply] = run(ActionConfirm(), tracker)
    assert reply["custom"]["type"] == "contact_consent"
    assert slots(events)["awaiting_contact"] is True


def test_no_open_ticket_points_to_a_person(service) -> None:
    events, [reply] = run(ActionShareContact(), make_tracker("我留个手机号", "share_contact"))
    assert [b["payload"] for b in reply["buttons"]] == ["/request_human"]
    assert slots(events)["awaiting_contact"] is None
    with service.session_factory() as session:
        assert session.execute(select(Ticket)).first() is None


def test_a_question_beside_an_unasked_number_is_still_answered(after_hours) -> None:
    message = number_message("我电话13812345678，技能提升补贴在哪里申领", asked=False)
    _events, [note, answer] = run(ActionHandleUnreadable(), message)
    assert note["text"] == UNASKED_TEXT and note["custom"]["stored"] is False
    assert answer["custom"]["type"] == "answer"
    assert answer["custom"]["faq_key"] == "ts-how-to-apply"
    assert "13812345678" not in answer["text"]
    assert stored(after_hours) == []  # no ticket, no number kept


def test_the_question_is_read_from_the_workers_own_text_not_the_masked_one(after_hours) -> None:
    """The NLU hands the actions the number masked (138****5678) and the worker's text as
    raw_text: the question is what is left of the worker's text, and it is answered."""
    message = make_tracker(
        "我电话138****5678 宿舍咋申请啊",
        "unreadable",
        extra={"input_issue": "mobile_number", "raw_text": "我电话13812345678 宿舍咋申请啊"},
        sender_id="w-2",
    )
    _events, [_note, answer] = run(ActionHandleUnreadable(), message)
    assert answer["custom"]["type"] == "answer"
    assert answer["custom"]["faq_key"] == "dm-how-to-apply"


def test_a_number_alone_gets_only_the_privacy_note(after_hours) -> None:
    _events, messages = run(
        ActionHandleUnreadable(), number_message("我的手机号是 138 1234 5678", asked=False)
    )
    assert [m["text"] for m in messages] == [UNASKED_TEXT]


def test_the_question_asked_leaves_out_a_card_number_and_its_words() -> None:
    from actions.conversation import asked_text

    def tracker_saying(text: str) -> Any:
        return make_tracker(text, "ask_dormitory")

    assert asked_text(tracker_saying("我身份证110101199003071234 宿舍咋申请")) == "宿舍咋申请"
    assert asked_text(tracker_saying("银行卡号6222 0212 3456 7890 123，补贴打到哪")) == "补贴打到哪"
    # without a number nothing is taken out, not even the words that would introduce one
    assert asked_text(tracker_saying("我手机丢了，身份证补办期间能申请宿舍吗")) == (
        "我手机丢了，身份证补办期间能申请宿舍吗"
    )
