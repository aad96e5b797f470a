"""Finding 5: ID-card, bank-card and phone numbers, however spelt, are masked wherever staff
or admins see worker text: desk queue, ticket, case card, unanswered questions, the review
queue and FAQ drafts."""

from __future__ import annotations

import datetime as dt

import pytest
from aiohttp.test_utils import TestClient

from helpdesk import tickets
from knowledge.models import UnansweredQuestion
from knowledge.text_normalise import find_mobile, mask_personal_numbers
from tests.support.console import admin_csrf, console_settings, create_accounts, csrf_of, login, run

SPELLINGS = {
    "139.8765.4321": "139****4321",
    "139 8765 4321": "139****4321",
    "139-8765-4321": "139****4321",
    "139·8765·4321": "139****4321",
    "+86 139 8765 4321": "139****4321",
    "１３９８７６５４３２１": "139****4321",
    "13987654321": "139****4321",
    "11010119900307123X": "1101**********123X",
    "110101 19900307 123x": "1101**********123x",
    "110101199003071234": "1101**********1234",
    "6222 0212 3456 7890 123": "6222***********0123",
    "6222-0212-3456-7890": "6222********7890",
    "6222021234567890": "6222********7890",
}
# What each secret looks like once separators are gone, to look for in any response.
RAW = ["13987654321", "11010119900307123", "6222021234567890"]
QUESTION = "我的电话139.8765.4321，身份证110101 19900307 123X，工资卡6222 0212 3456 7890 123"


@pytest.mark.parametrize(("spelling", "masked"), SPELLINGS.items())
def test_every_common_spelling_is_masked(spelling: str, masked: str) -> None:
    assert mask_personal_numbers(f"号码{spelling}。") == f"号码{masked}。"


@pytest.mark.parametrize("text", ["补贴1500元", "2023.10.15", "1999.12.31 1234", "第12条"])
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask_personal_numbers(text) == text


def test_a_spaced_id_number_is_not_a_phone_number() -> None:
    assert find_mobile("身份证 110101 19900307 123x") is None
    assert find_mobile("电话 139.8765.4321") == "13987654321"


def digits_only(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


@pytest.fixture()
def console(session_factory, database_url):
    with session_factory.begin() as session:
        li = create_accounts(session, ("li", "staff"), ("boss", "admin"))["li"]
        ticket = tickets.create_ticket(
            session=session,
            conversation_id="c" * 22,
            reason="out_of_scope",
            topic="dormitory",
            region="广东",
            question=QUESTION,
            case_card={"question": QUESTION, "transcript": [{"role": "worker", "text": QUESTION}]},
        )
        ticket.status, ticket.claimed_by = "closed", li.id
        session.add(
            UnansweredQuestion(
                conversation_id="c" * 22,
                reason="low_score",
                question=QUESTION,
                topic="dormitory",
                region="广东",
                created_at=dt.datetime.utcnow(),
            )
        )
    return console_settings(database_url)


def test_staff_and_admins_never_see_the_numbers(console) -> None:
    async def scenario(client: TestClient) -> None:
        await login(client, "li")
        headers = {"X-CSRF-Token": await csrf_of(client)}
        seen = [await (await client.get("/desk/api/tickets/1")).text()]
        draft = await client.post(
            "/desk/api/tickets/1/faq-draft",
            json={"answer": "向宿舍管理处申请。", "topic": "dormitory"},
            headers=headers,
        )
        assert draft.status == 200
        client.session.cookie_jar.clear()
        await login(client, "boss")
        await admin_csrf(client)
        faq_id = (await draft.json())["faq_id"]
        for path in ("/admin/review", "/admin/unanswered", f"/admin/entries/{faq_id}"):
            page = await client.get(path)
            assert page.status == 200, path
            seen.append(await page.text())
        assert all("139****4321" in body for body in seen)  # shown, masked
        for body in seen:
            flat = digits_only(body)
            for secret in RAW:
                assert secret not in flat, secret

    run(console, scenario)
