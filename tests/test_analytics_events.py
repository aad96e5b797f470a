"""The broker's events mapped to conversation metrics, counted once, on SQLite (#14)."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from analytics import events as broker_events
from analytics.consumer import EVENT_QUEUE, RASA_EXCHANGE
from analytics.events import MalformedEvent, delta, parse
from analytics.metrics_store import record, store, totals
from analytics.models import ConversationMetric, ProcessedEvent
from changai.db import make_engine, make_session_factory
from tests.support import broker_events as made

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026-12-01 23:59:30 in Shanghai
LATE = dt.datetime(2026, 12, 1, 23, 59, 30, tzinfo=SHANGHAI).timestamp()


def raw(body: dict) -> bytes:
    return json.dumps(body).encode("utf-8")


@pytest.fixture()
def factory(database_url: str):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.mark.parametrize(
    ("body", "counted"),
    [
        (made.worker("c", "宿舍怎么申请", LATE), {"worker_messages": 1}),
        (made.worker("c", "/request_human", LATE, "request_human"), {"worker_messages": 1}),
        (made.answer("c", LATE), {"answered": 1}),
        (made.honest_reply("c", LATE), {"unanswered": 1}),
        (made.handoff("c", LATE), {"escalated": 1, "unanswered": 1}),
        (made.handoff("c", LATE, new_ticket=False), {}),  # already in the queue
        (made.handoff("c", LATE, ticket_id=None), {}),  # no ticket named: its ticket counts
        (made.feedback("c", LATE, helpful=True), {"helpful": 1}),
        (made.feedback("c", LATE, helpful=False), {"unhelpful": 1}),
        (made.rating("c", LATE, 5), {"rated": 1, "rating_sum": 5}),
        (made.rating("c", LATE, None), {}),  # 请点 1–5 分: no rating given
        (made.staff("c", LATE), {}),
        (made.action("c", "action_answer_policy", LATE), {}),
        (made.slot("c", "region", "广州", LATE), {}),
        ({"sender_id": "c", "event": "bot", "timestamp": LATE, "text": "hi"}, {}),
    ],
)
def test_each_event_adds_what_it_means(body: dict, counted: dict[str, int]) -> None:
    change = delta(parse(raw(body)))
    assert change.increments() == counted
    assert change.last_rating == (body["data"]["custom"]["rating"] if "rated" in counted else None)


def test_the_event_id_is_stable_and_tells_events_apart() -> None:
    body = made.answer("c1", LATE)
    same = parse(json.dumps(dict(reversed(list(body.items())))).encode("utf-8"))
    assert parse(raw(body)).event_id == same.event_id  # key order does not matter
    assert len(same.event_id) == 64
    others = [
        made.answer("c2", LATE),
        made.answer("c1", LATE + 0.001),
        made.answer("c1", LATE, faq_id=8),
        made.honest_reply("c1", LATE),
    ]
    ids = {parse(raw(other)).event_id for other in others}
    assert len(ids) == len(others) and same.event_id not in ids
    # a hand-off is its ticket: whatever the message, its id is the ticket's
    handoffs = [made.handoff("c1", LATE, ticket_id=5), made.handoff("c1", LATE + 9, ticket_id=5)]
    assert {parse(raw(h)).event_id for h in handoffs} == {"ticket:5"}
    # no new ticket: a message like any other
    assert len(parse(raw(made.handoff("c1", LATE, new_ticket=False, ticket_id=5))).event_id) == 64


@pytest.mark.parametrize(
    ("message", "why"),
    [
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"{not json", "not UTF-8 JSON"),
        (b"[1, 2]", "JSON list"),
        (raw({"event": "user", "timestamp": LATE}), "no sender_id"),
        (raw({"sender_id": "c" * 101, "event": "user", "timestamp": LATE}), "longer than 100"),
        (raw({"sender_id": "c\u0000", "event": "user", "timestamp": LATE}), "NUL"),
        (raw({"sender_id": "c", "timestamp": LATE}), "no event type"),
        (raw({"sender_id": "c", "event": "user"}), "no numeric timestamp"),
        (raw({"sender_id": "c", "event": "user", "timestamp": True}), "no numeric timestamp"),
        (raw({"sender_id": "c", "event": "user", "timestamp": 1e300}), "is not a time"),
        (b" " * (broker_events.MAX_BODY_BYTES + 1), "larger than"),
    ],
)
def test_what_is_not_a_rasa_event_is_malformed(message: bytes, why: str) -> None:
    with pytest.raises(MalformedEvent, match=why):
        parse(message)


def test_a_conversation_is_counted_per_day_and_once(factory) -> None:
    sent, expected = made.conversation("worker-1", LATE - 10)
    events = [parse(raw(body)) for body in sent]
    with factory.begin() as session:
        first = record(session=session, events=events, zone=SHANGHAI)
    counting = made.COUNTED_EVENTS
    assert first.counted == counting and first.duplicates == 0
    assert first.ignored == len(events) - counting

    with factory.begin() as session:  # the same events again: a redelivery
        again = record(session=session, events=events, zone=SHANGHAI)
    assert (again.counted, again.duplicates) == (0, counting)

    with factory() as session:
        rows = session.execute(select(ConversationMetric)).scalars().all()
        processed = session.execute(select(func.count()).select_from(ProcessedEvent)).scalar()
    # LATE - 10 is 23:59:20 in Shanghai; the rating comes at 23:59:26: still 1 December
    assert [(r.conversation_id, r.day) for r in rows] == [("worker-1", dt.date(2026, 12, 1))]
    row = rows[0]
    assert {name: getattr(row, name) for name in expected} == expected
    assert row.last_rating == 4
    assert row.first_event_at == events[1].moment()  # the first worker message
    assert row.last_event_at == events[-1].moment()
    assert processed == counting


def _open_ticket(factory, conversation_id: str, created_at: dt.datetime) -> int:
    from helpdesk import tickets

    with factory.begin() as session:
        ticket = tickets.create_ticket(
            session=session,
            conversation_id=conversation_id,
            reason="request_human",
            topic="wage_arrears",
            region="广东",
            question="老板拖欠三个月工资怎么办",
            case_card={"best_guesses": [{"score": 0.42}], "transcript": []},
        )
        ticket.created_at = created_at
        return int(ticket.id)


def _counted(factory, conversation_id: str) -> dict[str, int]:
    with factory() as session:
        rows = session.execute(
            select(ConversationMetric).where(ConversationMetric.conversation_id == conversation_id)
        ).scalars()
        total: dict[str, int] = {}
        for row in rows:
            for name in broker_events.COUNTERS:
                if getattr(row, name):
                    total[name] = total.get(name, 0) + getattr(row, name)
        return total


def test_a_hand_off_whose_message_was_lost_is_counted_once_from_its_ticket(factory) -> None:
    """The cluster test's crash window: the action opened the ticket and the worker saw the
    reply, but Rasa died before it saved the turn and published its events. The turn
    replayed on the surviving server found the conversation paused (staff had joined), so
    only the worker's message was published: the ticket is the hand-off. Later the hand-off
    message may come after all (a republish), and everything again (redelivery): still one."""
    opened = dt.datetime.fromtimestamp(LATE - 5, dt.timezone.utc).replace(tzinfo=None)
    ticket = _open_ticket(factory, "w", opened)
    replay = [
        parse(raw(made.worker("w", "转人工", LATE, "request_human"))),
        parse(raw(made.staff("w", LATE + 1))),
    ]
    first = store(factory, replay, SHANGHAI)
    assert _counted(factory, "w") == {"worker_messages": 1, "escalated": 1, "unanswered": 1}
    assert (first.counted, first.duplicates) == (2, 0)  # the message and the ticket
    handoff = parse(raw(made.handoff("w", LATE - 4, ticket_id=ticket)))
    for _ in range(2):
        again = store(factory, [*replay, handoff], SHANGHAI)
        assert (again.counted, again.duplicates) == (0, 2)
    follow_up = parse(raw(made.worker("w", "我的情况是工资少发了", LATE + 20)))
    store(factory, [follow_up], SHANGHAI)
    assert _counted(factory, "w") == {"worker_messages": 2, "escalated": 1, "unanswered": 1}
    with factory() as session:
        row = session.get(ConversationMetric, ("w", dt.date(2026, 12, 1)))
        kinds = session.execute(
            select(ProcessedEvent.event_type).where(ProcessedEvent.event_id == f"ticket:{ticket}")
        ).scalars()
        assert list(kinds) == ["ticket"]
    assert row is not None and row.first_event_at == opened  # counted when it was opened


def test_a_hand_off_counted_from_its_message_is_not_counted_again_from_its_ticket(
    factory,
) -> None:
    ticket = _open_ticket(factory, "v", dt.datetime(2026, 12, 1, 15, 59))
    turn = [
        parse(raw(made.worker("v", "转人工", LATE, "request_human"))),
        parse(raw(made.handoff("v", LATE + 0.1, ticket_id=ticket))),
    ]
    first = store(factory, turn, SHANGHAI)
    assert (first.counted, first.duplicates) == (2, 0)
    for later in ([turn[1]], [parse(raw(made.staff("v", LATE + 9)))], turn):
        store(factory, later, SHANGHAI)  # the message again, the conversation going on
    assert _counted(factory, "v") == {"worker_messages": 1, "escalated": 1, "unanswered": 1}
    with factory() as session:
        kinds = session.execute(
            select(ProcessedEvent.event_type).where(ProcessedEvent.event_id == f"ticket:{ticket}")
        ).scalars()
        assert list(kinds) == ["bot"]
    # another conversation's events do not count this one's ticket
    store(factory, [parse(raw(made.worker("u", "你好", LATE)))], SHANGHAI)
    assert _counted(factory, "u") == {"worker_messages": 1}


def test_the_day_is_the_local_day(factory) -> None:
    """23:59:30 and 00:00:30 in Shanghai are two days, though the same UTC day."""
    before, after = LATE, LATE + 60
    events = [parse(raw(made.worker("w", "你好", at))) for at in (before, after)]
    assert dt.datetime.fromtimestamp(before, dt.timezone.utc).date() == dt.date(2026, 12, 1)
    assert dt.datetime.fromtimestamp(after, dt.timezone.utc).date() == dt.date(2026, 12, 1)
    store(factory, events, SHANGHAI)
    with factory() as session:
        days = session.execute(
            select(ConversationMetric.day, ConversationMetric.worker_messages).order_by(
                ConversationMetric.day
            )
        ).all()
    assert [tuple(d) for d in days] == [(dt.date(2026, 12, 1), 1), (dt.date(2026, 12, 2), 1)]


def test_batches_add_up_and_the_latest_rating_wins(factory) -> None:
    sent = [
        made.rating("w", LATE - 30, 2),
        made.worker("w", "谢谢", LATE - 20),
        made.rating("w", LATE - 10, 5),
        made.worker("other", "宿舍", LATE - 5),
    ]
    events = [parse(raw(body)) for body in sent]
    # out of order and in two batches, one event in both
    store(factory, [events[2], events[1]], SHANGHAI)
    store(factory, [events[1], events[0], events[3]], SHANGHAI)
    with factory() as session:
        row = session.get(ConversationMetric, ("w", dt.date(2026, 12, 1)))
        summary = totals(session=session)
    assert (row.worker_messages, row.rated, row.rating_sum) == (1, 2, 7)
    # the later rating (5) was stored first; the earlier one (2), stored after it, does not
    # replace it
    assert row.last_rating == 5 and row.last_rated_at == events[2].moment()
    assert summary.conversations == 2 and summary.worker_messages == 2
    assert summary.average_rating == pytest.approx(3.5)


def test_the_consumer_reads_what_rasa_publishes_to() -> None:
    from rasa.core.brokers.pika import RABBITMQ_EXCHANGE

    from rasa_project import endpoints

    assert EVENT_QUEUE == endpoints.EVENT_QUEUE
    assert RASA_EXCHANGE == RABBITMQ_EXCHANGE


def _as_rasa_publishes(sender: str, message: dict, at: float) -> dict:
    """An action's message as Rasa turns it into a ``BotUttered`` and publishes it."""
    from rasa.core.actions.action import create_bot_utterance

    event = create_bot_utterance(dict(message))
    event.timestamp = at
    return made.body(sender, event)


def test_the_actions_real_messages_count_as_documented(service) -> None:
    """Run the actions themselves; their messages, as Rasa publishes them, give the counts."""
    from actions.escalation import ActionEscalate
    from actions.feedback import ActionFeedback
    from actions.policy_answer import ActionAnswerPolicy
    from actions.rating import ActionRecordRating
    from tests.support.actions import run
    from tests.trackers import make_tracker

    # a Wednesday at 10:00 in Shanghai: staff are in, so a hand-off tells the queue place
    service.now = lambda: dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.timezone.utc)
    sender = "worker-actions"
    steps = [
        (ActionAnswerPolicy(), make_tracker("中级工技能提升补贴多少钱", "ask_training_subsidy")),
        (ActionFeedback(), make_tracker("/feedback_unhelpful", "feedback_unhelpful")),
        (
            ActionAnswerPolicy(),
            make_tracker(
                "中级工证书补贴能拿多少钱", "ask_training_subsidy", slots={"region": "云南"}
            ),
        ),
        (ActionEscalate(), make_tracker("老板拖欠三个月工资怎么办", "out_of_scope")),
        (ActionEscalate(), make_tracker("人呢", "request_human")),  # the ticket is open already
        (
            ActionRecordRating(),
            make_tracker(
                "/rate_conversation",
                "rate_conversation",
                entities=[{"entity": "rating", "value": 3}],
            ),
        ),
    ]
    kinds: list[str] = []
    total: dict[str, int] = {}
    for n, (action, tracker) in enumerate(steps):
        tracker.sender_id = sender
        _events, messages = run(action, tracker)
        for message in messages:
            kinds.append(message["custom"]["type"])
            change = delta(parse(raw(_as_rasa_publishes(sender, message, LATE + n))))
            for name, value in change.increments().items():
                total[name] = total.get(name, 0) + value
    assert kinds == ["answer", "feedback", "no_specific_rule", "queue", "queue", "rating"]
    assert total == {
        "answered": 1,
        "unhelpful": 1,
        "unanswered": 2,  # the honest reply and the one new ticket
        "escalated": 1,
        "rated": 1,
        "rating_sum": 3,
    }


def _unanswered_steps(sender: str) -> list:
    from actions.escalation import ActionEscalate
    from actions.policy_answer import ActionAnswerPolicy
    from tests.trackers import make_tracker

    steps = [
        (ActionAnswerPolicy(), make_tracker("中级工技能提升补贴多少钱", "ask_training_subsidy")),
        (  # several questions, one without an entry: the missed part is noted
            ActionAnswerPolicy(),
            make_tracker("公租房哪些人可以申请？申请要带哪些材料？", "ask_dormitory"),
        ),
        (  # an honest reply: 云南 has no rule of its own
            ActionAnswerPolicy(),
            make_tracker(
                "中级工证书补贴能拿多少钱", "ask_training_subsidy", slots={"region": "云南"}
            ),
        ),
        (  # a hand-off, with a mobile number to be masked, then again while it is open
            ActionEscalate(),
            make_tracker("老板拖欠工资，电话13812345678", "out_of_scope", slots={"region": "广东"}),
        ),
        (ActionEscalate(), make_tracker("人呢", "request_human")),
    ]
    for _action, tracker in steps:
        tracker.sender_id = sender
    return steps


def _published(service, sender: str) -> list[dict]:
    from tests.support.actions import run

    bodies = []
    for n, (action, tracker) in enumerate(_unanswered_steps(sender)):
        for message in run(action, tracker)[1]:
            bodies.append(_as_rasa_publishes(sender, message, LATE + n))
    return bodies


def _noted(service, sender: str) -> list[tuple]:
    from knowledge.models import UnansweredQuestion

    with service.session_factory() as session:
        rows = session.execute(
            select(UnansweredQuestion)
            .where(UnansweredQuestion.conversation_id == sender)
            .order_by(UnansweredQuestion.id)
        ).scalars()
        return [(r.question, r.topic, r.region, r.best_score, r.reason) for r in rows]


def test_production_stores_unanswered_questions_from_the_events_as_the_actions_do(
    service,
) -> None:
    """The same conversation gives the same 未答问题 rows either way, each stored once."""
    import dataclasses

    service.now = lambda: dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.timezone.utc)
    _published(service, "by-action")  # development: the actions write the rows
    by_action = _noted(service, "by-action")
    assert [row[4] for row in by_action] == ["no_specific_rule", "no_specific_rule", "out_of_scope"]
    assert by_action[0][0] == "申请要带哪些材料"
    assert by_action[2][0].endswith("电话138****5678")  # masked before it is stored

    service.settings = dataclasses.replace(service.settings, env="production")
    assert service.settings.unanswered_from_broker
    bodies = _published(service, "by-broker")
    assert _noted(service, "by-broker") == []  # left to the consumer
    events = [parse(raw(body)) for body in bodies]
    for _ in range(2):  # the second time is a redelivery
        with service.session_factory.begin() as session:
            record(session=session, events=events, zone=SHANGHAI, unanswered=True)
    assert _noted(service, "by-broker") == by_action
    with service.session_factory.begin() as session:
        [stamp] = session.execute(
            select(func.min(ConversationMetric.first_event_at)).where(
                ConversationMetric.conversation_id == "by-broker"
            )
        ).one()
    assert stamp == events[0].moment()

    # the new hand-off's message lost in a crash: its ticket gives the same row, once
    bodies = _published(service, "by-ticket")
    lost = [
        parse(raw(b)) for b in bodies if b["data"].get("custom", {}).get("new_ticket") is not True
    ]
    assert len(lost) == len(bodies) - 1
    for _ in range(2):
        with service.session_factory.begin() as session:
            record(session=session, events=lost, zone=SHANGHAI, unanswered=True)
    assert _noted(service, "by-ticket") == by_action


def test_an_unanswered_note_is_read_only_from_an_unanswered_message() -> None:
    from analytics.events import unanswered_row
    from changai.payloads import unanswered_note

    note = unanswered_note(
        question="宿舍能住多久", topic="dormitory", region=None, best_score=0.3, reason="x" * 50
    )
    honest = made.honest_reply("c", LATE)
    honest["data"]["custom"]["unanswered"] = note
    assert unanswered_row(parse(raw(honest))) == {**note, "reason": "x" * 40}
    answer = made.answer("c", LATE)
    answer["data"]["custom"]["unanswered"] = note  # not an unanswered message: not a row
    assert unanswered_row(parse(raw(answer))) is None
    honest["data"]["custom"]["unanswered"] = {**note, "question": "  ", "best_score": True}
    assert unanswered_row(parse(raw(honest))) is None
    honest["data"]["custom"]["unanswered"] = {**note, "question": "宿舍\u0000能住多久"}
    row = unanswered_row(parse(raw(honest)))
    assert row is not None and row["question"] == "宿舍能住多久"  # PostgreSQL refuses NUL
    honest["data"]["custom"]["unanswered"] = {**note, "best_score": "high"}
    row = unanswered_row(parse(raw(honest)))
    assert row is not None and row["best_score"] is None


def test_the_consumer_waits_for_rabbitmq_and_stops_when_told(factory, caplog) -> None:
    """RabbitMQ not there: the consumer retries (logging where, never the password) until it
    is stopped, then returns without error."""
    import asyncio
    import socket

    from analytics.consumer import EventConsumer

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    consumer = EventConsumer(
        amqp_url=f"amqp://user:s3cret@127.0.0.1:{port}/",
        session_factory=factory,
        zone=SHANGHAI,
    )

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(consumer.run(stop))
        await asyncio.sleep(1.5)
        assert not task.done() and not consumer.ready.is_set()
        stop.set()
        await asyncio.wait_for(task, 10)

    with caplog.at_level("WARNING", logger="analytics.consumer"):
        asyncio.run(scenario())
    assert f"RabbitMQ at 127.0.0.1:{port}/ unreachable" in caplog.text
    assert "s3cret" not in caplog.text
