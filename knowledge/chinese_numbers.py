"""Chinese numerals as numbers: 三 -> 3, 十二 -> 12, 一百二十三 -> 123, 一万五千 -> 15000.

Used where clause numbers are read (``knowledge/clause_split.py``) and where a clause's
figures are compared with an answer's (``knowledge/audit.py``).
"""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
DIGITS.update({"七": 7, "八": 8, "九": 9})
UNITS = {"十": 10, "百": 100, "千": 1000}
TEN_THOUSAND = "万"


def chinese_number(text: str) -> int:
    """The value of ``text``: Chinese numerals, or digits; anything else -> ValueError."""
    if text.isdigit():
        return int(text)
    total = section = digit = 0
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char in UNITS:
            section += (digit or 1) * UNITS[char]
            digit = 0
        elif char == TEN_THOUSAND:
            total += (section + digit) * 10000
            section = digit = 0
        else:
            raise ValueError(text)
    return total + section + digit
