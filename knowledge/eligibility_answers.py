"""Reading a worker's typed answer to an eligibility question, in the worker's own words.

Each answer kind of a condition (``months``, ``yes_no``, ``level``, ``date``, ``choice``,
``choices`` (one or more options), ``region``) has a parser that returns the canonical value
or ``None`` when the text does not answer (a 3-digit month count, a future date, 呵呵, an
emoji). Pure functions: the skill levels and region names come from the lexicon
(``knowledge/lexicon``), today is passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_MONTHS = 480  # 40 years of contributions; more is not an answer
UNKNOWN = "unknown"  # 不知道 / 跳过: the condition stays unknown

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"[0-9]+|[零〇一二两俩三四五六七八九十]+"

STOP_WORDS = ("算了", "不查了", "不问了", "不用查了", "不测了", "不弄了", "取消", "退出")
SKIP_WORDS = ("跳过", "不知道", "不清楚", "不记得", "记不清", "不确定", "忘了")
HUMAN_WORDS = ("转人工", "人工客服", "找人工", "真人")


def chinese_number(text: str) -> int | None:
    """十二 -> 12, 两 -> 2, 二十四 -> 24, 12 -> 12; None when not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    tens, _, ones = text.partition("十")
    if "十" in ones:
        return None
    high = _DIGITS.get(tens, -1) if tens else 1
    low = _DIGITS.get(ones, -1) if ones else 0
    return None if high < 0 or low < 0 else high * 10 + low


_CORRECTION = re.compile(
    r"(说错了|搞错了|弄错了|写错了|打错了|选错了|点错了|改一下|改一改|我要改|更正|纠正|重新回答)"
)
_CORRECTION_LEAD = re.compile(r"^[\s,，。.!！:：;；]*(应该是|其实是|改成|改为|是)?[\s,，:：]*")


def correction(text: str) -> str | None:
    """What a correction says instead (刚才说错了，是8个月 -> 8个月; 改一下 -> ""), or None
    when the message is no correction."""
    match = _CORRECTION.search(text)
    if match is None:
        return None
    rest = text[match.end() :]
    rest = _CORRECTION_LEAD.sub("", rest, count=1)
    return rest.strip(" ，,。.!！")


def is_stop(text: str) -> bool:
    return any(word in text for word in STOP_WORDS)


def is_skip(text: str) -> bool:
    return any(word in text for word in SKIP_WORDS)


def wants_human(text: str) -> bool:
    return any(word in text for word in HUMAN_WORDS)


# ---- months of unemployment insurance ----

_NEVER = re.compile(r"没(有)?(交|缴|参保|上)|从来?没|一直没|没买|未(缴|参保)|^没有$|^0$|零个月")
_MONTHS = re.compile(rf"({_NUMBER})\s*个?\s*(多)?\s*月")
_YEARS = re.compile(rf"({_NUMBER}|半)\s*(年)(半|多)?")


def parse_months(text: str) -> int | None:
    """一年多 -> 12, 两年半 -> 30, 8个月 -> 8, 半年 -> 6, 没交过 -> 0; None when no count.

    "多" (more than) keeps the lower bound: the tests are thresholds, so 一年多 passes >= 12.
    """
    text = text.strip()
    if _NEVER.search(text):
        return 0
    total: int | None = None
    years = _YEARS.search(text)
    if years and "个月" not in text[years.start() : years.end() + 2]:
        count = 0.5 if years.group(1) == "半" else chinese_number(years.group(1))
        if count is not None:
            total = int(count * 12) + (6 if years.group(3) == "半" else 0)
    months = _MONTHS.search(text)
    if months:
        count_m = chinese_number(months.group(1))
        if count_m is not None:
            before = total if total is not None and years and years.end() <= months.start() else 0
            total = before + count_m
    if total is None or total > MAX_MONTHS:
        return None
    return total


# ---- yes / no ----

_NO = re.compile(r"没|不是|不曾|否|未|^不$|^无$|第一次|头一回|还没")
_YES = re.compile(r"是|有|对|领过|申请过|拿过|享受过|嗯|^要$|^好$")


def parse_yes_no(text: str) -> bool | None:
    text = text.strip()
    if _NO.search(text):
        return False
    if _YES.search(text):
        return True
    return None


# ---- skill level ----


def parse_level(text: str, levels: Mapping[str, str]) -> str | None:
    """The canonical level (中级工) of the longest level word in the text (四级, 高级工 …)."""
    for surface in sorted(levels, key=len, reverse=True):
        if surface in text:
            return levels[surface]
    return None


# ---- issue date ----

_FULL_DATE = re.compile(r"(20[0-9]{2})\s*[年./-]\s*([0-9]{1,2})(?:\s*[月./-]\s*([0-9]{1,2}))?")
_RELATIVE_YEAR = {"今年": 0, "去年": 1, "前年": 2, "大前年": 3, "明年": -1, "后年": -2}
_MONTH = re.compile(rf"({_NUMBER})\s*月")
_AGO = re.compile(rf"({_NUMBER}|半)\s*(个月|年)(多)?(以)?前")


@dataclass(frozen=True)
class IssueDate:
    date: dt.date
    exact: bool  # False when only the month (or less) is known: deadlines are then 约


def parse_date(text: str, today: dt.date) -> IssueDate | None:
    """去年五月 -> (last year)-05-01, 2025年3月12日 -> that day, 三个月前, 刚发; None if future."""
    found = _read_date(text.strip(), today)
    if found is None or found.date > today:
        return None
    return found


def _read_date(text: str, today: dt.date) -> IssueDate | None:
    full = _FULL_DATE.search(text)
    if full:
        year, month = int(full.group(1)), int(full.group(2))
        day = int(full.group(3)) if full.group(3) else 1
        return _safe(year, month, day, exact=bool(full.group(3)))
    if re.search(r"刚(刚)?(发|拿|下来|考)|这(几)?天|今天|昨天|本月|这个月", text):
        return IssueDate(today, exact=False)
    if "上个月" in text:
        return _months_back(today, 1)
    ago = _AGO.search(text)
    if ago:
        number = 0.5 if ago.group(1) == "半" else chinese_number(ago.group(1))
        if number is None:
            return None
        months = int(number * 12) if ago.group(2) == "年" else int(number)
        return _months_back(today, months)
    year = today.year
    for word, back in sorted(_RELATIVE_YEAR.items(), key=lambda item: -len(item[0])):
        if word in text:
            year = today.year - back
            break
    else:
        if not _MONTH.search(text):
            return None
    month_match = _MONTH.search(text)
    if month_match is None:
        return None  # a year alone (去年考的) is too vague for a 12-month window: ask
    month_number = chinese_number(month_match.group(1))
    if month_number is None:
        return None
    return _safe(year, month_number, 1, exact=False)


def _safe(year: int, month: int, day: int, *, exact: bool) -> IssueDate | None:
    try:
        return IssueDate(dt.date(year, month, day), exact=exact)
    except ValueError:
        return None


def _months_back(today: dt.date, months: int) -> IssueDate:
    index = today.year * 12 + today.month - 1 - months
    return IssueDate(dt.date(index // 12, index % 12 + 1, 1), exact=False)


# ---- choice ----


def parse_choice(text: str, choices: Sequence[Mapping[str, Any]]) -> str | None:
    """The value of the first choice (in order) one of whose words or its label is in the text.

    Order matters and is data: 机关事业单位 is listed before 单位.
    """
    for choice in choices:
        words = [str(choice.get("label") or ""), *(str(w) for w in choice.get("words") or [])]
        if any(word and word in text for word in words):
            return str(choice["value"])
    return None


def parse_choices(text: str, choices: Sequence[Mapping[str, Any]]) -> list[str] | None:
    """The values of every choice named in the text, in the choices' order; None if none."""
    found: list[str] = []
    for choice in choices:
        words = [str(choice.get("label") or ""), *(str(w) for w in choice.get("words") or [])]
        if any(word and word in text for word in words) and str(choice["value"]) not in found:
            found.append(str(choice["value"]))
    return found or None


def parse_region(text: str, regions: Mapping[str, str]) -> str | None:
    """The canonical region named last in the text, the longer name on a tie (山东青岛市 ->
    青岛): a place is said from the province down."""
    found = [(text.rfind(s) + len(s), len(s), s) for s in regions if s and s in text]
    return regions[max(found)[2]] if found else None


# Words that show the first message speaks to a condition, so that it may prefill it: a number
# of years in a question is insurance only next to 社保 / 失业保险, a date only next to 发 / 拿到.
PREFILL_CUES = {
    "months": re.compile(r"社保|失业保险|参保|保险"),
    "date": re.compile(r"发的|发证|拿到|拿的证|考到|考下|取得|下来的|下证"),
    "level": re.compile(r"."),
    "choice": re.compile(r"."),
    "choices": re.compile(r"."),
    "region": re.compile(r"."),
}


def prefill_values(
    text: str,
    conditions: Sequence[Any],
    *,
    today: dt.date,
    levels: Mapping[str, str],
    regions: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Slot -> the words of the worker's first message that answer it.

    A condition's own ``prefill`` pattern (data) decides when it has one: its ``answer``
    group (or the whole match) is the answer, so 我有四级证，能报技师吗 answers the level held
    with 四级, not 技师. Otherwise the answer kind's cue decides and the whole message is read.
    """
    found: dict[str, str] = {}
    for condition in conditions:
        pattern = str(getattr(condition, "prefill", "") or "")
        if pattern:
            match = re.search(pattern, text)
            if match is None:
                continue
            said = match.groupdict().get("answer") or match.group(0)
        else:
            cue = PREFILL_CUES.get(condition.answer_kind)
            if cue is None or not cue.search(text):
                continue
            said = text
        value = parse_answer(
            condition.answer_kind,
            said,
            today=today,
            levels=levels,
            choices=condition.choices,
            regions=regions,
        )
        if value is not None:
            found[condition.slot] = said
    return found


def prefill(
    text: str,
    conditions: Sequence[Any],
    *,
    today: dt.date,
    levels: Mapping[str, str],
) -> list[str]:
    """The slots of ``conditions`` that the worker's first message already answers."""
    return list(prefill_values(text, conditions, today=today, levels=levels))


_CANONICAL_DATE = re.compile(r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}~?$")


def is_canonical(
    kind: str, value: Any, *, levels: Mapping[str, str], choices: Sequence[Mapping[str, Any]] = ()
) -> bool:
    """True when ``value`` is already what :func:`parse_answer` gives (a kept answer that a
    resumed check validates again: ``enterprise``, ``中级工``, ``2026-08-01~``)."""
    if not isinstance(value, str):
        return False
    if kind == "date":
        return bool(_CANONICAL_DATE.match(value))
    values = {str(c.get("value")) for c in choices}
    if kind == "level":
        values |= set(levels.values())
    return kind in ("choice", "level") and value in values


def parse_answer(
    kind: str,
    text: str,
    *,
    today: dt.date,
    levels: Mapping[str, str],
    choices: Sequence[Mapping[str, Any]] = (),
    regions: Mapping[str, str] | None = None,
) -> Any:
    """The canonical value of ``text`` for an answer kind, or ``None`` when it is no answer.

    Dates come back as ISO strings (slot values must be JSON).
    """
    if kind == "months":
        return parse_months(text)
    if kind == "yes_no":
        return parse_yes_no(text)
    if kind == "level":  # a level word, else a choice's words (没有 -> none)
        return parse_level(text, levels) or parse_choice(text, choices)
    if kind == "date":
        found = parse_date(text, today)
        return None if found is None else found.date.isoformat() + ("" if found.exact else "~")
    if kind == "choice":
        return parse_choice(text, choices)
    if kind == "choices":
        return parse_choices(text, choices)
    if kind == "region":
        return parse_region(text, regions or {})
    raise ValueError(f"unknown answer kind {kind!r}")
