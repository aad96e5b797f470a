"""Whether a message asks "can I claim it?" about a subsidy that has an eligibility check.

Deterministic cue patterns, not a trained intent: the NLU component
``rasa_project.components.eligibility_cue`` adds a ``check`` entity only when a message
both asks about the worker's own eligibility (能不能领, 我符合条件吗, 够不够格 …) and names
the 技能提升补贴 (or a certificate and a subsidy), or asks which skill level the worker may
apply for (我能报几级, 我能考高级工吗, 够不够格报技师), or whether the worker counts as a
困难职工 / may apply for hardship help (我能不能算困难职工, 我这情况能申请帮扶吗). Every other
question keeps the intent DIET gave it, so the ordinary answer path is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

SKILL_SUBSIDY_CHECK = "skill_upgrade_subsidy"
SKILL_LEVEL_CHECK = "skill_level_next"
HARDSHIP_CHECK = "hardship_aid"
# The topic intent a check's question keeps: the answer action starts the form when the
# message carries a ``check`` entity (a new intent would change DIET's label vocabulary).
CHECK_INTENTS = {
    SKILL_SUBSIDY_CHECK: "ask_training_subsidy",
    SKILL_LEVEL_CHECK: "ask_skill_grading",
    HARDSHIP_CHECK: "ask_hardship_aid",
}

_ASKS_ELIGIBILITY = re.compile(
    r"(能不能|可不可以|能否|是否能|是否可以)(领|申请|申领|拿|享受|办)"
    r"|(能|可以|可不可以)(领|申请|申领|拿到?|享受)[^多几少什怎哪回次遍]{0,14}(吗|么|嘛|不)[？?。!！]*$"
    r"|符合.{0,10}条件(吗|么|不)|符不符合|够不够(格|条件)|够格(吗|么|不)|够条件(吗|么|不)"
    r"|有没有(资格|份)|有资格(吗|么|不)|算不算符合"
)
_SKILL_SUBSIDY_WORDS = ("技能提升", "考证补贴", "证书补贴", "技能补贴", "技能补助", "提升补贴")
_CERTIFICATE = re.compile(r"证书?|[一二三四五1-5]级")
_SUBSIDY = re.compile(r"补贴|补助")
_OTHER_SUBSIDIES = ("职业培训补贴", "培训补贴", "以工代训")


# "Which level may I apply for?": 我能报几级, 我能考高级工吗, 够不够格报技师, 能不能申报二级.
_LEVEL_WORDS = r"(几级|哪一?级|什么级|什么等级|哪个等级|[一二三四五1-5]级|初级|中级|高级|技师)"
_ASKS_LEVEL = re.compile(
    r"(?<![才就])(能|可以|可不可以|能不能|能否|够不够格|够格|有没有资格|有资格|符合条件|够条件)"
    r"(去|直接)?(报|考|申报|报考|评|参评|申请|认定)(到)?" + _LEVEL_WORDS
)
_NOT_LEVEL = re.compile(r"补贴|补助|奖励|津贴|待遇|工资|多少钱|费用|报名费|考试费|什么时候|在哪")


# "Do I count as a worker in hardship?": 我能不能算困难职工, 我这情况能申请帮扶吗,
# 够不够困难职工条件; not "what help is there" (哪些, 多少, 怎么 …).
_ASKS_HARDSHIP = re.compile(
    r"(能不能|能否|可不可以|可以|能|够不够|够|算不算|算|符不符合|符合|有没有资格|有资格)"
    r"(算|算是|申请|申领|评上?|认定为?|成为|享受|拿到?|领|当|是|办)?"
    r"[^，。？?！!,]{0,6}?(困难职工|困难帮扶|帮扶|救助|困难补助)"
)
_NOT_HARDSHIP = re.compile(r"哪些|哪几|什么|啥|多少|怎么|怎样|如何|在哪|哪里|标准是|几种|流程|材料")


def asks_hardship(text: str) -> bool:
    """The worker asks whether they count as a 困难职工 or may get hardship help."""
    return _ASKS_HARDSHIP.search(text) is not None and _NOT_HARDSHIP.search(text) is None


def asks_level_open(text: str) -> bool:
    """The worker asks which skill level they may apply for (not about money, dates, places)."""
    return _ASKS_LEVEL.search(text) is not None and _NOT_LEVEL.search(text) is None


def asks_own_eligibility(text: str) -> bool:
    return _ASKS_ELIGIBILITY.search(text) is not None


def eligibility_check_for(text: str, entities: Iterable[Mapping[str, Any]] = ()) -> str | None:
    """The key of the check the message asks to run, or None."""
    if asks_level_open(text):
        return SKILL_LEVEL_CHECK
    if asks_hardship(text):
        return HARDSHIP_CHECK
    if not asks_own_eligibility(text):
        return None
    subsidies = {str(e.get("value")) for e in entities if e.get("entity") == "subsidy_type"}
    if subsidies - {"技能提升补贴"} or any(word in text for word in _OTHER_SUBSIDIES):
        return None
    if "技能提升补贴" in subsidies or any(word in text for word in _SKILL_SUBSIDY_WORDS):
        return SKILL_SUBSIDY_CHECK
    if _CERTIFICATE.search(text) and _SUBSIDY.search(text):
        return SKILL_SUBSIDY_CHECK
    return None
