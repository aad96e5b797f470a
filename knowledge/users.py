"""Repository functions for console accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.errors import InvalidEntry, UserExists
from knowledge.models import User

ROLES = ("staff", "admin")


def create_user(
    *, session: Session, username: str, display_name: str, role: str, password_hash: str
) -> User:
    if role not in ROLES:
        raise InvalidEntry(f"unknown role {role!r}")
    if not username.strip():
        raise InvalidEntry("username is required")
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
