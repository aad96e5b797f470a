"""Storage of widget conversations and messages (the caller owns the transaction)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.db import utcnow
from connectors.widget.models import ChannelMessage, WidgetConversation

ID_BYTES = 32  # 256 random bits, URL-safe: unguessable
HISTORY_LIMIT = 500


def new_conversation(*, session: Session) -> WidgetConversation:
    conversation = WidgetConversation(id=secrets.token_urlsafe(ID_BYTES))
    session.add(conversation)
    session.flush()
    return conversation


def conversation_exists(*, session: Session, conversation_id: str) -> bool:
    return session.get(WidgetConversation, conversation_id) is not None


def add_message(
    *,
    session: Session,
    conversation_id: str,
    sender: str,
    payload: dict[str, Any],
    client_id: str | None = None,
) -> tuple[ChannelMessage, bool]:
    """Store a message; a repeated ``client_id`` returns the stored one (created=False)."""
    if client_id is not None:
        existing = session.execute(
            select(ChannelMessage).where(
                ChannelMessage.conversation_id == conversation_id,
                ChannelMessage.client_id == client_id,
            )
        ).scalar_one_or_none()
        if existing is not None:
            return existing, False
    message = ChannelMessage(
        conversation_id=conversation_id, sender=sender, client_id=client_id, payload=payload
    )
    session.add(message)
    session.flush()  # IntegrityError on a concurrent duplicate: the caller retries
    conversation = session.get(WidgetConversation, conversation_id)
    if conversation is not None:
        conversation.last_seen_at = utcnow()
    return message, True


def messages_after(
    *, session: Session, conversation_id: str, after_id: int, limit: int = HISTORY_LIMIT
) -> list[ChannelMessage]:
    return list(
        session.execute(
            select(ChannelMessage)
            .where(ChannelMessage.conversation_id == conversation_id, ChannelMessage.id > after_id)
            .order_by(ChannelMessage.id)
            .limit(limit)
        ).scalars()
    )


def as_event(message: ChannelMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "sender": message.sender,
        "client_id": message.client_id,
        "time": message.created_at.isoformat() + "Z",
        **message.payload,
    }


def events_after(*, session: Session, conversation_id: str, after_id: int) -> list[dict[str, Any]]:
    """The conversation's stored messages with an id above ``after_id``, as events."""
    return [
        as_event(m)
        for m in messages_after(session=session, conversation_id=conversation_id, after_id=after_id)
    ]


def new_conversation_with_id(*, session: Session, conversation_id: str) -> WidgetConversation:
    """For messages pushed to a conversation that began on another channel."""
    conversation = WidgetConversation(id=conversation_id)
    session.add(conversation)
    session.flush()
    return conversation


def worker_message(
    *,
    session: Session,
    conversation_id: str,
    client_id: str | None = None,
    message_id: int | None = None,
) -> tuple[str, bool] | None:
    """A worker's message (by ``client_id`` or id): its text for Rasa, and whether anything
    was stored after it in its conversation (an answer); None when it is not stored."""
    query = select(ChannelMessage).where(
        ChannelMessage.conversation_id == conversation_id, ChannelMessage.sender == "worker"
    )
    if client_id is not None:
        query = query.where(ChannelMessage.client_id == client_id)
    else:
        query = query.where(ChannelMessage.id == message_id)
    message = session.execute(query).scalar_one_or_none()
    if message is None:
        return None
    later = session.execute(
        select(ChannelMessage.id)
        .where(
            ChannelMessage.conversation_id == conversation_id,
            ChannelMessage.id > message.id,
            ChannelMessage.sender != "worker",
        )
        .limit(1)
    ).first()
    payload = message.payload or {}
    return str(payload.get("payload") or payload.get("text") or ""), later is not None
