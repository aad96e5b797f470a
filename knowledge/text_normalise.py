"""Normalise worker text for NLU and retrieval, and classify unreadable input.

Workers type on phones: Traditional characters, full-width forms, pinyin
annotations such as ``產(chǎn)業(yè)``, repeated punctuation, emoji and stray
control characters all occur. Every consumer of text (the Rasa component,
retrieval, the command line) goes through :func:`normalise`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_CHARS_FOR_NLU = 1000

_PINYIN_LETTERS = "a-zA-Züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿê"
_PINYIN_ANNOTATION = re.compile(
    rf"(?<=[\u3400-\u9fff])\s*[(\[（【]\s*[{_PINYIN_LETTERS}]+(?:[\s'’-]*[{_PINYIN_LETTERS}]+)*\d?\s*[)\]）】]"
)
_REPEATED_PUNCT = re.compile(r"([!?。，,.~～、；;:：…！？-])\1+")
_MIXED_PUNCT_RUN = re.compile(r"[!?！？]{2,}")
_WHITESPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_DIGITS_AND_SEPARATORS = re.compile(r"^[\d\sXx+\-()./#]+$")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
# Separators people put between groups of digits: space, hyphen, dot, middle dot, slash …
_GROUP_SEP = r"[\s\-.·•_/]"
# A mainland mobile number: 1[3-9] and nine more digits, optionally after +86 / 86, either
# with single spaces or hyphens anywhere (138 1234-5678) or grouped 3-4-4 by any common
# separator (139.8765.4321, 139 · 8765 · 4321). It may not sit inside a longer run of
# digits, so an 18-digit ID number or a bank card is not a phone number.
_MOBILE = re.compile(
    r"(?<![\d+])(?:\+?86[\s-]?)?"
    rf"(1[3-9]\d(?:(?:[\s-]?\d){{8}}|{_GROUP_SEP}{{1,3}}\d{{4}}{_GROUP_SEP}{{1,3}}\d{{4}}))"
    rf"(?!{_GROUP_SEP}?\d)"
)
# An ID-card number (18 characters, the last a digit or X; or the old 15 digits) or a bank
# card (16–19 digits), with or without separators between the digits.
_LONG_NUMBER = re.compile(
    rf"(?<![\dA-Za-z])\d(?:{_GROUP_SEP}?\d){{13,17}}{_GROUP_SEP}?[\dXx](?![\dA-Za-z])"
)


@lru_cache(maxsize=1)
def _t2s() -> Any:  # opencc ships no type information
    import opencc

    return opencc.OpenCC("t2s")


def _is_emoji_or_symbol(char: str) -> bool:
    category = unicodedata.category(char)
    return category in {"So", "Sk", "Cs", "Co"} or char in "\u200d\ufe0f\ufe0e\u20e3"


def _strip_controls(text: str) -> str:
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in {"Cc", "Cf"}:
            kept.append(" " if char in "\t\n\r\x0b\x0c" else "")
        else:
            kept.append(char)
    return "".join(kept)


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalise(text: str) -> str:
    """Return the canonical form used by NLU and retrieval.

    Full-width to half-width (NFKC), Traditional to Simplified, pinyin
    annotations removed, controls and emoji dropped, repeated punctuation and
    whitespace collapsed. Button payloads (``/intent{...}``) pass unchanged.
    """
    if text.startswith("/"):
        return text
    text = unicodedata.normalize("NFKC", text)
    text = _strip_controls(text)
    text = _PINYIN_ANNOTATION.sub("", text)
    text = "".join(" " if _is_emoji_or_symbol(c) else c for c in text)
    text = to_simplified(text)
    text = _MIXED_PUNCT_RUN.sub(lambda m: m.group(0)[-1], text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = _WHITESPACE.sub(" ", text).strip()
    text = _CJK_SPACE.sub("", text)
    return text


# Politeness, greetings and filler around a question (issue 11): they never change the answer.
# Matched on normalised text (Simplified, half-width), at the start or the end of a message only.
_SEP = r"[\s,.!?:;~、，。！？：；…]"
_LEADING_FILLER = re.compile(
    r"(?i)^(?:(?:(?:你|您)好(?!像|看|用|听|吃|玩)(?:呀|啊|哈)?|你们好|大家好|老师好|师傅好|领导好|同志好"
    r"|(?:早上|上午|中午|下午|晚上)好|(?:hello|hi|哈喽|哈罗|嗨|喂)(?=" + _SEP + r")"
    r"|(?:好的|好吧|嗯嗯|嗯|哦|噢|明白了|知道了|ok)(?=" + _SEP + r")"
    r"|在吗|在不在|有人吗|打扰了|打扰一下|打扰下|不好意思|"
    r"麻烦(?:问|请教|咨询)(?:一)?下|麻烦(?:你|您)(?:一下)?|请问一下|请问下|请问|"
    r"(?:我)?想(?:问|咨询|请教)(?:一)?下|(?:我)?想(?:问|咨询|请教)|问(?:一)?下|"
    r"(?:咨询|请教)(?:一)?下|谢谢(?:你|您)?|多谢|"
    r"(?:急急急|急急|急|求助|求解答)(?=" + _SEP + r"))" + _SEP + r"*)+"
)
_TRAILING_FILLER = re.compile(
    r"(?:"
    + _SEP
    + r"*(?:谢谢(?:你|您|了|啦|大家|各位|老师|师傅|领导)?|多谢(?:了|啦)?|感谢(?:你|您)?"
    r"|非常感谢|万分感谢|麻烦(?:你|您)?了|辛苦(?:你|您)?了|在线等(?:回复)?|求(?:解答|回复|解|帮助)"
    r"|(?:请|望|烦请|请帮忙)(?:解答|回复|答复)(?:一下)?|在吗|在不在"
    r"|(?:(?<="
    + _SEP
    + r")|(?<=[吗呢啊吧]))(?:急急急|急急|急|很急|挺急的|比较急|十万火急))"
    + _SEP
    + r"*)+$"
)
_MIN_CJK_LEFT = 3


def strip_filler(text: str) -> str:
    """``text`` without greetings, thanks and filler before or after the question.

    Applied to normalised text before classification and retrieval, so that 您好，请问…
    and …吗？谢谢！ are read as the question itself. A message that is nothing but
    politeness (谢谢, 你好, 好的谢谢) is returned unchanged: it is the message.
    """
    if not text or text.startswith("/"):
        return text
    stripped = _TRAILING_FILLER.sub("", _LEADING_FILLER.sub("", text)).strip()
    if len(_CJK.findall(stripped)) < _MIN_CJK_LEFT:
        return text
    return stripped


def find_mobile(text: str) -> str | None:
    """The first mainland mobile number in ``text`` as 11 digits, or None."""
    without_long = _LONG_NUMBER.sub(" ", unicodedata.normalize("NFKC", text or ""))
    match = _MOBILE.search(without_long)  # not the middle of a spaced ID or card number
    return re.sub(r"\D", "", match.group(1)) if match else None


def mask_mobile(number: str) -> str:
    """``13812345678`` -> ``138****5678``."""
    digits = re.sub(r"\D", "", number)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def _mask_long(number: str) -> str:
    """``11010119900307123X`` -> ``1101**********123X``."""
    kept = re.sub(r"[^\dXx]", "", number)
    return kept[:4] + "*" * (len(kept) - 8) + kept[-4:]


def mask_personal_numbers(text: str) -> str:
    """``text`` with every ID-card, bank-card and mainland mobile number masked, however it
    is spelt (full-width digits, spaces, dots, hyphens); the rest of the text unchanged.

    The one function for worker text shown to staff or admins (desk, case card, unanswered
    questions, review queue, FAQ drafts)."""
    if not text:
        return text
    normalised = unicodedata.normalize("NFKC", text)
    if not (_LONG_NUMBER.search(normalised) or _MOBILE.search(normalised)):
        return text
    masked = _LONG_NUMBER.sub(lambda match: _mask_long(match.group(0)), normalised)
    return _MOBILE.sub(lambda match: mask_mobile(match.group(1)), masked)


# Words that only introduce a number (我的手机号是…, 身份证, 银行卡号), left out of the
# question beside it.
# Longest first: 身份证号码 before 身份证号 before 身份证 (an alternation takes its first match).
_CONTACT_WORDS = re.compile(
    r"(?:我的|我)?(?:身份证号码|身份证号|身份证|银行卡号|银行卡|卡号"
    r"|手机号码|手机号|手机|电话号码|电话|联系方式|号码)(?:是|为)?"
)
_SEPARATORS = re.compile(r"[\s,，。.!！?？、;；:：~～]+")
# A number already masked by ``mask_personal_numbers`` (138****5678, 1101**********123X).
_MASKED = re.compile(r"[\dXx]*\*{3,}[\dXx]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_QUESTION_CHARS = 4  # Chinese characters left beside a number that make a question


def question_beside_number(text: str) -> str:
    """What a message says besides a phone, ID-card or bank-card number, when that is a
    question (我电话138…，技能提升补贴怎么申请 -> 技能提升补贴怎么申请); "" when nothing is."""
    normalised = unicodedata.normalize("NFKC", text or "")
    rest = _MASKED.sub(" ", _MOBILE.sub(" ", _LONG_NUMBER.sub(" ", normalised)))
    rest = _SEPARATORS.sub(" ", _CONTACT_WORDS.sub(" ", rest)).strip()
    return rest if len(_CJK.findall(rest)) >= MIN_QUESTION_CHARS else ""


# The earlier name, kept for callers that only knew about phone numbers.
mask_mobiles = mask_personal_numbers


@dataclass(frozen=True)
class InputCheck:
    """What the gate decided about one raw message."""

    text: str
    issue: str | None


def check_input(raw: str) -> InputCheck:
    """Normalise ``raw`` and name the reason it cannot be answered, if any.

    Issues: ``empty``, ``too_long``, ``emoji_only``, ``foreign``, ``mobile_number``,
    ``number_only``, ``symbols_only``. Mixed Chinese and Latin text is fine. A message
    with a mobile number anywhere is ``mobile_number`` and its text carries the number
    masked, so the number never reaches the classifier or retrieval.
    """
    if raw is None or not raw.strip() or not _strip_controls(raw).strip():
        return InputCheck("", "empty")
    if raw.startswith("/"):
        return InputCheck(raw, None)
    if len(raw) > MAX_CHARS_FOR_NLU:
        return InputCheck(normalise(raw[:MAX_CHARS_FOR_NLU]), "too_long")
    if find_mobile(raw):
        return InputCheck(normalise(mask_mobiles(raw)), "mobile_number")
    text = normalise(raw)
    if not text:
        has_symbol = any(_is_emoji_or_symbol(c) for c in raw)
        return InputCheck("", "emoji_only" if has_symbol else "empty")
    if _CJK.search(text):
        return InputCheck(text, None)
    if _DIGITS_AND_SEPARATORS.match(text):
        return InputCheck(text, "number_only")
    if _LATIN_WORD.search(text):
        return InputCheck(text, "foreign")
    return InputCheck(text, "symbols_only")
