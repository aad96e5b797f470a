"""A safe first step, cited, while an out-of-scope emergency waits for staff (issue 11, point 7)."""

from __future__ import annotations

import pytest

from actions.escalation import ActionEscalate
from knowledge.first_steps import first_step_for, first_steps, load_first_steps
from tests.support.actions import run
from tests.trackers import make_tracker


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("在车间搬货把腰砸伤了 厂里不管", "work_injury"),
        ("干活时手指被机器夹断了", "work_injury"),
        ("得了尘肺 算不算职业病", "work_injury"),
        ("老板三个月没发工资了", "wage_arrears"),
        ("工地干完了工钱一直拖着不结", "wage_arrears"),
        ("经理让我写辞职信 不写就不给活干", "dismissal"),
        ("公司突然把我辞退了 一分钱补偿没有", "dismissal"),
        ("加班费按几倍算", None),
        ("公积金怎么提取", None),
    ],
)
def test_the_emergency_is_detected_from_the_message(question: str, key: str | None) -> None:
    step = first_step_for(question)
    assert (step.key if step else None) == key


def test_every_step_cites_an_official_article() -> None:
    steps = first_steps()
    assert {s.key for s in steps} == {"work_injury", "wage_arrears", "dismissal"}
    for step in steps:
        assert step.url.startswith("https://www.gov.cn/")
        assert step.article.startswith("第") and "条" in step.article
        assert step.quote and step.law
        assert f"《{step.law}》{step.article}：“{step.quote}”" in step.text()
    injury = next(s for s in steps if s.key == "work_injury")
    assert injury.law == "工伤保险条例" and "1年内" in injury.quote and "1年内" in injury.step
    dismissal = next(s for s in steps if s.key == "dismissal")
    assert "时效期间为一年" in dismissal.quote and "不要在辞职信" in dismissal.step


def test_a_source_off_gov_cn_is_refused(tmp_path) -> None:
    path = tmp_path / "steps.yml"
    path.write_text(
        "steps:\n- {key: x, title: x, patterns: [x], step: x, law: x, article: 第一条, quote: x,"
        " url: 'https://example.com/law'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="official"):
        load_first_steps(path)


def test_out_of_scope_hand_off_gives_the_step_besides_the_queue(service) -> None:
    tracker = make_tracker("包工头欠了我们半年的工钱 人也联系不上", "out_of_scope")
    _events, [message] = run(ActionEscalate(), tracker)
    custom = message["custom"]
    assert custom["escalated"] is True and custom["first_step"]["key"] == "wage_arrears"
    assert "工单号" in message["text"] and "12333" in message["text"]
    assert "《中华人民共和国劳动争议调解仲裁法》第九条" in message["text"]


def test_other_hand_offs_get_no_step(service) -> None:
    _events, [message] = run(ActionEscalate(), make_tracker("公积金怎么提取", "out_of_scope"))
    assert message["custom"]["first_step"] is None and "依据：" not in message["text"]
    _events, [message] = run(
        ActionEscalate(), make_tracker("转人工", "request_human", sender_id="w-2")
    )
    assert message["custom"]["first_step"] is None
