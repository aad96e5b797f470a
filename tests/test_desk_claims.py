"""Claiming is atomic: of 50 simultaneous claims exactly one wins, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from changai.passwords import hash_password
from helpdesk import tickets
from helpdesk.accounts import create_user
from helpdesk.errors import AlreadyClaimed
from tests.support.tickets import open_ticket

CLAIMERS = 50


def prepare(url: str):
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    password = hash_password("not-used-here")
    with factory.begin() as session:
        users = [
            create_user(
                session=session,
                username=f"staff{i}",
                display_name=f"同事{i}",
                role="staff",
                password_hash=password,
            ).id
            for i in range(CLAIMERS)
        ]
        ticket = open_ticket(
            session, conversation_id="c-claim", reason="request_human", question="找人"
        ).id
    return engine, factory, users, ticket


def race(factory, users: list[int], ticket: int) -> tuple[list[int], list[str]]:
    barrier = threading.Barrier(len(users))
    winners: list[int] = []
    losers: list[str] = []
    lock = threading.Lock()

    def attempt(user_id: int) -> None:
        barrier.wait()
        try:
            with factory.begin() as session:
                tickets.claim(session=session, ticket_id=ticket, user_id=user_id)
            with lock:
                winners.append(user_id)
        except AlreadyClaimed as taken:
            with lock:
                losers.append(taken.claimed_by)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return winners, losers


def check(url: str) -> None:
    engine, factory, users, ticket = prepare(url)
    try:
        winners, losers = race(factory, users, ticket)
        assert len(winners) == 1 and len(losers) == CLAIMERS - 1
        winner_name = f"同事{users.index(winners[0])}"
        assert set(losers) == {winner_name}
        with factory() as session:
            assert tickets.get_ticket(session=session, ticket_id=ticket).claimed_by == winners[0]
    finally:
        engine.dispose()


def test_fifty_claims_one_winner_sqlite(tmp_path) -> None:
    check(f"sqlite:///{tmp_path / 'claims.db'}")


@pytest.mark.postgres
def test_fifty_claims_one_winner_postgres(postgres_url: str) -> None:
    check(postgres_url)
