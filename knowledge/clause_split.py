"""Splitting a Chinese official document's text into its clauses, for the admin's preview.

Articles (第X条, with 第X章 headings kept as each clause's chapter), else an outline (一、,
（一）, 1.). Numbers stay as printed; keys come from the numbers (``<doc>.a3``, ``<doc>.s2-1``)
so that importing the same text again gives the same keys. Text with no numbering we can
read, or numbering that repeats or goes backwards, is :class:`NumberingUnreadable`: the
admin fixes the text (nothing is stored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.chinese_numbers import DIGITS, UNITS, chinese_number

_CN = "".join([*DIGITS, *UNITS])  # the numerals a clause number is written in
_ARTICLE = re.compile(rf"^(第([{_CN}\d]+)条)\s*(.*)$")
_CHAPTER = re.compile(rf"^第([{_CN}\d]+)[章节]\s*\S*")
_SECTION = re.compile(rf"^(([{_CN}]+)、)\s*(.*)$")
_SUB = re.compile(rf"^([（(]([{_CN}]+)[）)])\s*(.*)$")
_ITEM = re.compile(r"^((\d{1,3})[.．、](?!\d))\s*(.*)$")
SPLIT_MARK = "---"  # a line of its own in a clause's text: split the clause there


class NumberingUnreadable(ValueError):
    """The clause numbering cannot be read; ``str(error)`` is the Chinese reason."""


@dataclass
class DraftClause:
    key: str
    number: str
    text: str
    chapter: str = ""

    def as_item(self) -> dict[str, str]:
        return {"key": self.key, "number": self.number, "text": self.text}


def split_clauses(text: str, document_key: str) -> list[DraftClause]:
    """The document's clauses in order (a preamble before the first number is one too)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if any(_ARTICLE.match(line) for line in lines):
        return _split_articles(lines, document_key)
    if any(_SECTION.match(line) or _SUB.match(line) for line in lines):
        return _split_outline(lines, document_key)
    if sum(1 for line in lines if _ITEM.match(line)) >= 2:
        return _split_items(lines, document_key)
    raise NumberingUnreadable(
        "没有找到可识别的条款编号（第X条、一、、（一）或 1.），无法拆分条款；"
        "请在每一条前加上编号后重新导入"
    )


def _split_articles(lines: list[str], doc: str) -> list[DraftClause]:
    clauses: list[DraftClause] = []
    chapter = ""
    last = 0
    for line in lines:
        article = _ARTICLE.match(line)
        if article:
            number = _read(article.group(2), article.group(1))
            if number <= last:
                raise NumberingUnreadable(
                    f"条款编号不连续：{clauses[-1].number}之后是{article.group(1)}，请检查文本"
                )
            last = number
            clauses.append(DraftClause(f"{doc}.a{number}", article.group(1), line, chapter))
        elif _CHAPTER.match(line) and len(line) <= 40:
            chapter = line
        else:
            _append(clauses, line, doc, chapter)
    return clauses


def _split_outline(lines: list[str], doc: str) -> list[DraftClause]:
    clauses: list[DraftClause] = []
    section, section_number, sub_last = 0, "", 0
    for line in lines:
        top, sub = _SECTION.match(line), _SUB.match(line)
        if top:
            number = _read(top.group(2), top.group(1))
            if number <= section:
                raise NumberingUnreadable(
                    f"条款编号不连续：{section_number}之后是{top.group(1)}，请检查文本"
                )
            section, section_number, sub_last = number, top.group(1), 0
            clauses.append(DraftClause(f"{doc}.s{number}", top.group(1), line))
        elif sub:
            number = _read(sub.group(2), sub.group(1))
            if number <= sub_last:
                raise NumberingUnreadable(
                    f"条款编号不连续：{section_number}中{sub.group(1)}重复或顺序颠倒，请检查文本"
                )
            sub_last = number
            clauses.append(
                DraftClause(f"{doc}.s{section}-{number}", f"{section_number}{sub.group(1)}", line)
            )
        else:
            _append(clauses, line, doc, "")
    return clauses


def _split_items(lines: list[str], doc: str) -> list[DraftClause]:
    clauses: list[DraftClause] = []
    last = 0
    for line in lines:
        item = _ITEM.match(line)
        if item and int(item.group(2)) == last + 1:
            last += 1
            clauses.append(DraftClause(f"{doc}.p{last}", item.group(1), line))
        else:
            _append(clauses, line, doc, "")
    return clauses


def _read(digits: str, printed: str) -> int:
    try:
        return chinese_number(digits)
    except ValueError:
        raise NumberingUnreadable(f"无法识别条款编号“{printed}”") from None


def _append(clauses: list[DraftClause], line: str, doc: str, chapter: str) -> None:
    """A line with no number belongs to the clause before it (or to the preamble)."""
    if clauses:
        clauses[-1].text += "\n" + line
    else:
        clauses.append(DraftClause(f"{doc}.preamble", "", line, chapter))


def apply_fixes(document_key: str, items: list[tuple[str, str, bool]]) -> list[DraftClause]:
    """The admin's fixes to a preview: ``items`` are (number, text, merge with previous).

    A merged clause's text joins the one before it; a ``---`` line in a text splits it
    there (the new part's number is read from its first line when it has one). Keys are
    given again from the numbers; a clause without a number is keyed after the one before.
    """
    merged: list[list[str]] = []
    for number, text, merge in items:
        text = text.strip()
        if merge and merged:
            merged[-1][1] += "\n" + text
        elif text:
            merged.append([number.strip(), text])
    parts: list[tuple[str, str]] = []
    for number, text in merged:
        pieces = [p.strip() for p in re.split(rf"(?m)^\s*{re.escape(SPLIT_MARK)}\s*$", text)]
        pieces = [p for p in pieces if p]
        for index, piece in enumerate(pieces):
            parts.append((number if index == 0 else _printed_number(piece), piece))
    return _keyed(document_key, parts)


def _printed_number(text: str) -> str:
    first = text.splitlines()[0]
    for pattern in (_ARTICLE, _SECTION, _SUB, _ITEM):
        found = pattern.match(first)
        if found:
            return found.group(1)
    return ""


def _keyed(doc: str, parts: list[tuple[str, str]]) -> list[DraftClause]:
    clauses: list[DraftClause] = []
    used: set[str] = set()
    section = 0
    for number, text in parts:
        top = re.match(rf"^([{_CN}]+)、", number)
        if top:
            try:
                section = chinese_number(top.group(1))
            except ValueError:
                pass
        key = _key_of(doc, number, section)
        if not key or key in used:
            base = clauses[-1].key if clauses else f"{doc}.preamble"
            key, n = base, 2
            while key in used:
                key, n = f"{base}-{n}", n + 1
        used.add(key)
        clauses.append(DraftClause(key, number, text))
    return clauses


def _key_of(doc: str, number: str, section: int) -> str:
    try:
        if found := _ARTICLE.match(number):
            return f"{doc}.a{chinese_number(found.group(2))}"
        if found := re.match(rf"^([{_CN}]+)、(?:[（(]([{_CN}]+)[）)])?$", number):
            top = chinese_number(found.group(1))
            return f"{doc}.s{top}" + (f"-{chinese_number(found.group(2))}" if found[2] else "")
        if found := _SUB.match(number):
            return f"{doc}.s{section}-{chinese_number(found.group(2))}"
        if found := _ITEM.match(number):
            return f"{doc}.p{found.group(2)}"
    except ValueError:
        return ""
    return ""
