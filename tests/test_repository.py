"""Repository reads, tickets and accounts. FAQ and document saves: tests/test_catalogue_saves.py."""

import pytest

from helpdesk import tickets
from helpdesk.accounts import create_user
from helpdesk.errors import InvalidAccount, UserExists
from helpdesk.models import Ticket
from knowledge import repository
from knowledge.errors import FaqNotFound


def test_missing_entry_is_a_domain_error(session_factory) -> None:
    with session_factory() as session, pytest.raises(FaqNotFound):
        repository.get_faq(session=session, faq_id=999999)


def test_tickets_one_open_per_conversation(session_factory) -> None:
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


def test_users_are_unique(session_factory) -> None:
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
