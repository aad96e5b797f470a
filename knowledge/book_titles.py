"""A document's title as cited in Chinese text, inside 书名号.

A title that itself quotes another document (关于转发《…的通知》的通知) keeps the inner title
in single marks 〈〉, as Chinese typography nests them: 《关于转发〈…的通知〉的通知》, not
《关于转发《…的通知》的通知》.
"""

from __future__ import annotations

NESTED = str.maketrans({"《": "〈", "》": "〉"})


def book_title(title: str) -> str:
    """``title`` in 《》, with any 《》 inside it turned into 〈〉."""
    title = title.strip()
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]  # already marked once
    return f"《{title.translate(NESTED)}》"
