"""SQLAlchemy 1.4 declarative models for the knowledge base, tickets and accounts."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

NATIONAL = "全国"
TOPICS = ("training_subsidy", "skill_grading", "dormitory", "hardship_aid")
TOPIC_LABELS = {
    "training_subsidy": "培训补贴",
    "skill_grading": "技能等级",
    "dormitory": "职工宿舍",
    "hardship_aid": "困难帮扶",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class FaqStatus(str, enum.Enum):
    draft = "draft"
    published = "published"
    archived = "archived"


class PolicyDocument(Base):
    __tablename__ = "policy_documents"

    id = Column(Integer, primary_key=True)
    key = Column(String(100), nullable=False, unique=True)
    title = Column(String(300), nullable=False)
    doc_number = Column(String(100), nullable=False, default="")
    issuer = Column(String(200), nullable=False, default="")
    region = Column(String(50), nullable=False, default=NATIONAL)
    effective_from = Column(Date, nullable=True)
    expires_on = Column(Date, nullable=True)
    url = Column(String(500), nullable=True)
    source_note = Column(Text, nullable=False, default="")
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by = Column(String(100), nullable=False, default="system")
    status = Column(String(20), nullable=False, default="active")  # active | archived
    version = Column(Integer, nullable=False, default=1)

    entries = relationship("FaqEntry", back_populates="document")

    def in_force(self, today: dt.date) -> bool:
        if self.effective_from is not None and self.effective_from > today:
            return False
        return self.expires_on is None or self.expires_on >= today


class FaqEntry(Base):
    __tablename__ = "faq_entries"

    id = Column(Integer, primary_key=True)
    key = Column(String(100), nullable=False, unique=True)
    topic = Column(String(40), nullable=False, index=True)
    question = Column(Text, nullable=False)
    alternatives = Column(JSON, nullable=False, default=list)
    answer = Column(Text, nullable=False)
    region = Column(String(50), nullable=False, default=NATIONAL)
    region_sensitive = Column(Boolean, nullable=False, default=False)
    tags = Column(JSON, nullable=False, default=list)
    document_id = Column(Integer, ForeignKey("policy_documents.id"), nullable=True)
    clause = Column(String(300), nullable=False, default="")
    status = Column(String(20), nullable=False, default=FaqStatus.draft.value)
    version = Column(Integer, nullable=False, default=1)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by = Column(String(100), nullable=False, default="system")

    document = relationship("PolicyDocument", back_populates="entries")


class Ticket(Base):
    """An escalated conversation waiting for union staff, with its case card."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(100), nullable=False, index=True)
    status = Column(String(20), nullable=False, default="waiting")
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


class AnswerFeedback(Base):
    """A worker's 有帮助 / 没帮助 on an answer."""

    __tablename__ = "answer_feedback"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(100), nullable=False, index=True)
    faq_id = Column(Integer, ForeignKey("faq_entries.id"), nullable=True)
    helpful = Column(Boolean, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class UnansweredQuestion(Base):
    """A question the assistant could not answer with confidence."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(100), nullable=False)
    question = Column(Text, nullable=False)
    topic = Column(String(40), nullable=True)
    region = Column(String(50), nullable=True)
    best_score = Column(Float, nullable=True)
    reason = Column(String(40), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


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


class ContentVersion(Base):
    """One saved version of an FAQ entry or a policy document (a full snapshot)."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("kind", "item_id", "version", name="uq_content_version"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)  # faq | document
    item_id = Column(Integer, nullable=False)
    version = Column(Integer, nullable=False)
    data = Column(JSON, nullable=False)
    action = Column(String(20), nullable=False)  # create | edit | publish | archive | restore
    author = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who did what to the knowledge base, and when."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    actor = Column(String(64), nullable=False)
    action = Column(String(40), nullable=False)
    kind = Column(String(20), nullable=False)
    item_id = Column(Integer, nullable=True)
    detail = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
