"""The desk's labels live once, in changai/vocabulary.py: the queue API carries them and no
static script holds a copy (issue #10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from changai import vocabulary
from changai.settings import Settings
from tests.support.console import console_settings, create_accounts, login, run
from tests.support.tickets import open_ticket

STATIC = Path(__file__).resolve().parent.parent / "connectors" / "console" / "static"


def vocabulary_labels() -> set[str]:
    """Every label of every ``*_LABELS`` table in the vocabulary."""
    return {
        label
        for name, table in vars(vocabulary).items()
        if name.endswith("_LABELS") and isinstance(table, dict)
        for label in table.values()
    }


# A JavaScript string literal in double or single quotes (the scripts use no template strings).
STRING_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')


def labels_in(source: str, labels: set[str]) -> set[str]:
    """The labels that stand as a whole string literal, as in a copied table of them
    (a longer message that merely contains a label's word is not a copy)."""
    literals = {a or b for a, b in STRING_LITERAL.findall(source)}
    return labels & literals


# A button's caption that is the same word as a label, not a copy of the table: the queue's
# 接手 button (claim) reads like the ticket log's 接手 line.
CAPTIONS = {("desk.js", "接手")}


def test_the_scan_finds_a_copied_label() -> None:
    labels = vocabulary_labels()
    copied = 'var L = { training_subsidy: "培训补贴", x: \'要求人工\' }; say("已存为FAQ草稿");'
    assert labels_in(copied, labels) == {"培训补贴", "要求人工"}


def test_no_static_script_copies_a_vocabulary_label() -> None:
    labels = vocabulary_labels()
    assert set(vocabulary.TOPIC_LABELS.values()) | {"要求人工", "等待中", "查看号码"} <= labels
    scripts = sorted(STATIC.glob("*.js"))
    assert scripts, STATIC
    copies = {
        path.name: sorted(found)
        for path in scripts
        if (
            found := {
                label
                for label in labels_in(path.read_text(encoding="utf-8"), labels)
                if (path.name, label) not in CAPTIONS
            }
        )
    }
    assert copies == {}


@pytest.fixture()
def console(session_factory, database_url) -> Settings:
    with session_factory.begin() as session:
        create_accounts(session, ("li", "staff"))
        for topic, reason in (("training_subsidy", "out_of_scope"), (None, "no_specific_rule")):
            open_ticket(
                session,
                conversation_id=f"labels-{reason}",
                reason=reason,
                topic=topic,
                region="广东",
                question="问题",
            )
    return console_settings(database_url)


def test_the_queue_api_carries_the_vocabulary_labels(console: Settings) -> None:
    async def scenario(client: TestClient) -> list[dict]:
        await login(client, "li")
        response = await client.get("/desk/api/queue")
        assert response.status == 200
        return list((await response.json())["tickets"])

    items = {item["reason"]: item for item in run(console, scenario)}
    assert items["out_of_scope"]["topic_label"] == vocabulary.TOPIC_LABELS["training_subsidy"]
    assert items["out_of_scope"]["reason_label"] == "超出范围"
    assert items["no_specific_rule"]["topic_label"] is None  # the page shows 未分类
    assert items["no_specific_rule"]["reason_label"] == "没有具体规定"


def test_the_ticket_api_carries_status_and_log_labels(console: Settings) -> None:
    async def scenario(client: TestClient) -> dict:
        await login(client, "li")
        page = await client.get("/desk")
        token = re.search(r'name="csrf-token" content="([^"]+)"', await page.text())
        assert token is not None
        headers = {"X-CSRF-Token": token.group(1)}
        claimed = await client.post("/desk/api/tickets/1/claim", headers=headers)
        assert claimed.status == 200
        noted = await client.post(
            "/desk/api/tickets/1/note", json={"text": "已电话联系"}, headers=headers
        )
        assert noted.status == 200
        response = await client.get("/desk/api/tickets/1")
        assert response.status == 200
        return dict(await response.json())

    ticket = run(console, scenario)
    assert ticket["status_label"] == vocabulary.TICKET_STATUS_LABELS["claimed"]
    assert [(e["kind"], e["kind_label"]) for e in ticket["log"]] == [
        ("note", vocabulary.TICKET_ENTRY_LABELS["note"])
    ]
