"""Help-desk tickets for tests, with the fields a test does not care about filled in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from helpdesk import tickets
from helpdesk.models import Ticket


def open_ticket(
    session: Session,
    *,
    conversation_id: str = "c" * 22,
    reason: str = "out_of_scope",
    topic: str | None = None,
    region: str | None = None,
    question: str = "欠薪怎么办",
) -> Ticket:
    """A waiting ticket with an empty case card."""
    return tickets.create_ticket(
        session=session,
        conversation_id=conversation_id,
        reason=reason,
        topic=topic,
        region=region,
        question=question,
        case_card={},
    )
