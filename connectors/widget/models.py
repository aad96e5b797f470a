"""SQLAlchemy models of the worker widget channel: conversations and their stored messages."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)

from changai.db import Base, utcnow


class WidgetConversation(Base):
    """A worker's chat conversation, issued by the widget channel with a random id."""

    __tablename__ = "widget_conversations"

    id = Column(String(64), primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)


class ChannelMessage(Base):
    """Every message of a widget conversation, stored before it is pushed.

    ``id`` increases across all conversations and is the SSE event id.
    """

    __tablename__ = "channel_messages"
    __table_args__ = (UniqueConstraint("conversation_id", "client_id"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(64), ForeignKey("widget_conversations.id"), nullable=False, index=True
    )
    sender = Column(String(20), nullable=False)  # worker | bot | staff | system
    client_id = Column(String(64), nullable=True)
    payload = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False, default=utcnow)
