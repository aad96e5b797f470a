"""Staff and admin accounts and their console sessions.

A session row holds the user, its expiry and its CSRF token; the console's cookie carries only
a random token, and the row's id is that token's SHA-256, so the database (a backup, a copy
of the SQLite file) holds nothing that could be used as a cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from changai.db import utcnow
from changai.passwords import hash_password, verify_password
from changai.vocabulary import ROLES
from helpdesk.errors import InvalidAccount, UserExists
from helpdesk.models import StaffSession, User

SESSION_HOURS = 12
# Checked when the name is unknown, so that a failure takes as long either way.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


def session_key(token: str) -> str:
    """The session row's id for the cookie's ``token`` (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    role: str
    csrf_token: str
    session_id: str


def create_user(
    *, session: Session, username: str, display_name: str, role: str, password_hash: str
) -> User:
    if role not in ROLES:
        raise InvalidAccount(f"unknown role {role!r}")
    if not username.strip():
        raise InvalidAccount("username is required")
    if get_user(session=session, username=username) is not None:
        raise UserExists(username)
    user = User(
        username=username, display_name=display_name, role=role, password_hash=password_hash
    )
    session.add(user)
    session.flush()
    return user


def get_user(*, session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def authenticate(sessions: sessionmaker, username: str, password: str) -> CurrentUser | None:
    """Check the password and open a session; None for every kind of failure."""
    with sessions.begin() as session:
        user = get_user(session=session, username=username)
        stored = user.password_hash if user is not None else _DUMMY_HASH
        if not verify_password(password, stored) or user is None or not user.active:
            return None
        token = secrets.token_urlsafe(32)
        row = StaffSession(
            id=session_key(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=utcnow() + dt.timedelta(hours=SESSION_HOURS),
        )
        session.add(row)
        session.flush()
        return CurrentUser(
            user.id, user.username, user.display_name, user.role, row.csrf_token, token
        )


def load_session(sessions: sessionmaker, session_id: str) -> CurrentUser | None:
    """The signed-in user for the cookie's token ``session_id``, or None."""
    if len(session_id) > 128:
        return None
    with sessions() as session:
        row = session.get(StaffSession, session_key(session_id))
        if row is None or row.expires_at < utcnow() or not row.user.active:
            return None
        user = row.user
        return CurrentUser(
            user.id, user.username, user.display_name, user.role, row.csrf_token, session_id
        )


def _known(session: Session, username: str) -> User:
    user = get_user(session=session, username=username)
    if user is None:
        raise InvalidAccount(f"no user {username!r}")
    return user


def end_sessions(*, session: Session, user_id: int) -> int:
    """End every console session of the user; how many there were."""
    result = session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
    return int(result.rowcount or 0)


def set_password(*, session: Session, username: str, password_hash: str) -> User:
    """A new password; the account's open sessions end (``InvalidAccount``: no such user)."""
    user = _known(session, username)
    user.password_hash = password_hash
    end_sessions(session=session, user_id=user.id)
    return user


def disable_user(*, session: Session, username: str) -> int:
    """The account can no longer log in and its open sessions end; how many ended."""
    user = _known(session, username)
    user.active = False
    return end_sessions(session=session, user_id=user.id)


def end_session(sessions: sessionmaker, session_id: str) -> None:
    with sessions.begin() as session:
        row = session.get(StaffSession, session_key(session_id))
        if row is not None:
            session.delete(row)
