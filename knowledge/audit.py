"""`changai kb audit`: how well the knowledge base rests on official documents (#12).

It reports the share of published entries citing an official host, documents missing
文号 / issuer / dates, published entries without a clause, entries resting on lapsed or
replaced (or time-limited, ended) rules, and every figure in a published answer — an
amount, month count, age, percentage, deadline — that none of the entry's clauses
contains. Known gaps are listed, each with its reason, in ``seed/figure_exceptions.yml``;
the goal is to shrink that list to nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from sqlalchemy.orm import Session

from changai.vocabulary import FaqStatus, LegalStatus
from knowledge.chinese_numbers import chinese_number
from knowledge.models import FaqEntry, PolicyDocument
from knowledge.repository import list_documents, list_faqs

EXCEPTIONS_FILE = Path(__file__).resolve().parent / "seed" / "figure_exceptions.yml"
OFFICIAL_HOSTS_FILE = Path(__file__).resolve().parent / "seed" / "official_hosts.yml"
_UNITS = "万元|元|个月|周岁|岁|年|%|日|天|次|平方米|㎡|倍|小时|人次|分"
FIGURE = re.compile(rf"(?<![0-9.])(\d+(?:\.\d+)?)\s*({_UNITS})")
_CN_NUMBER = re.compile(
    rf"(?<![0-9.])([零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*)(?=(?:{_UNITS}))"
)
_DIGIT_SPACE_UNIT = re.compile(rf"(\d)\s+(?=(?:{_UNITS}))")


def normalise_figures(text: str, chinese: bool = True) -> str:
    """Half-width, no space between a number and its unit, and (``chinese``) Chinese
    numerals before a unit as digits (三次 -> 3次; a clause's way of writing figures)."""
    text = _DIGIT_SPACE_UNIT.sub(r"\1", unicodedata.normalize("NFKC", text))
    if not chinese:
        return text
    return _CN_NUMBER.sub(lambda m: str(chinese_number(m.group(1))), text)


def figures(text: str) -> list[str]:
    """The figures an answer writes in digits (number and unit), in order, each once."""
    found = FIGURE.finditer(normalise_figures(text, chinese=False))
    return list(dict.fromkeys(f"{m.group(1)}{m.group(2)}" for m in found))


def _is_calendar_year(figure: str) -> bool:
    return figure.endswith("年") and figure[:-1].isdigit() and 1949 <= int(figure[:-1]) <= 2100


def unsupported_figures(answer: str, clause_texts: list[str], metadata: list[str]) -> list[str]:
    """Figures of ``answer`` that no clause contains (a calendar year may also be in a
    cited document's title, 文号 or dates)."""
    haystack = "\n".join(normalise_figures(t) for t in clause_texts)
    meta = "\n".join(normalise_figures(t) for t in metadata)
    missing = []
    for figure in figures(answer):
        number = re.sub(r"[^0-9.].*$", "", figure)
        unit = figure[len(number) :]
        pattern = re.compile(rf"(?<![0-9.]){re.escape(number)}{re.escape(unit)}")
        if pattern.search(haystack):
            continue
        if _is_calendar_year(figure) and (number in haystack or number in meta):
            continue
        missing.append(figure)
    return missing


@functools.cache
def official_host_suffixes() -> tuple[str, ...]:
    """Government sites, and union sites confirmed as such (``seed/official_hosts.yml``)."""
    with OFFICIAL_HOSTS_FILE.open(encoding="utf-8") as handle:
        return tuple(str(h["suffix"]).lower() for h in yaml.safe_load(handle)["hosts"])


def official_host(url: str | None) -> bool:
    """The URL (http or https) is on a government or confirmed union host."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    return any(host == s or host.endswith("." + s) for s in official_host_suffixes())


def load_exceptions(path: Path = EXCEPTIONS_FILE) -> dict[str, dict]:
    """Entry key -> {figures: [...], reason: "..."}: figures known to lack a clause."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {str(k): v for k, v in (data.get("entries") or {}).items()}


@dataclass
class AuditReport:
    published: int = 0
    official: int = 0
    documents_missing: dict[str, list[str]] = field(default_factory=dict)
    without_clause: list[str] = field(default_factory=list)
    not_current: dict[str, str] = field(default_factory=dict)  # entry -> why
    time_limit_ended: dict[str, str] = field(default_factory=dict)
    figure_problems: dict[str, list[str]] = field(default_factory=dict)  # not excepted
    excepted: dict[str, list[str]] = field(default_factory=dict)
    stale_exceptions: list[str] = field(default_factory=list)

    @property
    def official_share(self) -> float:
        return self.official / self.published if self.published else 0.0

    @property
    def ok(self) -> bool:
        return not self.figure_problems and not self.stale_exceptions


def _documents_of(entry: FaqEntry) -> list[PolicyDocument]:
    documents = [entry.document] if entry.document is not None else []
    for clause in entry.clauses:
        if clause.document not in documents:
            documents.append(clause.document)
    return documents


def run_audit(
    *, session: Session, today: dt.date | None = None, exceptions: dict[str, dict] | None = None
) -> AuditReport:
    today = today or dt.date.today()
    exceptions = load_exceptions() if exceptions is None else exceptions
    report = AuditReport()
    for document in list_documents(session=session):
        missing = [
            label
            for label, value in (
                ("文号", document.doc_number),
                ("发文机关", document.issuer),
                ("日期", document.effective_from or document.in_force_until),
            )
            if not value
        ]
        if missing:
            report.documents_missing[document.key] = missing
    used_exceptions: set[str] = set()
    for entry in list_faqs(session=session, status=FaqStatus.published.value):
        report.published += 1
        documents = _documents_of(entry)
        if any(official_host(d.url) for d in documents):
            report.official += 1
        if not entry.clauses:
            report.without_clause.append(entry.key)
        for document in documents:
            if document.legal_status in (LegalStatus.lapsed.value, LegalStatus.replaced.value):
                report.not_current[entry.key] = f"{document.key}（{document.legal_status}）"
            elif (
                document.legal_status == LegalStatus.time_limited.value
                and document.in_force_until is not None
                and document.in_force_until < today
            ):
                report.time_limit_ended[entry.key] = (
                    f"{document.key} 至 {document.in_force_until:%Y-%m-%d}"
                )
        metadata = [
            " ".join(
                [
                    d.title,
                    d.doc_number or "",
                    *(str(x) for x in (d.effective_from, d.in_force_until) if x),
                ]
            )
            for d in documents
        ]
        missing = unsupported_figures(entry.answer, [c.text for c in entry.clauses], metadata)
        allowed = {str(f) for f in (exceptions.get(entry.key) or {}).get("figures") or []}
        if entry.key in exceptions:
            used_exceptions.add(entry.key)
            if not set(missing) & allowed:
                report.stale_exceptions.append(entry.key)
        excepted = [f for f in missing if f in allowed]
        rest = [f for f in missing if f not in allowed]
        if excepted:
            report.excepted[entry.key] = excepted
        if rest:
            report.figure_problems[entry.key] = rest
    report.stale_exceptions.extend(sorted(set(exceptions) - used_exceptions))
    return report


def format_report(report: AuditReport) -> str:
    lines = [
        f"published entries: {report.published}",
        f"entries citing an official host: {report.official} " f"({report.official_share:.0%})",
        f"documents missing 文号/issuer/dates: {len(report.documents_missing)}",
        *(f"  {key}: {'、'.join(v)}" for key, v in sorted(report.documents_missing.items())),
        f"published entries without a clause: {len(report.without_clause)}",
        *(f"  {key}" for key in report.without_clause),
        f"entries resting on lapsed or replaced documents: {len(report.not_current)}",
        *(f"  {key}: {why}" for key, why in sorted(report.not_current.items())),
        f"entries resting on a time-limited rule that has ended: {len(report.time_limit_ended)}",
        *(f"  {key}: {why}" for key, why in sorted(report.time_limit_ended.items())),
        f"figures in answers not found in the entry's clauses: {len(report.figure_problems)} "
        f"entries ({len(report.excepted)} more excepted in figure_exceptions.yml)",
        *(f"  {key}: {'、'.join(v)}" for key, v in sorted(report.figure_problems.items())),
    ]
    if report.stale_exceptions:
        lines.append(f"exceptions no longer needed: {'、'.join(report.stale_exceptions)}")
    return "\n".join(lines)
