"""SQLAlchemy models of the policy knowledge base: documents, FAQ entries, versions, audit,
and what workers told us about answers (feedback, unanswered questions).
"""

from __future__ import annotations

import datetime as dt

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
from sqlalchemy.orm import relationship

from changai.db import Base, utcnow
from changai.vocabulary import NATIONAL, DocumentStatus, FaqStatus


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
    status = Column(String(20), nullable=False, default=DocumentStatus.active.value)
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
    aspects = Column(JSON, nullable=False, default=list)  # changai.vocabulary.ASPECTS keys
    document_id = Column(Integer, ForeignKey("policy_documents.id"), nullable=True)
    clause = Column(String(300), nullable=False, default="")
    status = Column(String(20), nullable=False, default=FaqStatus.draft.value)
    version = Column(Integer, nullable=False, default=1)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by = Column(String(100), nullable=False, default="system")

    document = relationship("PolicyDocument", back_populates="entries")


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
