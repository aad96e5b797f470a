"""Ready-made staff replies, managed by admins; repository functions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk.errors import InvalidCannedReply
from helpdesk.models import CannedReply

MAX_TITLE = 100
MAX_TEXT = 1000


def list_replies(*, session: Session) -> list[CannedReply]:
    return list(session.execute(select(CannedReply).order_by(CannedReply.id)).scalars())


def add_reply(*, session: Session, title: str, text: str, actor: str) -> CannedReply:
    """Add a reply; ``InvalidCannedReply`` when the title or text is empty or too long."""
    title, text = title.strip(), text.strip()
    if not title or not text or len(title) > MAX_TITLE or len(text) > MAX_TEXT:
        raise InvalidCannedReply(f"title {len(title)} chars, text {len(text)} chars")
    reply = CannedReply(title=title, text=text, created_by=actor)
    session.add(reply)
    session.flush()
    return reply


def delete_reply(*, session: Session, reply_id: int) -> None:
    reply = session.get(CannedReply, reply_id)
    if reply is not None:
        session.delete(reply)
