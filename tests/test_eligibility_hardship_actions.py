"""The 困难职工 (worker in hardship) check's form actions (issue #13), on trackers built in code.

Starting it from a hardship question, each question and typed answer (also nonsense), the region
variant of the income line (青岛's self-test line for a 青岛 worker, 需要确认 elsewhere), and the
verdict card with each condition's clause and the kinds of help the causes may open. Every
phrasing is our own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from actions import eligibility_session as check_session
from actions.eligibility_form import ValidateEligibilityForm
from actions.eligibility_verdict import ActionEligibilityVerdict
from actions.policy_answer import ActionAnswerPolicy
from knowledge.eligibility_answers import UNKNOWN
from tests.support.actions import run as base_run
from tests.support.actions import slots, tickets
from tests.support.eligibility import FORM_SLOTS, ask, check_tracker, run
from tests.support.eligibility import condition_rows as rows

TODAY = dt.date(2026, 12, 2)
CHECK = "hardship_aid"
CAUSES = "elig_hardship_cause"
INCOME = "elig_household_income"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, service):
    monkeypatch.setattr(check_session, "today", lambda: TODAY)


def hardship_tracker(text: str, requested: str | None, **filled: Any):
    """A tracker inside the hardship check (or, with no requested slot, at its start)."""
    return check_tracker(CHECK, "ask_hardship_aid", text, requested, True, **filled)


# ---- starting the check ----


def test_a_hardship_question_starts_the_check_with_the_region_already_known() -> None:
    tracker = hardship_tracker("我老婆得了癌症，我能申请困难补助吗", None)
    tracker.slots.update({"eligibility_check": None, "region": "青岛"})
    events, messages = base_run(ActionAnswerPolicy(), tracker)
    assert messages == []
    assert events[-1] == {"event": "followup", "name": "eligibility_form", "timestamp": None}
    got = slots(events)
    assert got["eligibility_check"] == CHECK
    assert set(got) == {"eligibility_check", "elig_region", CAUSES}


@pytest.mark.parametrize(
    ("text", "region", "causes", "requested"),
    [
        # 青岛 has its own income line: it is asked next
        ("我在青岛，孩子上大学学费太贵，能不能算困难职工", "青岛", ["schooling"], INCOME),
        # elsewhere the knowledge base has no line: income is not asked, the verdict comes
        ("我在武汉上班，老公住院做手术，我能不能算困难职工", "武汉", ["illness"], None),
        # nothing said yet: the region is asked first
        ("我能不能算困难职工", None, None, "elig_region"),
        ("山东青岛的，够不够困难职工条件", "青岛", None, CAUSES),
    ],
)
def test_on_activation_what_the_first_message_says_is_not_asked_again(
    text: str, region: str | None, causes: list[str] | None, requested: str | None
) -> None:
    events, messages = run(ValidateEligibilityForm(), hardship_tracker(text, None))
    got = slots(events)
    assert messages == []
    assert got.get("elig_region") == region
    assert got.get(CAUSES) == causes
    assert got["requested_slot"] == requested


# ---- typed answers, each question ----


@pytest.mark.parametrize(
    ("slot", "text", "value", "filled"),
    [
        ("elig_region", "青岛", "青岛", {}),
        ("elig_region", "在青岛市黄岛区打工", "黄岛区", {}),
        ("elig_region", "云南昆明", "昆明", {}),
        ("elig_region", "不想说，跳过", UNKNOWN, {}),
        (CAUSES, "老公生病住院了", ["illness"], {}),
        (CAUSES, "孩子上大学，厂里又停发工资", ["schooling", "wages_cut"], {}),
        (CAUSES, "前年出了车祸", ["disaster"], {}),
        (CAUSES, "工伤致残", ["injury"], {}),
        (CAUSES, "被裁员了", ["laid_off"], {}),
        (CAUSES, "单亲，一个人带孩子", ["other"], {}),
        (CAUSES, "都没有", ["none"], {}),
        (CAUSES, "不清楚", UNKNOWN, {}),
        (INCOME, "不到两倍", "below_double", {"elig_region": "青岛"}),
        (INCOME, "低于低保标准", "below_line", {"elig_region": "青岛"}),
        (INCOME, "高于低保标准的2倍", "above_double", {"elig_region": "青岛"}),
        (INCOME, "算不清，不知道", UNKNOWN, {"elig_region": "青岛"}),
    ],
)
def test_typed_answers_fill_the_requested_slot(
    slot: str, text: str, value: Any, filled: dict[str, Any]
) -> None:
    events, messages = run(ValidateEligibilityForm(), hardship_tracker(text, slot, **filled))
    assert slots(events)[slot] == value
    assert slots(events)["eligibility_tries"] == {slot: 0}
    assert messages == []


@pytest.mark.parametrize(
    ("slot", "text", "filled"),
    [
        ("elig_region", "呵呵", {}),
        ("elig_region", "123", {}),
        ("elig_region", "😀", {}),
        (CAUSES, "呵呵", {"elig_region": "青岛"}),
        (CAUSES, "100", {"elig_region": "青岛"}),
        (CAUSES, "👍👍", {"elig_region": "青岛"}),
        (INCOME, "呵呵", {"elig_region": "青岛", CAUSES: ["illness"]}),
        (INCOME, "999", {"elig_region": "青岛", CAUSES: ["illness"]}),
        (INCOME, "😀", {"elig_region": "青岛", CAUSES: ["illness"]}),
    ],
)
def test_nonsense_is_asked_again_and_counted(slot: str, text: str, filled: dict[str, Any]) -> None:
    tracker = hardship_tracker(text, slot, **filled)
    tracker.slots["eligibility_tries"] = {slot: 1}
    events, _ = run(ValidateEligibilityForm(), tracker)
    got = slots(events)
    assert got[slot] is None and got["eligibility_tries"] == {slot: 2}
    assert got["requested_slot"] == slot  # the same question again, never another loop


@pytest.mark.parametrize(
    ("filled", "text", "requested", "following"),
    [
        ({}, "青岛", "elig_region", CAUSES),
        ({"elig_region": "青岛"}, "生病住院", CAUSES, INCOME),
        ({"elig_region": "武汉"}, "生病住院", CAUSES, None),  # no 武汉 line: not asked
        ({"elig_region": UNKNOWN}, "生病住院", CAUSES, None),
        ({"elig_region": "青岛", CAUSES: ["illness"]}, "不到两倍", INCOME, None),
    ],
)
def test_the_next_question_is_the_next_one_the_rules_need(
    filled: dict[str, Any], text: str, requested: str, following: str | None
) -> None:
    events, _ = run(ValidateEligibilityForm(), hardship_tracker(text, requested, **filled))
    assert slots(events)["requested_slot"] == following


# ---- the questions ----


def test_the_cause_question_has_a_button_per_cause() -> None:
    tracker = hardship_tracker("青岛", CAUSES, elig_region="青岛")
    _events, (message,) = run(ask(CAUSES), tracker)
    assert "（2/3）家里生活困难主要是什么原因" in message["text"]
    custom = message["custom"]
    assert custom["type"] == "eligibility_question" and custom["check"] == CHECK
    assert custom["topic"] == "hardship_aid" and custom["answer_kind"] == "choices"
    titles = [b["title"] for b in message["buttons"]]
    assert "本人或家人患大病、重病，手术住院" in titles and titles[-1] == "算了"


def test_the_qingdao_income_question_is_the_qingdao_line() -> None:
    tracker = hardship_tracker("生病", INCOME, elig_region="青岛", **{CAUSES: ["illness"]})
    _events, (message,) = run(ask(INCOME), tracker)
    assert "青岛市最低生活保障标准" in message["text"] and "（3/3）" in message["text"]
    assert message["custom"]["condition"] == "household_income_qingdao"


def test_after_two_failed_tries_the_question_offers_skip_and_a_person() -> None:
    tracker = hardship_tracker("😀", CAUSES, elig_region="青岛")
    tracker.slots["eligibility_tries"] = {CAUSES: 2}
    _events, (message,) = run(ask(CAUSES), tracker)
    assert "没看懂" in message["text"] and "孩子上大学" in message["text"]  # the hint
    assert [b["title"] for b in message["buttons"]][-2:] == ["跳过", "转人工"]


# ---- the verdict ----


def verdict(**values: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    tracker = hardship_tracker("不到两倍", None)
    tracker.latest_message["entities"] = []
    tracker.slots.update(values)
    events, (message,) = run(ActionEligibilityVerdict(), tracker)
    return events, message


def test_a_qingdao_worker_under_the_qingdao_line_may_apply_with_the_kinds_of_help() -> None:
    events, message = verdict(elig_region="青岛", **{CAUSES: ["illness"], INCOME: "below_double"})
    custom = message["custom"]
    assert custom["type"] == "eligibility_verdict" and custom["check"] == CHECK
    # the causes rest on the 2026 送温暖 campaign, which ended on 2026-03-03: the stored rule
    # gives 可以申请, and the worker is told to confirm this year's with the local union
    assert custom["rule_verdict"] == "eligible" and custom["verdict"] == "unknown"
    assert custom["topic"] == "hardship_aid"
    got = rows(message)
    assert list(got) == ["region", "hardship_cause", "household_income_qingdao", "union_member"]
    for row in got.values():
        assert {"key", "question", "answer", "met", "clause"} <= set(row)
        assert {"document", "number", "text"} <= set(row["clause"])
    assert (got["region"]["answer"], got["region"]["met"]) == ("青岛", True)
    cause = got["hardship_cause"]
    assert cause["met"] is True and cause["answer"] == "本人或家人患大病、重病，手术住院"
    assert "罹患重病" in cause["clause"]["text"] and "送温暖" in cause["clause"]["document"]
    income = got["household_income_qingdao"]
    assert income["met"] is True and income["answer"] == "在低保标准的1到2倍之间"
    assert income["clause"]["document"].startswith("青岛市总工会")
    assert "最低生活保障标准2倍" in income["clause"]["text"]
    helps = [(h["kind"], h["clause"]["number"]) for h in custom["helps"]]
    assert helps == [("大病救助", "帮扶项目"), ("生活救助", "帮扶项目")]
    assert "大病救助" in custom["helps"][0]["clause"]["text"]
    text = message["text"]
    assert "按库里的规定，您可以申请" in text and "执行至2026年3月3日，已到期" in text
    assert "可能适用的帮扶：大病救助" in text
    assert "请向当地工会或12351职工服务热线确认" in text and "12333" not in text
    member = got["union_member"]  # no stored rule asks membership: shown, never deciding
    assert member["met"] is None and "当地工会" in member["note"]
    assert member["asked"] is False and got["hardship_cause"]["asked"] is True  # no 您的回答 line
    assert all(v is None for k, v in slots(events).items() if k in FORM_SLOTS)


def test_the_card_sends_the_worker_to_the_union_not_an_office() -> None:
    """The last line names who has the final say: for hardship help the union, not the
    经办机构 that pays a subsidy (test_eligibility_actions keeps that one for the subsidy)."""
    _events, message = verdict(elig_region="青岛", **{CAUSES: ["illness"], INCOME: "below_double"})
    last = message["text"].splitlines()[-1]
    assert last == "以上按您的回答核对，最终以当地工会（所在单位工会或当地总工会）审核为准。"
    assert "经办机构" not in message["text"]


def test_a_worker_elsewhere_gets_to_confirm_the_income_with_who_decides() -> None:
    _events, message = verdict(elig_region="武汉", **{CAUSES: ["schooling", "wages_cut"]})
    custom = message["custom"]
    assert custom["verdict"] == "unknown"
    got = rows(message)
    assert list(got) == ["region", "hardship_cause", "household_income", "union_member"]
    income = got["household_income"]
    assert income["met"] is None and income["answer"] == ""
    assert "当地工会" in income["note"] and "12351" in income["note"]
    assert "结论：需要确认" in message["text"] and "由当地工会按当地标准认定" in message["text"]
    kinds = [h["kind"] for h in custom["helps"]]
    assert kinds == ["子女助学（金秋助学）", "生活救助"]
    assert "低保" not in income["note"]  # no figure is made up for a line the base lacks


def test_a_qingdao_worker_over_the_line_is_told_why_and_gets_no_help_list() -> None:
    _events, message = verdict(elig_region="青岛", **{CAUSES: ["illness"], INCOME: "above_double"})
    custom = message["custom"]
    assert custom["rule_verdict"] == "not_eligible" and "helps" not in custom
    assert rows(message)["household_income_qingdao"]["met"] is False
    assert (
        "原因：青岛市总工会的条件是扣除刚性支出后的家庭月人均收入低于低保标准的2倍"
        in (message["text"])
    )


@pytest.mark.parametrize(
    ("causes", "expected", "met"),
    [
        (["none"], "not_eligible", False),
        (["other"], "unknown", None),
        (["other", "disaster"], "eligible", True),
        (UNKNOWN, "unknown", None),
    ],
)
def test_the_causes_decide_the_cause_condition(causes: Any, expected: str, met: Any) -> None:
    _events, message = verdict(elig_region="青岛", **{CAUSES: causes, INCOME: "below_line"})
    assert message["custom"]["rule_verdict"] == expected
    assert rows(message)["hardship_cause"]["met"] is met


def test_a_disaster_may_open_temporary_aid_with_its_own_clause() -> None:
    _events, message = verdict(elig_region="青岛", **{CAUSES: ["disaster"], INCOME: "below_line"})
    (temporary, living) = message["custom"]["helps"]
    assert temporary["kind"] == "临时救助" and "临时性、突发性困难" in temporary["clause"]["text"]
    assert living["kind"] == "生活救助"


def test_an_unknown_region_leaves_the_income_to_the_local_union() -> None:
    _events, message = verdict(elig_region=UNKNOWN, **{CAUSES: ["illness"]})
    got = rows(message)
    assert message["custom"]["verdict"] == "unknown"
    assert got["region"]["met"] is None and "household_income" in got


def test_asking_for_a_person_hands_over_with_the_answers(service) -> None:
    tracker = hardship_tracker("转人工", None)
    tracker.latest_message["entities"] = []
    tracker.slots.update({"elig_region": "青岛", CAUSES: ["illness", "schooling"]})
    tracker.slots[INCOME] = check_session.STOPPED
    tracker.slots["eligibility_exit"] = "human"
    _events, messages = run(ActionEligibilityVerdict(), tracker)
    assert messages[-1]["custom"]["escalated"] is True
    (ticket,) = tickets(service)
    assert ticket.question.startswith("困难职工帮扶资格核对中转人工")
    assert "青岛" in ticket.question and "子女教育费用负担过重" in ticket.question


def test_a_region_answer_can_be_corrected_like_any_other() -> None:
    """刚才说错了，是X reads X with the same parser as a typed answer: places included."""
    tracker = hardship_tracker("刚才说错了，是青岛", CAUSES, elig_region="武汉")
    events, messages = run(ValidateEligibilityForm(), tracker)
    assert slots(events)["elig_region"] == "青岛"
    assert messages[0]["custom"]["type"] == "eligibility_corrected"
