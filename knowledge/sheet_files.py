"""CSV and XLSX files as tables of text cells, written formula-safe and read back losslessly.

A text cell that starts with ``= + - @`` (or with the escape character ``'`` itself) is
written with a leading ``'``, which reading removes; a cell read as a formula is reported.
What the columns mean is :mod:`knowledge.spreadsheets`'.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@")
ESCAPE = "'"


def escape_cell(text: str) -> str:
    """A cell no spreadsheet will run as a formula."""
    if text.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + text
    return text


def unescape_cell(text: str) -> str:
    return text[1:] if text.startswith(ESCAPE) else text


def write_csv(table: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(table)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(table: list[list[str]], title: str) -> bytes:
    """One sheet named ``title``."""
    # openpyxl (with lxml and Pillow) is imported when a spreadsheet is made or read, not by
    # every console process at start (issue #15).
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for values in table:
        # every cell is a string cell; control characters Excel cannot hold are dropped
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_file(data: bytes, fmt: str) -> list[list[Any]]:
    """The rows of the file's first table, each a list of cell values (raises when unreadable)."""
    return _read_csv(data) if fmt == "csv" else _read_xlsx(data)


def _read_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def cell_text(value: Any) -> tuple[str, str]:
    """(text, problem) for one cell as read from the file."""
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return ("是" if value else "否"), ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.startswith("="):
        return text, "单元格是公式（以 = 开头）；如果是文字，请在开头加英文单引号 '"
    return unescape_cell(text), ""
