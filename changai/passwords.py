"""Password rules and hashing for console accounts (scrypt from the standard library).

A password must be 10 to 72 characters (said up front, so one that could never be typed
into the log-in form is refused when it is set) and strong by zxcvbn's estimate (score 3 of
4: "safely unguessable"), with the account's name and display name counted as known words.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 72  # zxcvbn's own limit (its matching is slow beyond it)
MIN_STRENGTH = 3  # zxcvbn's score, 0-4
TOO_GUESSABLE = (
    "密码太容易猜到：请用几个不相关的词、数字和符号组合，不要用重复字符、键盘顺序或账号名"
)
PASSWORD_RULE = f"密码要 {MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} 个字符，而且不容易猜到"


def password_problem(password: str, *, known: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` may not be used (Chinese), or None. ``known``: the account's names."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_CHARS:
        return f"密码太短：至少 {MIN_PASSWORD_CHARS} 个字符"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"密码太长：最多 {MAX_PASSWORD_CHARS} 个字符"
    known_words = [k for k in known if k]
    if zxcvbn(password, known_words, MAX_PASSWORD_CHARS)["score"] < MIN_STRENGTH:
        return (
            "密码太容易猜到：请用几个不相关的词、数字和符号组合，不要用重复字符、键盘顺序或账号名"
        )
    return None


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    encoded_salt = base64.b64encode(salt).decode()
    return f"scrypt${_N}${_R}${_P}${encoded_salt}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt_b64),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=32,
    )
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))
