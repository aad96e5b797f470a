"""Field values as admins type them (forms, JSON, spreadsheets): read, compared, keys checked.

Shared by the entry and document checks (:mod:`knowledge.entry_validation`,
:mod:`knowledge.document_validation`), the editor's search and spreadsheet import.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from changai.vocabulary import ASPECT_LABELS, ASPECTS
from knowledge.lexicon import Lexicon
from knowledge.models import FaqEntry, PolicyDocument
from knowledge.text_normalise import normalise

# An entry's or a document's key, and what the editor says when one is wrong.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_KEY_RULE = "编号必填，只能用字母、数字、-、_ 和 .，最多100个字符"
_LIST_SPLIT = re.compile(r"[\n、,，;；]+")
_COMPARE_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)
_TRUE = {"1", "true", "yes", "on", "是", "y"}
_FALSE = {"", "0", "false", "no", "off", "否", "n"}


def clean_text(value: Any) -> str:
    """Trimmed text with one kind of line break (browsers send CRLF, XLSX keeps only LF)."""
    return str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n").strip()


def split_lines(value: Any) -> list[str]:
    """Alternatives: one per line (a list is taken as is)."""
    items = value if isinstance(value, list | tuple) else clean_text(value).split("\n")
    return [str(v).strip() for v in items if str(v).strip()]


def split_tags(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else _LIST_SPLIT.split(str(value or ""))
    return [str(v).strip() for v in items if str(v).strip()]


def parse_aspects(value: Any) -> tuple[list[str], list[str]]:
    """Aspect keys (``amount``) or labels (``金额标准``) -> (keys in vocabulary order, unknown)."""
    by_name = {key: key for key in ASPECTS} | {label: key for key, label in ASPECT_LABELS.items()}
    found, unknown = set(), []
    for item in split_tags(value):
        key = by_name.get(item) or by_name.get(item.lower())
        if key is None:
            unknown.append(item)
        else:
            found.add(key)
    return [key for key in ASPECTS if key in found], unknown


def aspects_text(aspects: Any) -> str:
    """Stored aspect keys as the labels an admin reads and types (顿号-separated)."""
    return "、".join(ASPECT_LABELS.get(str(a), str(a)) for a in aspects or [])


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_date(value: Any) -> dt.date | None:
    """None for empty; ValueError for a date that is not YYYY-MM-DD."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = str(value).strip()
    return dt.date.fromisoformat(text) if text else None


@lru_cache(maxsize=65536)
def comparable(text: str) -> str:
    """Question text as compared for duplicates: Simplified, no punctuation or case."""
    return _COMPARE_STRIP.sub("", normalise(text).lower())


def canonical_region(lexicon: Lexicon, value: str) -> str | None:
    value = value.strip()
    return lexicon.canonical("region", value) if value else ""


def key_problem(
    session: Session,
    model: type[FaqEntry] | type[PolicyDocument],
    key: str,
    item_id: int | None,
    *,
    holder: str,
) -> str:
    """Why ``key`` cannot name the item ``item_id`` ('' when it can); ``holder`` names the
    other item that has it (另一条目)."""
    if not _KEY.match(key):
        return _KEY_RULE
    other = session.execute(select(model.id).where(model.key == key)).scalar()
    if other is not None and other != item_id:
        return f"编号 {key} 已被{holder}使用"
    return ""
