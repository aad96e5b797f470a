"""The eligibility verdict card in the worker page, in a real browser at 375 px (issue #13).

A real conversation through the stack (Rasa, actions, console) like the other widget browser
tests; the card is drawn from the verdict message's ``custom`` payload.
"""

from __future__ import annotations

import pytest

from tests.servers import ROOT
from tests.support.browser import PHONE, ask, open_chat

pytestmark = [pytest.mark.servers, pytest.mark.browser]

SCREENSHOTS = ROOT / "var" / "screenshots"


BOT_ROWS = ".cg-row:not(.cg-mine):not(.cg-typing)"


def answer(page, text: str) -> None:
    """Send ``text`` and wait for the bot's reply (the next question or the card)."""
    before = page.locator(BOT_ROWS).count()
    ask(page, text)
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length > n",
        arg=[BOT_ROWS, before],
        timeout=30000,
    )


def no_horizontal_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.querySelector('.cg-log').scrollWidth") <= PHONE["width"]
    card_right = page.evaluate("document.querySelector('.cg-card').getBoundingClientRect().right")
    assert card_right <= PHONE["width"]


def test_subsidy_verdict_card_with_marks_answers_and_clauses(stack, context) -> None:
    page = open_chat(context, stack)
    for text in (
        "我在东莞交了两年社保，考了个四级电工证，能领技能提升补贴吗",
        "在厂里上班",
        "三个月前发的",
        "没领过",
    ):
        answer(page, text)
    card = page.wait_for_selector(".cg-card", timeout=30000)
    assert card.is_visible()
    assert "技能提升补贴" in page.inner_text(".cg-card-title")
    # the 2024 rule has run out: the worker is told to confirm (see test_eligibility_rest)
    assert page.inner_text(".cg-card-badge") == "需要确认"
    conditions = page.locator(".cg-condition")
    assert conditions.count() == 6
    assert page.locator(".cg-condition .cg-mark").all_inner_texts() == ["✓"] * 6
    months = conditions.nth(1)
    assert "失业保险" in months.locator(".cg-condition-question").inner_text()
    assert months.locator(".cg-condition-answer").inner_text() == "您的回答：24个月"
    # 查看原文 under a condition opens its clause: document, number and text
    clause_text = months.locator(".cg-clause-text")
    assert not clause_text.is_visible()
    months.locator(".cg-clause-open").click()
    assert clause_text.is_visible()
    assert "人社部发〔2024〕40号" in months.locator(".cg-clause-cite").inner_text()
    assert "三" in months.locator(".cg-clause-cite").inner_text()
    assert "失业保险" in months.locator(".cg-clause-body").inner_text()
    assert page.locator(".cg-quick button", has_text="转人工").count() >= 1
    no_horizontal_overflow(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-verdict-375.png"), full_page=True)


def test_level_verdict_card_shows_the_level_lines(stack, context) -> None:
    page = open_chat(context, stack)
    for text in ("我干了6年电工，能报几级", "没有", "初中"):
        answer(page, text)
    page.wait_for_selector(".cg-card", timeout=30000)
    assert page.inner_text(".cg-card-badge") == "可以申报四级/中级工"
    levels = page.locator(".cg-level").all_inner_texts()
    assert any("四级/中级工" in line and "✓" in line for line in levels), levels
    assert any("三级/高级工" in line for line in levels), levels
    first = page.locator(".cg-condition").first
    assert "累计从事本职业或相关职业工作满6年" in first.inner_text()
    assert first.locator(".cg-condition-answer").inner_text() == "您的回答：6年"
    first.locator(".cg-clause-open").click()
    assert "6年（含）以上" in first.locator(".cg-clause-body").inner_text()
    no_horizontal_overflow(page)
