import pytest
from sqlalchemy import select

from helpdesk import tickets
from helpdesk.accounts import create_user
from helpdesk.errors import InvalidAccount, UserExists
from helpdesk.models import Ticket
from knowledge import repository
from knowledge.errors import FaqNotFound, InvalidEntry
from knowledge.models import FaqEntry


def _any_entry(session):  # type: ignore[no-untyped-def]
    return session.execute(select(FaqEntry).order_by(FaqEntry.id)).scalars().first()


def test_update_bumps_version_and_records_actor(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as session:
        entry = _any_entry(session)
        updated = repository.update_faq(
            session=session, faq_id=entry.id, changes={"answer": "改过的答案"}, actor="admin1"
        )
        assert updated.version == 2 and updated.updated_by == "admin1"


def test_unchanged_update_keeps_version(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as session:
        entry = _any_entry(session)
        repository.update_faq(
            session=session, faq_id=entry.id, changes={"answer": entry.answer}, actor="x"
        )
        assert entry.version == 1


@pytest.mark.parametrize(
    "changes",
    [{"topic": "wages"}, {"status": "live"}, {"answer": "  "}, {"document_id": None}],
)
def test_invalid_changes_are_refused(session_factory, changes) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as session:
        entry = _any_entry(session)
        with pytest.raises(InvalidEntry):
            repository.update_faq(session=session, faq_id=entry.id, changes=changes, actor="x")


def test_missing_entry_is_a_domain_error(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory() as session, pytest.raises(FaqNotFound):
        repository.get_faq(session=session, faq_id=999999)


def test_document_dates_must_make_sense(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as session, pytest.raises(InvalidEntry):
        repository.upsert_document(
            session=session,
            key="bad-dates",
            values={"title": "t", "effective_from": "2025-01-01", "expires_on": "2024-01-01"},
            actor="x",
        )


def test_tickets_one_open_per_conversation(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as session:
        ticket = tickets.create_ticket(
            session=session,
            conversation_id="c1",
            reason="request_human",
            topic=None,
            region="广东",
            question="我要找人",
            case_card={"question": "我要找人", "transcript": []},
        )
        assert tickets.open_ticket_for(session=session, conversation_id="c1").id == ticket.id
        assert tickets.open_ticket_for(session=session, conversation_id="c2") is None
        assert session.get(Ticket, ticket.id).case_card["question"] == "我要找人"


def test_users_are_unique(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory.begin() as session:
        create_user(
            session=session, username="li", display_name="李", role="staff", password_hash="h"
        )
        with pytest.raises(UserExists):
            create_user(
                session=session, username="li", display_name="李", role="staff", password_hash="h"
            )
        with pytest.raises(InvalidAccount):
            create_user(
                session=session, username="wang", display_name="王", role="boss", password_hash="h"
            )


def test_passwords_are_hashed_and_verified() -> None:
    from changai.passwords import hash_password, verify_password

    stored = hash_password("correct horse battery")
    assert "correct" not in stored
    assert verify_password("correct horse battery", stored)
    assert not verify_password("wrong", stored)
    assert not verify_password("x", "garbage")
