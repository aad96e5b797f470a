"""Helpers for tests that act as union staff against a running stack."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import aiohttp

from changai.db import make_engine, make_session_factory

T = TypeVar("T")
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_PAGE_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def in_database(stack: Any, work: Callable[[Any], T]) -> T:
    """Run ``work(session)`` in one transaction on the stack's database."""
    engine = make_engine(stack.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            return work(session)
    finally:
        engine.dispose()


def ensure_account(stack: Any, username: str, display_name: str, role: str, password: str) -> None:
    """The account on the stack's database, created unless it exists already."""
    from changai.passwords import hash_password
    from helpdesk.accounts import create_user, get_user

    def work(session: Any) -> None:
        if get_user(session=session, username=username) is None:
            create_user(
                session=session,
                username=username,
                display_name=display_name,
                role=role,
                password_hash=hash_password(password),
            )

    in_database(stack, work)


def ticket_of(stack: Any, conversation_id: str) -> int:
    """The id of the conversation's latest ticket (the desk never shows conversation ids)."""
    from helpdesk.models import Ticket

    def work(session: Any) -> int:
        ticket = (
            session.query(Ticket)
            .filter(Ticket.conversation_id == conversation_id)
            .order_by(Ticket.id.desc())
            .first()
        )
        return int(ticket.id)

    return in_database(stack, work)


async def log_in(
    console_url: str, http: aiohttp.ClientSession, username: str, password: str
) -> str:
    """Log in through the form, as a browser would; returns the session's CSRF token."""
    form = await (await http.get(f"{console_url}/login")).text()
    await http.post(
        f"{console_url}/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": _FORM_TOKEN.search(form).group(1),
        },
    )
    page = await (await http.get(f"{console_url}/desk")).text()
    return _PAGE_TOKEN.search(page).group(1)


async def desk_post(
    stack: Any,
    staff: aiohttp.ClientSession,
    ticket: int,
    action: str,
    csrf: str,
    body: dict[str, Any] | None = None,
) -> aiohttp.ClientResponse:
    """A desk action on ``ticket`` (claim, reply, note, close, faq-draft) as logged-in staff."""
    return await staff.post(
        f"{stack.console_url}/desk/api/tickets/{ticket}/{action}",
        headers={"X-CSRF-Token": csrf},
        json=body,
    )
