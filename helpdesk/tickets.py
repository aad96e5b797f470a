"""Tickets: opening, the queue, atomic claims, the desk log, transfer, closing, rating, FAQ drafts.

Repository functions; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from changai.db import utcnow
from changai.vocabulary import NATIONAL, FaqStatus, TicketStatus
from helpdesk.errors import (
    AlreadyClaimed,
    ColleagueNotFound,
    DraftRefused,
    NotYours,
    TicketNotClosed,
    TicketNotFound,
)
from helpdesk.models import Ticket, TicketEntry, User
from knowledge import catalogue, entry_validation
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.models import FaqEntry
from knowledge.text_normalise import mask_personal_numbers

OUTCOMES = {"resolved": "已解决", "referred": "已转介", "unreachable": "联系不上"}

WAITING = TicketStatus.waiting.value
CLAIMED = TicketStatus.claimed.value
CLOSED = TicketStatus.closed.value


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
        """For the desk: never the conversation id, which is the worker's bearer secret."""
        return {k: v for k, v in self.__dict__.items() if k != "conversation_id"}


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
            question=mask_personal_numbers(t.question),
            created_at=t.created_at.isoformat() + "Z",
            claimed_by=name,
        )
        for t, name in session.execute(query).all()
    ]


def create_ticket(
    *,
    session: Session,
    conversation_id: str,
    reason: str,
    topic: str | None,
    region: str | None,
    question: str,
    case_card: dict[str, Any],
) -> Ticket:
    ticket = Ticket(
        conversation_id=conversation_id,
        status=TicketStatus.waiting.value,
        reason=reason,
        topic=topic,
        region=region,
        question=question,
        case_card=case_card,
    )
    session.add(ticket)
    session.flush()
    return ticket


def open_ticket_for(*, session: Session, conversation_id: str) -> Ticket | None:
    return (
        session.execute(
            select(Ticket)
            .where(
                Ticket.conversation_id == conversation_id,
                Ticket.status != TicketStatus.closed.value,
            )
            .order_by(Ticket.id.desc())
        )
        .scalars()
        .first()
    )


def waiting_ahead(*, session: Session, ticket_id: int) -> int:
    """How many waiting tickets were opened before this one (0: the worker is next)."""
    return int(
        session.execute(
            select(func.count(Ticket.id)).where(Ticket.status == WAITING, Ticket.id < ticket_id)
        ).scalar_one()
    )


MAX_ID = 2**63 - 1  # larger ids cannot be stored, so no such ticket


def get_ticket(*, session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id) if 0 < ticket_id <= MAX_ID else None
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


def _held(session: Session, ticket_id: int, user_id: int) -> Ticket:
    ticket = get_ticket(session=session, ticket_id=ticket_id)
    if ticket.status != CLAIMED or ticket.claimed_by != user_id:
        raise NotYours(str(ticket_id))
    return ticket


def log(*, session: Session, ticket_id: int, kind: str, author: str, text: str = "") -> TicketEntry:
    entry = TicketEntry(ticket_id=ticket_id, kind=kind, author=author, text=text)
    session.add(entry)
    session.flush()
    return entry


def entries(*, session: Session, ticket_id: int) -> list[TicketEntry]:
    return list(
        session.execute(
            select(TicketEntry).where(TicketEntry.ticket_id == ticket_id).order_by(TicketEntry.id)
        ).scalars()
    )


def require_holder(*, session: Session, ticket_id: int, user_id: int) -> Ticket:
    return _held(session, ticket_id, user_id)


def require_holder_or_admin(
    *, session: Session, ticket_id: int, user_id: int, is_admin: bool, open_only: bool = True
) -> Ticket:
    """The ticket, if an admin asks or ``user_id`` holds it (a claimed ticket; with
    ``open_only=False`` also the one who held it when it was closed); else ``NotYours``."""
    ticket = get_ticket(session=session, ticket_id=ticket_id)
    if is_admin:
        return ticket
    if ticket.claimed_by != user_id or (open_only and ticket.status != CLAIMED):
        raise NotYours(str(ticket_id))
    return ticket


def add_note(
    *, session: Session, ticket_id: int, user_id: int, is_admin: bool, author: str, text: str
) -> TicketEntry:
    """An internal note on the desk log, by the ticket's holder or an admin."""
    require_holder_or_admin(
        session=session, ticket_id=ticket_id, user_id=user_id, is_admin=is_admin
    )
    return log(session=session, ticket_id=ticket_id, kind="note", author=author, text=text)


def transfer(
    *, session: Session, ticket_id: int, user_id: int, to_username: str, author: str
) -> User:
    _held(session, ticket_id, user_id)
    target = session.execute(
        select(User).where(User.username == to_username, User.active.is_(True))
    ).scalar_one_or_none()
    if target is None or target.role not in {"staff", "admin"}:
        raise ColleagueNotFound(to_username)
    ticket = get_ticket(session=session, ticket_id=ticket_id)
    ticket.claimed_by = target.id
    ticket.updated_at = utcnow()
    log(
        session=session,
        ticket_id=ticket_id,
        kind="transfer",
        author=author,
        text=f"转给 {target.display_name}",
    )
    return target


def close(*, session: Session, ticket_id: int, user_id: int, outcome: str, author: str) -> Ticket:
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    ticket = _held(session, ticket_id, user_id)
    ticket.status = CLOSED
    ticket.outcome = outcome
    ticket.closed_at = utcnow()
    log(session=session, ticket_id=ticket_id, kind="close", author=author, text=OUTCOMES[outcome])
    return ticket


def record_rating(*, session: Session, conversation_id: str, rating: int) -> Ticket | None:
    ticket = (
        session.execute(
            select(Ticket)
            .where(Ticket.conversation_id == conversation_id, Ticket.status == CLOSED)
            .order_by(Ticket.closed_at.desc(), Ticket.id.desc())
        )
        .scalars()
        .first()
    )
    if ticket is not None:
        ticket.rating = max(1, min(5, rating))
    return ticket


def draft_question(question: str) -> str:
    """A worker's question as a draft's standard question: personal numbers masked,
    shortened to the editor's limit.

    Workers may write up to 2,000 characters; the admin rewrites the question on review.
    """
    question = mask_personal_numbers(question.strip())
    limit = entry_validation.MAX_QUESTION_CHARS
    return question if len(question) <= limit else question[: limit - 1] + "…"


def _new_draft_key(session: Session, ticket_id: int) -> str:
    """``draft-ticket-7``, or ``draft-ticket-7-2`` … when that key is taken."""
    prefix = f"draft-ticket-{ticket_id}"
    taken = set(
        session.execute(select(FaqEntry.key).where(FaqEntry.key.like(prefix + "%"))).scalars()
    )
    key, number = prefix, 1
    while key in taken:
        number += 1
        key = f"{prefix}-{number}"
    return key


def faq_draft_from(
    *,
    session: Session,
    ticket_id: int,
    answer: str,
    topic: str,
    author: str,
    user_id: int | None = None,
    is_admin: bool = False,
    lexicon: Lexicon | None = None,
) -> FaqEntry:
    """A new draft FAQ entry from a closed ticket, for admin review; drafts are never served.

    Only the staff member who held the ticket when it was closed, or an admin, may draft
    (``NotYours``). Every call creates a new entry under a new key, never touching an
    existing one (a published entry cannot be overwritten or unpublished from the desk).
    Saved through ``knowledge.catalogue`` like an admin edit: validated (a draft needs no
    document, the publish rules wait for publishing), versioned and audited under the
    staff member's name. Raises ``DraftRefused`` with the catalogue's Chinese message per
    wrong field.
    """
    ticket = get_ticket(session=session, ticket_id=ticket_id)
    if ticket.status != CLOSED:
        raise TicketNotClosed(str(ticket_id))
    if not is_admin and (user_id is None or ticket.claimed_by != user_id):
        raise NotYours(str(ticket_id))
    try:
        entry, _ = catalogue.save_entry(
            session=session,
            lexicon=lexicon or load_lexicon(),
            raw={
                "key": _new_draft_key(session, ticket_id),
                "topic": topic,
                "question": draft_question(ticket.question),
                "alternatives": [],
                "answer": answer,
                "region": ticket.region or NATIONAL,
                "status": FaqStatus.draft.value,
                "clause": "",
                "tags": [],
            },
            actor=author,
            entry_id=None,
        )
    except catalogue.ValidationFailed as failed:
        raise DraftRefused(ticket_id, failed.errors) from failed
    log(
        session=session,
        ticket_id=ticket_id,
        kind="draft",
        author=author,
        text=f"FAQ 草稿 #{entry.id}",
    )
    return entry
