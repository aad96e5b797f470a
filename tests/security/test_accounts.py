"""Finding 11: passwords are checked for strength (zxcvbn) with an upper limit said up front,
and `changai user passwd` / `changai user disable` exist; both end the account's sessions."""

from __future__ import annotations

import io

import pytest
from aiohttp.test_utils import TestClient

from changai.cli import main
from changai.passwords import MAX_PASSWORD_CHARS, password_problem
from changai.settings import Settings
from tests.support.console import console_settings, login, run

STRONG = "violet-harbour-93-kettle"
NEWER = "amber-quarry-71-lantern"


@pytest.mark.parametrize(
    "weak", ["aaaaaaaaaa", "1234567890", "qwertyuiop", "password123", "li12345678", "short"]
)
def test_weak_passwords_are_refused(weak: str) -> None:
    assert password_problem(weak, known=("li", "李芳")) is not None


def test_the_upper_limit_is_said_and_enforced() -> None:
    assert password_problem(STRONG) is None
    longest = (STRONG + "-" + NEWER + "-sable-orchid-58-tundra-copper-fjord")[:MAX_PASSWORD_CHARS]
    assert len(longest) == MAX_PASSWORD_CHARS and password_problem(longest) is None
    problem = password_problem(longest + "x")
    assert problem is not None and str(MAX_PASSWORD_CHARS) in problem


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))


@pytest.fixture()
def accounts_db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", database_url)
    stdin(monkeypatch, "aaaaaaaaaa")
    assert main(["user", "add", "li", "--role", "staff", "--password-stdin"]) == 2
    stdin(monkeypatch, STRONG)
    assert main(["user", "add", "li", "--role", "staff", "--password-stdin"]) == 0
    return console_settings(database_url)


def test_passwd_changes_the_password_and_ends_sessions(
    accounts_db: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario(client: TestClient) -> None:
        assert (await login(client, "li", STRONG)).status == 302
        assert (await client.get("/desk/api/queue")).status == 200
        stdin(monkeypatch, "li-li-li-li-li")
        assert main(["user", "passwd", "li", "--password-stdin"]) == 2  # weak: unchanged
        assert (await client.get("/desk/api/queue")).status == 200
        stdin(monkeypatch, NEWER)
        assert main(["user", "passwd", "li", "--password-stdin"]) == 0
        assert (await client.get("/desk/api/queue")).status == 401  # the session ended
        client.session.cookie_jar.clear()
        assert (await login(client, "li", STRONG)).status == 401
        assert (await login(client, "li", NEWER)).status == 302

    run(accounts_db, scenario)
    assert main(["user", "passwd", "nobody", "--password-stdin"]) == 2


def test_disable_ends_sessions_and_log_ins(accounts_db: Settings) -> None:
    async def scenario(client: TestClient) -> None:
        assert (await login(client, "li", STRONG)).status == 302
        assert main(["user", "disable", "li"]) == 0
        assert (await client.get("/desk/api/queue")).status == 401
        client.session.cookie_jar.clear()
        assert (await login(client, "li", STRONG)).status == 401

    run(accounts_db, scenario)
    assert main(["user", "disable", "nobody"]) == 2
