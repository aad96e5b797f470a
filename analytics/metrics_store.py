"""Counting broker events into ``conversation_metrics``, each event once.

An event that changes a count is claimed in ``processed_events`` (its id is the primary key)
in the same transaction as the counts it adds, so a redelivered event, or one published twice,
is skipped. Counts are added with ``UPDATE … SET n = n + :k`` (an insert for a new row), so
two consumers never lose each other's increments; when they race on the same new row or event
id, one transaction fails on the unique key and :func:`store` runs the batch again, which then
skips what the other stored. The caller owns the transaction of :func:`record`.

A hand-off is a desk ticket opened (``helpdesk`` ``tickets``, committed by the action before
Rasa publishes anything of the turn). It is counted under its ticket's id, from its message
or, when that message never reached the broker, from the ticket itself, which every batch
looks up for the conversations it holds events of: once either way, whatever crashed when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from analytics.events import (
    COUNTERS,
    BrokerEvent,
    MetricDelta,
    delta,
    handoff,
    ticket_key,
    ticket_row,
    unanswered_row,
)
from analytics.models import ConversationMetric, ProcessedEvent
from changai.db import utcnow
from helpdesk.models import Ticket
from knowledge import repository

ATTEMPTS = 3
TICKET = "ticket"  # ``processed_events.event_type`` of a hand-off counted from its ticket


@dataclass(frozen=True)
class Recorded:
    counted: int  # events (and tickets, for hand-offs) that changed a count
    duplicates: int  # events counted before (redelivered or published twice)
    ignored: int  # events that count nothing (slots, actions …)


@dataclass
class _Group:
    change: MetricDelta
    first: dt.datetime
    last: dt.datetime
    rated_at: dt.datetime | None = None


def _merge(group: _Group, moment: dt.datetime, change: MetricDelta) -> None:
    for name, value in change.increments().items():
        setattr(group.change, name, getattr(group.change, name) + value)
    if change.last_rating is not None and (group.rated_at is None or moment >= group.rated_at):
        group.change.last_rating = change.last_rating
        group.rated_at = moment
    group.first = min(group.first, moment)
    group.last = max(group.last, moment)


def _add(session: Session, conversation_id: str, day: dt.date, group: _Group) -> None:
    table = ConversationMetric.__table__
    increments = group.change.increments()
    values: dict[str, Any] = {name: table.c[name] + n for name, n in increments.items()}
    if group.rated_at is not None:  # the latest rating wins, whatever order events come in
        newer = or_(table.c.last_rated_at.is_(None), table.c.last_rated_at <= group.rated_at)
        values["last_rating"] = case((newer, group.change.last_rating), else_=table.c.last_rating)
        values["last_rated_at"] = case((newer, group.rated_at), else_=table.c.last_rated_at)
    values["first_event_at"] = case(
        (table.c.first_event_at > group.first, group.first), else_=table.c.first_event_at
    )
    values["last_event_at"] = case(
        (table.c.last_event_at < group.last, group.last), else_=table.c.last_event_at
    )
    values["updated_at"] = utcnow()
    result = session.execute(
        update(table)
        .where(table.c.conversation_id == conversation_id, table.c.day == day)
        .values(**values)
    )
    if result.rowcount:
        return
    session.execute(
        insert(table).values(
            conversation_id=conversation_id,
            day=day,
            **{name: increments.get(name, 0) for name in COUNTERS},
            last_rating=group.change.last_rating,
            last_rated_at=group.rated_at,
            first_event_at=group.first,
            last_event_at=group.last,
            updated_at=utcnow(),
        )
    )


@dataclass(frozen=True)
class _Fact:
    """Something that counts: a broker event, or a ticket opened (a hand-off)."""

    key: str  # its id in ``processed_events``
    conversation_id: str
    kind: str  # ``processed_events.event_type``: the event's type, or "ticket"
    moment: dt.datetime  # naive UTC
    day: dt.date
    change: MetricDelta
    row: dict[str, Any] | None  # its ``unanswered_questions`` fields, if it is one


def _event_fact(event: BrokerEvent, change: MetricDelta, zone: ZoneInfo) -> _Fact:
    return _Fact(
        event.event_id,
        event.conversation_id,
        event.event_type,
        event.moment(),
        event.day(zone),
        change,
        unanswered_row(event),
    )


def _tickets_to_count(
    session: Session, conversations: set[str], seen: set[str], zone: ZoneInfo
) -> list[_Fact]:
    """The hand-offs of ``conversations`` not counted yet: their tickets, each under the id
    its hand-off message is counted under (``analytics.events.ticket_key``)."""
    if not conversations:
        return []
    ids = session.execute(
        select(Ticket.id).where(Ticket.conversation_id.in_(sorted(conversations)))
    ).scalars()
    keys = {ticket_key(ticket): ticket for ticket in ids}
    fresh = set(keys) - seen
    if fresh:
        fresh -= set(
            session.execute(
                select(ProcessedEvent.event_id).where(ProcessedEvent.event_id.in_(fresh))
            ).scalars()
        )
    if not fresh:
        return []
    tickets = session.execute(
        select(Ticket).where(Ticket.id.in_([keys[key] for key in fresh])).order_by(Ticket.id)
    ).scalars()
    return [
        _Fact(
            ticket_key(ticket.id),
            ticket.conversation_id,
            TICKET,
            ticket.created_at,
            ticket.created_at.replace(tzinfo=dt.timezone.utc).astimezone(zone).date(),
            handoff(),
            ticket_row(
                question=ticket.question,
                topic=ticket.topic,
                region=ticket.region,
                reason=ticket.reason,
                case_card=ticket.case_card,
            ),
        )
        for ticket in tickets
    ]


def record(
    *,
    session: Session,
    events: Sequence[BrokerEvent],
    zone: ZoneInfo,
    unanswered: bool = False,
) -> Recorded:
    """Add ``events`` to the metrics, skipping those already counted; does not commit.

    A hand-off is a ticket opened: counted from its message when that is published, and
    otherwise from the ticket, read when any event of its conversation comes by (a turn
    whose events were lost in a crash after the ticket was opened is replayed, and the
    replay takes another path: the ticket is open, staff may have joined). Both count it
    under its ticket's id, so once.

    ``unanswered``: also store the unanswered questions the events carry (production, where
    the actions leave that to this consumer: ``Settings.unanswered_from_broker``)."""
    changes = [(event, delta(event)) for event in events]
    counting = [
        _event_fact(event, change, zone) for event, change in changes if not change.is_empty()
    ]
    ids = {fact.key for fact in counting}
    seen: set[str] = set()
    if ids:
        seen = set(
            session.execute(
                select(ProcessedEvent.event_id).where(ProcessedEvent.event_id.in_(ids))
            ).scalars()
        )
    fresh = [fact for fact in counting if fact.key not in seen]
    counted_events = len({fact.key for fact in fresh})
    seen |= ids
    fresh += _tickets_to_count(session, {event.conversation_id for event in events}, seen, zone)
    groups: dict[tuple[str, dt.date], _Group] = {}
    claimed: list[dict[str, Any]] = []
    done: set[str] = set()
    for fact in fresh:
        if fact.key in done:
            continue
        done.add(fact.key)  # the same event twice in one batch counts once
        claimed.append(
            {
                "event_id": fact.key,
                "conversation_id": fact.conversation_id,
                "event_type": fact.kind,
                "processed_at": utcnow(),
            }
        )
        if unanswered and fact.row is not None:
            repository.record_unanswered(
                session=session,
                conversation_id=fact.conversation_id,
                created_at=fact.moment,
                **fact.row,
            )
        key = (fact.conversation_id, fact.day)
        if key not in groups:
            groups[key] = _Group(MetricDelta(), fact.moment, fact.moment)
        _merge(groups[key], fact.moment, fact.change)
    if claimed:
        session.execute(insert(ProcessedEvent.__table__), claimed)
    for (conversation_id, day), group in sorted(groups.items()):
        _add(session, conversation_id, day, group)
    return Recorded(len(claimed), len(counting) - counted_events, len(changes) - len(counting))


def store(
    factory: sessionmaker,
    events: Sequence[BrokerEvent],
    zone: ZoneInfo,
    unanswered: bool = False,
) -> Recorded:
    """:func:`record` in a transaction of its own, again when another consumer raced it."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with factory.begin() as session:
                return record(session=session, events=events, zone=zone, unanswered=unanswered)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Totals:
    conversations: int
    worker_messages: int
    answered: int
    unanswered: int
    escalated: int
    helpful: int
    unhelpful: int
    rated: int
    rating_sum: int

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None


def totals(*, session: Session, days: Iterable[dt.date] | None = None) -> Totals:
    """Counts over every conversation (on ``days`` only, when given)."""
    table = ConversationMetric.__table__
    query = select(
        func.count(func.distinct(table.c.conversation_id)),
        *[func.coalesce(func.sum(table.c[name]), 0) for name in COUNTERS],
    )
    if days is not None:
        query = query.where(table.c.day.in_(list(days)))
    row = session.execute(query).one()
    return Totals(*(int(value) for value in row))
