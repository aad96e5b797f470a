"""SQLAlchemy models of the help desk: tickets and their log, staff accounts and sessions,
canned replies.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from changai.db import Base, utcnow
from changai.vocabulary import TicketStatus


class Ticket(Base):
    """An escalated conversation waiting for union staff, with its case card."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(100), nullable=False, index=True)
    status = Column(String(20), nullable=False, default=TicketStatus.waiting.value)
    reason = Column(String(40), nullable=False)
    topic = Column(String(40), nullable=True)
    region = Column(String(50), nullable=True)
    question = Column(Text, nullable=False, default="")
    case_card = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    claimed_by = Column(Integer, ForeignKey("users.id"), nullable=True)
    claimed_at = Column(DateTime, nullable=True)
    outcome = Column(String(20), nullable=True)
    closed_at = Column(DateTime, nullable=True)
    rating = Column(Integer, nullable=True)
    contact_phone = Column(String(20), nullable=True)
    contact_consent_at = Column(DateTime, nullable=True)


class User(Base):
    """A staff or admin account for the console."""

    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(64), nullable=False)
    role = Column(String(20), nullable=False)
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class StaffSession(Base):
    """A logged-in console session; the cookie holds only the random id."""

    __tablename__ = "staff_sessions"

    id = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)

    user = relationship("User")


class CannedReply(Base):
    """A ready-made staff reply, managed by admins."""

    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    text = Column(Text, nullable=False)
    created_by = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class TicketEntry(Base):
    """The desk's log of a ticket: internal notes, transfers, claims, closing."""

    __tablename__ = "ticket_entries"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    kind = Column(String(20), nullable=False)  # note | transfer | claim | close | draft
    author = Column(String(64), nullable=False)
    text = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)
