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
from changai.vocabulary import NATIONAL, ConditionStatus, DocumentStatus, FaqStatus, LegalStatus


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
    # Issue #12: whether the rules still apply, and where the text came from.
    legal_status = Column(String(20), nullable=False, default=LegalStatus.in_force.value)
    in_force_until = Column(Date, nullable=True)  # for time_limited
    replaced_by_id = Column(Integer, ForeignKey("policy_documents.id"), nullable=True)
    source_kind = Column(String(20), nullable=False, default="")  # official | mirror | ""
    official_title = Column(String(300), nullable=False, default="")  # when a mirror
    checked_on = Column(Date, nullable=True)

    entries = relationship("FaqEntry", back_populates="document")
    replaced_by = relationship("PolicyDocument", remote_side=[id])
    clauses = relationship(
        "PolicyClause",
        back_populates="document",
        order_by="PolicyClause.position",
        cascade="all, delete-orphan",
    )

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
    clause_links = relationship(
        "FaqEntryClause",
        order_by="FaqEntryClause.position",
        cascade="all, delete-orphan",
    )

    @property
    def clauses(self) -> list[PolicyClause]:
        """The clauses the entry rests on, in the order they were linked."""
        return [link.clause for link in self.clause_links]


class PolicyClause(Base):
    """One unit of a document's official text (第X条, 一、, （二）…), as printed."""

    __tablename__ = "policy_clauses"

    id = Column(Integer, primary_key=True)
    document_id = Column(
        Integer, ForeignKey("policy_documents.id", ondelete="CASCADE"), nullable=False, index=True
    )
    key = Column(String(120), nullable=False, unique=True)  # stable, e.g. mohrss-2024-40.s3
    number = Column(String(50), nullable=False, default="")  # as printed; "" when unknown
    text = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)

    document = relationship("PolicyDocument", back_populates="clauses")


class FaqEntryClause(Base):
    """An FAQ entry rests on a clause."""

    __tablename__ = "faq_entry_clauses"

    entry_id = Column(Integer, ForeignKey("faq_entries.id", ondelete="CASCADE"), primary_key=True)
    clause_id = Column(
        Integer, ForeignKey("policy_clauses.id", ondelete="CASCADE"), primary_key=True
    )
    position = Column(Integer, nullable=False, default=0)

    clause = relationship("PolicyClause")


class ReviewFlag(Base):
    """An entry to review again (待复核): something it rests on changed (#12 part 2)."""

    __tablename__ = "review_flags"

    id = Column(Integer, primary_key=True)
    entry_id = Column(
        Integer, ForeignKey("faq_entries.id", ondelete="CASCADE"), nullable=False, index=True
    )
    cause = Column(String(20), nullable=False)  # clause | document
    source_key = Column(String(120), nullable=False, default="")  # the clause or document key
    reason = Column(String(500), nullable=False)
    flagged_by = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    cleared_at = Column(DateTime, nullable=True)  # the entry was saved again
    cleared_by = Column(String(64), nullable=True)

    entry = relationship("FaqEntry")


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


class EligibilityCheck(Base):
    """An eligibility check (技能提升补贴 …): its ordered conditions are data (issue #13)."""

    __tablename__ = "eligibility_checks"

    id = Column(Integer, primary_key=True)
    key = Column(String(100), nullable=False, unique=True)  # e.g. skill_upgrade_subsidy
    title = Column(String(200), nullable=False)
    topic = Column(String(40), nullable=False)
    region = Column(String(50), nullable=False, default=NATIONAL)
    valid_from = Column(Date, nullable=True)
    valid_until = Column(Date, nullable=True)
    how_to_apply = Column(Text, nullable=False, default="")
    status = Column(String(20), nullable=False, default=DocumentStatus.active.value)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by = Column(String(100), nullable=False, default="system")
    # a check whose outcome is a level (0011): {"held_by": condition key, "targets": [...]}
    ladder = Column(JSON, nullable=True)
    # who can say whether a lapsed rule was continued (0014): 当地工会或12351 …
    confirm_with = Column(Text, nullable=False, default="")
    # the ladder's review and versions (0015): an edit waits beside the live ladder
    ladder_version = Column(Integer, nullable=False, default=1)
    ladder_pending = Column(JSON, nullable=True)
    ladder_pending_by = Column(String(100), nullable=True)
    ladder_pending_at = Column(DateTime, nullable=True)

    conditions = relationship(
        "EligibilityCondition",
        back_populates="check",
        order_by="EligibilityCondition.position",
        cascade="all, delete-orphan",
    )


class EligibilityCondition(Base):
    """One condition of a check: the question, the slot it fills, the test, its clause."""

    __tablename__ = "eligibility_conditions"
    # a region's variant of a condition shares its key (0012)
    __table_args__ = (
        UniqueConstraint("check_id", "key", "region", name="uq_eligibility_condition_region"),
    )

    id = Column(Integer, primary_key=True)
    check_id = Column(
        Integer, ForeignKey("eligibility_checks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    key = Column(String(60), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    question = Column(Text, nullable=False)
    slot = Column(String(60), nullable=False)
    answer_kind = Column(String(20), nullable=False)  # months | yes_no | level | date | choice
    choices = Column(JSON, nullable=False, default=list)  # [{value, label}] for choice
    test = Column(JSON, nullable=False)  # {"op": ">=", "value": 12}: declarative, never eval'd
    hint = Column(Text, nullable=False, default="")  # how to answer, after a reply not understood
    unmet_reason = Column(Text, nullable=False, default="")  # why not, and what would change it
    clause_id = Column(
        Integer, ForeignKey("policy_clauses.id", ondelete="RESTRICT"), nullable=False
    )
    region = Column(String(50), nullable=False, default=NATIONAL)
    valid_from = Column(Date, nullable=True)
    valid_until = Column(Date, nullable=True)
    # asked only when these requirements hold (0011): [{"condition", "op", "value"}]
    ask_if = Column(JSON, nullable=True)
    prefill = Column(Text, nullable=False, default="")  # pattern: the first message answers it
    version = Column(Integer, nullable=False, default=1)  # admin edits (0012), like entries
    # review (0014): a new region variant is a draft until published; an edit of a published
    # condition is stored beside it (the changed fields, as in a version snapshot) until an
    # admin publishes or discards it
    status = Column(String(20), nullable=False, default=ConditionStatus.published.value)
    pending = Column(JSON, nullable=True)
    pending_by = Column(String(100), nullable=True)  # who proposed the change (or the draft)
    pending_at = Column(DateTime, nullable=True)

    check = relationship("EligibilityCheck", back_populates="conditions")
    clause = relationship("PolicyClause")
