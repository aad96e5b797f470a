"""The worker page in a real browser (Debian's Chromium driven by Playwright).

Runs against the real Rasa server, action server and console on loopback.
Writes var/screenshots/widget-375.png for review.
"""

from __future__ import annotations

import pytest

from tests.servers import ROOT
from tests.support.browser import (
    GREETING,
    PHONE,
    ask,
    conversation_id,
    open_chat,
    push_staff,
    record_dialogs,
)

pytestmark = [pytest.mark.servers, pytest.mark.browser]

SCREENSHOTS = ROOT / "var" / "screenshots"


def test_question_gets_a_cited_answer_and_a_screenshot(stack, context) -> None:
    page = open_chat(context, stack)
    ask(page, "我考了中级工证书能领多少技能提升补贴")
    source = page.wait_for_selector(".cg-source", timeout=20000)
    assert source.inner_text().startswith("来源：《")
    assert "1500" in page.locator(".cg-row:not(.cg-mine) .cg-bubble").last.inner_text()
    assert page.locator(".cg-mine .cg-state").last.inner_text() == "已送达"
    # a source with a web address links to it (the 2025 amount rule has none we could find)
    ask(page, "公租房可以转租吗")
    page.wait_for_selector(".cg-source a", timeout=20000)
    assert page.locator(".cg-source a").last.get_attribute("href").startswith("https://")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-375.png"))


def test_view_clause_text_in_the_chat(stack, context) -> None:
    """查看原文 shows the clause the answer rests on, from the answer's own payload (#12)."""
    page = open_chat(context, stack)
    ask(page, "考到高级工证书，技能提升补贴给多少")
    source = page.wait_for_selector(".cg-source", timeout=20000)
    assert "依据《" in source.inner_text() and "第三条" in source.inner_text()
    page.locator(".cg-clause-open").last.click()
    body = page.wait_for_selector(".cg-clause-body", timeout=5000)
    assert "不超过2000元" in body.inner_text()
    assert "人社部发〔2024〕40号" in page.locator(".cg-clause-cite").last.inner_text()
    assert page.locator(".cg-clause-open").last.is_disabled()


def test_a_clause_quoted_when_no_entry_fits_opens_on_view_clause_text(stack, context) -> None:
    """No entry answers 技师证怎么考; the clause of the national standard that does is quoted
    as the document's words, cited, with 转人工, and 查看原文 opens it (#12, item 3)."""
    page = open_chat(context, stack)
    ask(page, "技师证怎么考")
    source = page.wait_for_selector(".cg-source", timeout=20000)
    reply = page.locator(".cg-row:not(.cg-mine) .cg-bubble").last.inner_text()
    assert "不是我们的解读" in reply and "“二级/技师”部分的原文" in reply
    assert "国家职业技能标准通用申报条件" in source.inner_text()
    assert page.locator(".cg-quick button", has_text="转人工").count() >= 1
    page.locator(".cg-clause-open").last.click()
    body = page.wait_for_selector(".cg-clause-body", timeout=5000)
    assert body.inner_text().startswith("具备以下条件之一者，可申报二级/技师")
    assert "二级/技师" in page.locator(".cg-clause-cite").last.inner_text()


def test_quick_reply_works(stack, context) -> None:
    page = open_chat(context, stack)
    ask(page, "宿舍怎么申请")
    page.wait_for_selector(".cg-source", timeout=20000)
    page.locator(".cg-quick button", has_text="有帮助").last.click()
    page.wait_for_selector("text=谢谢您的反馈", timeout=20000)
    assert page.locator(".cg-mine .cg-bubble").last.inner_text() == "有帮助"


def test_reload_restores_the_history(stack, context) -> None:
    page = open_chat(context, stack)
    ask(page, "特级技师是什么待遇")
    page.wait_for_selector(".cg-source", timeout=20000)
    before = page.locator(".cg-bubble").all_inner_texts()
    page.reload()
    page.wait_for_selector(".cg-source", timeout=20000)
    page.wait_for_timeout(500)
    assert page.locator(".cg-bubble").all_inner_texts() == before


def test_pushed_messages_arrive_live_and_after_reopening(stack, context) -> None:
    page = open_chat(context, stack)
    cid = conversation_id(page)
    push_staff(stack, cid, "您好，我是工会王老师，已经看到您的问题。")
    page.wait_for_selector("text=我是工会王老师", timeout=5000)
    assert page.locator(".cg-name", has_text="王老师").count() == 1
    page.close()
    push_staff(stack, cid, "第一条：离线时发的。")
    push_staff(stack, cid, "第二条：也是离线时发的。")
    page = context.new_page()
    page.goto(stack.console_url + "/")
    page.wait_for_selector("text=第二条：也是离线时发的。", timeout=10000)
    page.wait_for_timeout(1500)
    texts = page.locator(".cg-bubble").all_inner_texts()
    assert texts.count("第一条：离线时发的。") == 1 and texts.count("第二条：也是离线时发的。") == 1
    assert texts.index("第一条：离线时发的。") < texts.index("第二条：也是离线时发的。")


def test_input_method_composition_does_not_send_early(stack, context) -> None:
    page = open_chat(context, stack)
    page.fill("#cg-input", "ji neng")
    page.dispatch_event("#cg-input", "compositionstart", {"data": ""})
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.locator(".cg-mine").count() == 0
    assert page.input_value("#cg-input") != ""
    page.fill("#cg-input", "技能提升补贴怎么申请")
    page.dispatch_event("#cg-input", "compositionend", {"data": "技能"})
    page.wait_for_timeout(100)
    page.keyboard.press("Enter")
    page.wait_for_selector(".cg-mine", timeout=5000)
    assert page.locator(".cg-mine .cg-bubble").last.inner_text() == "技能提升补贴怎么申请"


def test_html_in_a_reply_is_shown_as_text(stack, context) -> None:
    page = open_chat(context, stack)
    dialogs: list[str] = []
    record_dialogs(page, dialogs)
    payload = "<img src=x onerror=alert(1)>"
    push_staff(stack, conversation_id(page), payload)
    page.wait_for_selector(f"text={payload}", timeout=5000)
    page.wait_for_timeout(300)
    assert page.locator(".cg-log img").count() == 0
    assert dialogs == []


def test_phone_layout_has_no_horizontal_scroll(stack, context) -> None:
    page = open_chat(context, stack)
    ask(page, "我想问一下" + "非常长的问题" * 30)
    page.wait_for_timeout(1500)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.querySelector('.cg-log').scrollWidth") <= PHONE["width"]


def test_large_text_switch_is_remembered(stack, context) -> None:
    page = open_chat(context, stack)
    page.click(".cg-size")
    assert page.get_attribute(".cg-size", "aria-pressed") == "true"
    page.reload()
    page.wait_for_selector(".cg-root.cg-large", timeout=10000)


def test_one_script_tag_embeds_a_launcher_and_chat(stack, context) -> None:
    page = context.new_page()
    page.goto(stack.console_url + "/static/embed-demo.html")
    page.wait_for_selector(".cg-launcher", timeout=10000)
    assert page.is_visible("h1")  # the host page is not covered
    assert not page.is_visible(".cg-root")
    page.click(".cg-launcher")
    page.wait_for_selector(GREETING, timeout=20000)
    ask(page, "宿舍怎么申请")
    page.wait_for_selector(".cg-source", timeout=20000)
    page.click(".cg-close")
    assert not page.is_visible(".cg-root")


def test_failed_send_keeps_the_text_and_retries(stack, context) -> None:
    page = open_chat(context, stack)
    failures = {"left": 1}

    def flaky(route):
        if route.request.method == "POST" and failures["left"] > 0:
            failures["left"] -= 1
            route.abort()
        else:
            route.continue_()

    page.route("**/api/widget/conversations/*/messages", flaky)
    ask(page, "困难职工怎么认定")
    page.wait_for_selector(".cg-state button", timeout=5000)
    assert "发送失败" in page.locator(".cg-mine .cg-state").last.inner_text()
    page.click(".cg-state button")
    page.wait_for_selector(".cg-source", timeout=20000)
    assert page.locator(".cg-mine .cg-state").last.inner_text() == "已送达"
    assert page.locator(".cg-mine .cg-bubble").all_inner_texts().count("困难职工怎么认定") == 1


def test_queue_staff_and_closing_banners_and_the_rating_prompt(stack, context) -> None:
    page = open_chat(context, stack)
    cid = conversation_id(page)
    push_staff(stack, cid, "已为您转接工会工作人员，请稍候。", {"type": "queue", "position": 2})
    page.wait_for_selector("text=排队中（前面还有 2 人）", timeout=5000)
    push_staff(stack, cid, "您好，我来帮您看看。", {"type": "staff_joined", "staff_name": "李芳"})
    page.wait_for_selector("text=工作人员 李芳 已接入", timeout=5000)
    assert not page.is_visible("text=排队中（前面还有 2 人）")
    push_staff(stack, cid, "本次服务到这里，请为我们打分。", {"type": "handoff_closed"})
    page.wait_for_selector("text=人工服务已结束", timeout=5000)
    stars = page.locator(".cg-stars button")
    assert stars.all_inner_texts() == ["1分", "2分", "3分", "4分", "5分"]


def test_escalating_in_the_page_shows_the_queue_banner(stack, context) -> None:
    page = open_chat(context, stack)
    ask(page, "我要转人工")
    banner = page.wait_for_selector("text=/排队中（前面还有 \\d+ 人）/", timeout=20000)
    ahead = int(banner.inner_text().split("前面还有 ")[1].split(" 人")[0])
    reply = page.locator(".cg-row:not(.cg-mine) .cg-bubble", has_text="工单号").last.inner_text()
    assert ("您是下一位" if ahead == 0 else f"您前面还有 {ahead} 位职工在等待") in reply
    # the answer may arrive over SSE before the POST returns: no typing dots after it
    page.wait_for_timeout(500)
    assert page.locator(".cg-typing").count() == 0
