"""Whether a policy document can back an answer today, and whether an entry is served.

The editor shows these states; the checks of a save (:mod:`knowledge.entry_validation`)
refuse to publish an entry that would not be served.
"""

from __future__ import annotations

import datetime as dt

from changai.vocabulary import DocumentStatus, FaqStatus, LegalStatus
from knowledge.book_titles import book_title
from knowledge.models import FaqEntry, PolicyDocument

EXPIRY_WARNING_DAYS = 30
_NOT_CURRENT = {LegalStatus.lapsed.value, LegalStatus.replaced.value}


def blocks_entries(document: PolicyDocument) -> bool:
    """True when no entry may rest on the document's clauses: archived, lapsed or replaced."""
    return document.status != DocumentStatus.active.value or document.legal_status in _NOT_CURRENT


def document_problem(document: PolicyDocument, today: dt.date) -> str:
    """Why a document cannot back an answer today ('' when it can).

    A time-limited document past its date still answers, saying until when it applied
    (the rule is often renewed); a lapsed or replaced one does not.
    """
    if document.status != DocumentStatus.active.value:
        return "已归档"
    if document.legal_status == LegalStatus.lapsed.value:
        return "已失效"
    if document.legal_status == LegalStatus.replaced.value:
        newer = document.replaced_by
        return f"已被{book_title(newer.title)}替代" if newer is not None else "已被替代"
    if document.effective_from is not None and document.effective_from > today:
        return f"尚未生效（{document.effective_from:%Y-%m-%d} 起施行）"
    if document.expires_on is not None and document.expires_on < today:
        return f"已过期（有效期至 {document.expires_on:%Y-%m-%d}）"
    return ""


def expires_soon(document: PolicyDocument, today: dt.date) -> bool:
    return document.expires_on is not None and today <= document.expires_on <= today + dt.timedelta(
        days=EXPIRY_WARNING_DAYS
    )


def serving_state(entry: FaqEntry, today: dt.date) -> tuple[bool, str]:
    """Whether the assistant serves the entry, and if not, why (in Chinese)."""
    if entry.status == FaqStatus.draft.value:
        return False, "草稿，待审核发布"
    if entry.status == FaqStatus.archived.value:
        return False, "已归档"
    if entry.document is None:
        return False, "未关联政策文件"
    problem = document_problem(entry.document, today)
    if problem:
        return False, f"政策文件{problem}，暂停回答"
    for clause in entry.clauses:
        if blocks_entries(clause.document):
            reason = document_problem(clause.document, today)
            return False, f"依据条款 {clause.key} 所在的文件{reason}，暂停回答"
    return True, "正在回答"
