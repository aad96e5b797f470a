"""Questions the assistant could not answer, for the admin's 未答问题 page.

The message that tells the worker carries the row as ``custom.unanswered``
(``changai.payloads.unanswered_note``). In production the broker's consumer (``analytics/``)
stores it from Rasa's published event; elsewhere (no broker) the action stores it here.
"""

from __future__ import annotations

from typing import Any

from knowledge import repository
from knowledge.service import KnowledgeService


def keep(service: KnowledgeService, conversation_id: str, note: dict[str, Any]) -> None:
    """Store ``note`` unless the broker's consumer does (``Settings.unanswered_from_broker``)."""
    if service.settings.unanswered_from_broker:
        return
    with service.transaction() as session:
        repository.record_unanswered(session=session, conversation_id=conversation_id, **note)
