"""Tables of the conversation analytics: daily counts per conversation, events already counted."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, String

from changai.db import Base, utcnow

CONVERSATION_ID_LENGTH = 100  # as tickets.conversation_id and Rasa's sender ids here


class ConversationMetric(Base):
    """What happened in one conversation on one day (the day in ``TIMEZONE``)."""

    __tablename__ = "conversation_metrics"

    conversation_id = Column(String(CONVERSATION_ID_LENGTH), primary_key=True)
    day = Column(Date, primary_key=True, index=True)
    worker_messages = Column(Integer, nullable=False, default=0)
    answered = Column(Integer, nullable=False, default=0)
    unanswered = Column(Integer, nullable=False, default=0)
    escalated = Column(Integer, nullable=False, default=0)
    helpful = Column(Integer, nullable=False, default=0)
    unhelpful = Column(Integer, nullable=False, default=0)
    rated = Column(Integer, nullable=False, default=0)
    rating_sum = Column(Integer, nullable=False, default=0)
    last_rating = Column(Integer, nullable=True)
    last_rated_at = Column(DateTime, nullable=True)
    first_event_at = Column(DateTime, nullable=False)
    last_event_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class ProcessedEvent(Base):
    """A broker event already counted: its id is the primary key, so it is counted once. A
    hand-off's id is its ticket's (``ticket:<id>``), from its message or its ticket."""

    __tablename__ = "processed_events"

    event_id = Column(String(64), primary_key=True)
    conversation_id = Column(String(CONVERSATION_ID_LENGTH), nullable=False)
    event_type = Column(String(40), nullable=False)
    processed_at = Column(DateTime, nullable=False, default=utcnow, index=True)
