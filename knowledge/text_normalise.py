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
# A mainland mobile number: 1[3-9] and nine more digits, optionally after +86 / 86, with
# single spaces or hyphens between digits (138 1234-5678). It may not sit inside a longer
# run of digits, so an 18-digit ID number or a bank card is not a phone number.
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\s-]?\d)")


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


def find_mobile(text: str) -> str | None:
    """The first mainland mobile number in ``text`` as 11 digits, or None."""
    match = _MOBILE.search(unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"\D", "", match.group(1)) if match else None


def mask_mobile(number: str) -> str:
    """``13812345678`` -> ``138****5678``."""
    digits = re.sub(r"\D", "", number)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def mask_mobiles(text: str) -> str:
    """Every mainland mobile number in ``text`` masked (the rest of the text unchanged)."""
    if not text:
        return text
    normalised = unicodedata.normalize("NFKC", text)
    if not _MOBILE.search(normalised):
        return text
    return _MOBILE.sub(lambda match: mask_mobile(match.group(1)), normalised)


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
