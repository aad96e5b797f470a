"""The verdict in words (issue #13): the headline and the why, one line per condition with
its clause, and the kinds of help the answers may open. Stock REST clients read these; the
widget renders the payload (``ConditionResult.as_payload``) as a card."""

from __future__ import annotations

from knowledge.eligibility_verdict import ELIGIBLE, NEEDS_CONFIRMING, NOT_ELIGIBLE, Verdict

VERDICT_LABELS = {ELIGIBLE: "可以申请", NOT_ELIGIBLE: "暂不符合", NEEDS_CONFIRMING: "需要确认"}
MARKS = {True: "✓", False: "✗", None: "?"}
CONFIRM_WITH = "当地经办机构"  # a check that names no one (each seeded check names its own)


def helps_line(verdict: Verdict) -> str:
    """可能适用的帮扶：大病救助（依据…）…, or "" when none."""
    if not verdict.helps:
        return ""
    named = "；".join(f"{h.kind}（依据：{h.clause.citation()}）" for h in verdict.helps)
    return f"可能适用的帮扶：{named}。"


def summary(verdict: Verdict) -> str:
    """The headline and the why, in words; a lapsed rule is named as such, never as current."""
    label = VERDICT_LABELS[verdict.rule_verdict]
    lines: list[str] = []
    if verdict.current:
        lines.append(f"结论：{label}")
    else:
        lines.append(f"结论：{VERDICT_LABELS[NEEDS_CONFIRMING]}")
        lines.append(f"按库里的规定，您{label}；但" + "；".join(verdict.lapse_notes) + "。")
        where = verdict.check.confirm_with or CONFIRM_WITH
        lines.append(f"今年是否延续、条件有没有变化，请向{where}确认。")
    if verdict.rule_verdict == NOT_ELIGIBLE:
        lines.append("原因：" + "；".join(verdict.reasons))
    elif verdict.rule_verdict == NEEDS_CONFIRMING:
        lines.append("；".join(verdict.reasons))
    if verdict.deadline and verdict.rule_verdict != NOT_ELIGIBLE:
        lines.append(f"期限：{verdict.deadline}。")
    return "\n".join(lines)


def card_lines(verdict: Verdict) -> list[str]:
    """One line per condition: mark, question, answer (when the worker is asked), note and the
    clause it rests on."""
    lines = []
    for result in verdict.results:
        note = f"（{result.note}）" if result.note else ""
        answer = f" 您的回答：{result.answer or '未回答'}"
        if not result.condition.asked and not result.answer:
            answer = ""  # a question the worker is never asked has no answer to show
        lines.append(
            f"{MARKS[result.met]} {result.condition.question}{answer}{note}"
            f"  依据：{result.condition.clause.citation()}"
        )
    return lines
