"""A worker corrects an earlier answer in a running check (issue #13): 刚才说错了，是X changes
the latest answer X answers; 改一下 alone goes back to the previous question. Trackers built
in code; the form's validation action as the action server runs it."""

from __future__ import annotations

import datetime as dt

import pytest

from actions import eligibility_session as check_session
from actions.eligibility_form import ValidateEligibilityForm
from knowledge.eligibility_answers import correction
from tests.support.actions import slots
from tests.support.eligibility import form_tracker, run

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, service):
    monkeypatch.setattr(check_session, "today", lambda: TODAY)


@pytest.mark.parametrize(
    ("text", "instead"),
    [
        ("刚才说错了，是8个月", "8个月"),
        ("我说错了 应该是四级", "四级"),
        ("不对，搞错了：领过", "领过"),
        ("改一下，改成一年半", "一年半"),
        ("改一下", ""),
        ("在厂里上班", None),
        ("两年", None),
    ],
)
def test_corrections_in_the_workers_words(text: str, instead: str | None) -> None:
    assert correction(text) == instead


def test_a_correction_with_a_value_changes_that_answer_and_asks_the_current_question_again() -> (
    None
):
    tracker = form_tracker(
        "刚才说错了，是8个月",
        "elig_certificate_date",
        elig_worker_status="enterprise",
        elig_insurance_months=24,
        elig_certificate_kind="level_certificate",
        elig_certificate_level="中级工",
    )
    events, messages = run(ValidateEligibilityForm(), tracker)
    got = slots(events)
    assert got["elig_insurance_months"] == 8
    assert "elig_certificate_date" not in got or got["elig_certificate_date"] is None
    assert got.get("requested_slot") == "elig_certificate_date"
    [said] = messages
    assert said["custom"]["type"] == "eligibility_corrected"
    assert said["custom"]["condition"] == "insurance_months" and "8个月" in said["text"]


def test_a_level_correction_finds_the_level_question() -> None:
    tracker = form_tracker(
        "我说错了 应该是高级",
        "elig_certificate_date",
        elig_worker_status="enterprise",
        elig_insurance_months=24,
        elig_certificate_kind="level_certificate",
        elig_certificate_level="中级工",
    )
    events, _messages = run(ValidateEligibilityForm(), tracker)
    assert slots(events)["elig_certificate_level"] == "高级工"


def test_change_without_a_value_goes_back_to_the_previous_question() -> None:
    tracker = form_tracker(
        "改一下",
        "elig_certificate_kind",
        elig_worker_status="enterprise",
        elig_insurance_months=24,
    )
    events, messages = run(ValidateEligibilityForm(), tracker)
    got = slots(events)
    assert got["elig_insurance_months"] is None
    assert got["requested_slot"] == "elig_insurance_months"
    assert messages[0]["custom"]["condition"] == "insurance_months"


def test_a_correction_before_any_answer_asks_the_question_again() -> None:
    events, messages = run(ValidateEligibilityForm(), form_tracker("改一下", "elig_worker_status"))
    assert messages == []
    assert slots(events)["requested_slot"] == "elig_worker_status"
