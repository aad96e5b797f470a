"""Repository functions for the staff desk: the queue, atomic claims, canned replies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge.errors import KnowledgeError
from knowledge.models import CannedReply, Ticket, User, utcnow

WAITING = "waiting"
CLAIMED = "claimed"


class TicketNotFound(KnowledgeError):
    pass


class AlreadyClaimed(KnowledgeError):
    def __init__(self, ticket_id: int, claimed_by: str) -> None:
        super().__init__(f"ticket {ticket_id} already claimed by {claimed_by}")
        self.claimed_by = claimed_by


@dataclass(frozen=True)
class QueueItem:
    id: int
    conversation_id: str
    status: str
    reason: str
    topic: str | None
    region: str | None
    question: str
    created_at: str
    claimed_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def queue(
    *, session: Session, topic: str | None = None, region: str | None = None
) -> list[QueueItem]:
    """Open tickets (waiting first, oldest first), optionally filtered."""
    query = (
        select(Ticket, User.display_name)
        .outerjoin(User, Ticket.claimed_by == User.id)
        .where(Ticket.status.in_([WAITING, CLAIMED]))
        .order_by(Ticket.status.desc(), Ticket.created_at, Ticket.id)
    )
    if topic:
        query = query.where(Ticket.topic == topic)
    if region:
        query = query.where(Ticket.region == region)
    return [
        QueueItem(
            id=t.id,
            conversation_id=t.conversation_id,
            status=t.status,
            reason=t.reason,
            topic=t.topic,
            region=t.region,
            question=t.question,
            created_at=t.created_at.isoformat() + "Z",
            claimed_by=name,
        )
        for t, name in session.execute(query).all()
    ]


def get_ticket(*, session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFound(str(ticket_id))
    return ticket


def claim(*, session: Session, ticket_id: int, user_id: int) -> Ticket:
    """Claim a waiting ticket. Exactly one of any number of concurrent callers wins."""
    now = utcnow()
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == WAITING)
        .values(status=CLAIMED, claimed_by=user_id, claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    ticket = get_ticket(session=session, ticket_id=ticket_id)
    if result.rowcount == 1:
        session.refresh(ticket)
        return ticket
    owner = session.get(User, ticket.claimed_by) if ticket.claimed_by else None
    raise AlreadyClaimed(ticket_id, owner.display_name if owner else "其他同事")


def canned_replies(*, session: Session) -> list[CannedReply]:
    return list(session.execute(select(CannedReply).order_by(CannedReply.id)).scalars())


def add_canned_reply(*, session: Session, title: str, text: str, actor: str) -> CannedReply:
    reply = CannedReply(title=title, text=text, created_by=actor)
    session.add(reply)
    session.flush()
    return reply


def delete_canned_reply(*, session: Session, reply_id: int) -> None:
    reply = session.get(CannedReply, reply_id)
    if reply is not None:
        session.delete(reply)
