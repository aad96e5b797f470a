"""A worker's call-back number on their open ticket: stored with consent, masked, revealed on
record.

The number is kept only on the ticket (``contact_phone``, with ``contact_consent_at``: the
moment the worker sent it after reading what it is for). The desk shows it masked; the full
number is handed out by :func:`reveal_contact`, which writes a ``reveal`` entry to the
ticket log naming who looked and when.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from changai.db import utcnow
from helpdesk import tickets
from helpdesk.errors import NoContactLeft
from helpdesk.models import Ticket
from knowledge.text_normalise import mask_mobile

REVEAL = "reveal"
CONTACT = "contact"
WORKER = "职工"


def store_contact(*, session: Session, conversation_id: str, phone: str) -> Ticket | None:
    """Put ``phone`` on the conversation's open ticket; None when no ticket is open."""
    ticket = tickets.open_ticket_for(session=session, conversation_id=conversation_id)
    if ticket is None:
        return None
    ticket.contact_phone = phone
    ticket.contact_consent_at = utcnow()
    tickets.log(
        session=session,
        ticket_id=ticket.id,
        kind=CONTACT,
        author=WORKER,
        text=f"留下手机号 {mask_mobile(phone)}，同意工作人员回电",
    )
    return ticket


def masked_contact(ticket: Ticket) -> str | None:
    return mask_mobile(ticket.contact_phone) if ticket.contact_phone else None


def reveal_contact(
    *, session: Session, ticket_id: int, author: str, user_id: int, is_admin: bool
) -> str:
    """The full number, for the ticket's holder (while it is open) or an admin; ``NotYours``
    for anyone else, ``NoContactLeft`` if the worker left none. Every reveal is logged."""
    ticket = tickets.require_holder_or_admin(
        session=session, ticket_id=ticket_id, user_id=user_id, is_admin=is_admin
    )
    if not ticket.contact_phone:
        raise NoContactLeft(str(ticket_id))
    tickets.log(
        session=session, ticket_id=ticket.id, kind=REVEAL, author=author, text="查看完整号码"
    )
    return str(ticket.contact_phone)
