"""Does the reply answer what the worker asked? Real questions, judged by their outcome.

``tests/eval/real_set.yml`` holds questions that workers posted publicly (message boards, Q&A
pages, forums), each with its source, region and the outcome that would serve the worker:

- ``answer``: one of ``keys`` is served, and its text contains every ``must_contain`` string;
- ``not_covered``: in scope, but no entry answers it; the right outcome is an honest reply that
  no specific rule was found (``custom.type`` ``no_specific_rule``), a hand-off to staff, or an
  eligibility check's verdict (#13: the rule's conditions one by one, each cited);
- ``out_of_scope``: it goes to staff.

Each question is a new conversation through the REST channel. When the assistant asks for the
region, the worker types the ``region_answer`` (as a worker would, not a button payload); when
it starts an eligibility check, the worker answers 不知道 to each of its questions (the post
says no more than it says), so the check ends with its verdict; when it asks which topic was
meant, the conversation ends there (no answer). The reply is read
from the ``custom`` payloads as a client reads them.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from changai.vocabulary import TOPICS
from tests.servers import rest_post

REAL_SET = Path(__file__).resolve().parent / "real_set.yml"
PARALLEL_CLIENTS = 4
MAX_TURNS = 3
MAX_CHECK_TURNS = 12  # a check asks each of its conditions at most once when told 不知道
HONEST_TYPES = {"no_specific_rule", "clause_text"}  # a clause quoted as the document's words
CHECK_QUESTION = "eligibility_question"
CHECK_VERDICT = "eligibility_verdict"
WORST_MISSES = 20

# What a judged conversation came to.
CORRECT = "correct"
WRONG = "wrong"  # an entry served that does not answer the question
PARTIAL = "partial"  # the right entry, but a fact the worker needs is missing from the reply
NEEDLESS_ESCALATION = "needless_escalation"  # handed to staff though an entry answers it
NO_ANSWER = "no_answer"  # clarified, asked again, or said nothing useful


@dataclass
class Reply:
    """What the assistant did in one conversation, read from its messages."""

    served: list[str] = field(default_factory=list)  # entry keys given as the answer
    texts: list[str] = field(default_factory=list)  # the text of each served answer
    escalated: bool = False
    honest: bool = False  # said that no specific rule was found
    topic: str | None = None  # the first topic any reply named
    turns: int = 1
    last_type: str | None = None
    check_started: bool = False  # an eligibility check asked its first question
    verdict: str | None = None  # the check's verdict, when it reached one


@dataclass
class Judged:
    item: dict
    reply: Reply
    outcome: str


def load_real_set(path: Path = REAL_SET) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)["questions"])


def read_turn(messages: list[dict], reply: Reply) -> None:
    for message in messages:
        custom = message.get("custom") or {}
        kind = custom.get("type")
        reply.last_type = kind or reply.last_type
        if reply.topic is None and custom.get("topic") in TOPICS:
            reply.topic = str(custom["topic"])
        if custom.get("escalated"):
            reply.escalated = True
        if kind in HONEST_TYPES:
            reply.honest = True
        if kind == CHECK_QUESTION:
            reply.check_started = True
        if kind == CHECK_VERDICT:
            reply.verdict = str(custom.get("verdict") or "")
        if kind == "answer" and custom.get("faq_key"):
            reply.served.append(str(custom["faq_key"]))
            reply.texts.append(str(message.get("text") or ""))


def converse(post: Callable[[str, str], list[dict]], item: dict) -> Reply:
    """One conversation: the question, then the region when the assistant asks for it."""
    sender = f"real-{uuid.uuid4().hex}"
    reply = Reply()
    read_turn(post(sender, item["text"]), reply)
    while reply.last_type == "ask_region" and reply.turns < MAX_TURNS:
        reply.turns += 1
        read_turn(post(sender, str(item.get("region_answer") or "全国")), reply)
    checked = 0
    while reply.last_type == CHECK_QUESTION and checked < MAX_CHECK_TURNS:
        checked += 1
        read_turn(post(sender, "不知道"), reply)
    return reply


def judge(item: dict, reply: Reply) -> str:
    label = item["label"]
    if label == "answer":
        keys = set(item.get("keys") or [])
        for key, text in zip(reply.served, reply.texts, strict=True):
            if key in keys:
                missing = [s for s in item.get("must_contain") or [] if s not in text]
                return PARTIAL if missing else CORRECT
        if reply.served:
            return WRONG
        return NEEDLESS_ESCALATION if reply.escalated else NO_ANSWER
    if reply.served:
        return WRONG
    if label == "out_of_scope":
        return CORRECT if reply.escalated else NO_ANSWER
    return CORRECT if reply.honest or reply.escalated or reply.verdict else NO_ANSWER


def run(rasa_url: str, items: list[dict]) -> list[Judged]:
    def post(sender: str, text: str) -> list[dict]:
        return rest_post(rasa_url, {"sender": sender, "message": text})

    def one(item: dict) -> Judged:
        reply = converse(post, item)
        return Judged(item, reply, judge(item, reply))

    with ThreadPoolExecutor(max_workers=PARALLEL_CLIENTS) as pool:
        return list(pool.map(one, items))


def metrics(judged: list[Judged]) -> dict[str, float]:
    in_scope = [j for j in judged if j.item["label"] != "out_of_scope"]
    answerable = [j for j in in_scope if j.item["label"] == "answer"]
    out_scope = [j for j in judged if j.item["label"] == "out_of_scope"]
    escalated = [j for j in judged if j.reply.escalated and not j.reply.served]

    def share(part: Iterable[Judged], whole: list[Judged]) -> float:
        return sum(1 for _ in part) / len(whole) if whole else 0.0

    return {
        "questions": float(len(judged)),
        "answer_accuracy": share((j for j in in_scope if j.outcome == CORRECT), in_scope),
        "wrong_answer_rate": share((j for j in in_scope if j.outcome == WRONG), in_scope),
        "partial_rate": share((j for j in in_scope if j.outcome == PARTIAL), in_scope),
        "needless_escalation_rate": share(
            (j for j in answerable if j.outcome == NEEDLESS_ESCALATION), answerable
        ),
        "topic_accuracy": share(
            (j for j in in_scope if j.reply.topic == j.item["topic"]), in_scope
        ),
        "coverage": share(answerable, in_scope),
        "out_of_scope_recall": share((j for j in out_scope if j.reply.escalated), out_scope),
        "out_of_scope_precision": share(
            (j for j in escalated if j.item["label"] == "out_of_scope"), escalated
        ),
        # eligibility checks (#13): how often a question starts one, and how often it ends
        # with a verdict (told 不知道 throughout, a check must still reach one)
        "check_start_rate": share((j for j in judged if j.reply.check_started), judged),
        "check_verdict_rate": share(
            (j for j in judged if j.reply.verdict), [j for j in judged if j.reply.check_started]
        ),
    }


def breakdown(judged: list[Judged], by: Callable[[dict], Iterable[str]]) -> dict[str, Counter]:
    table: dict[str, Counter] = defaultdict(Counter)
    for j in judged:
        if j.item["label"] == "out_of_scope":
            continue
        for group in by(j.item):
            table[group][j.outcome] += 1
            table[group]["total"] += 1
    return table


def regressions(numbers: dict[str, float], baseline: dict | None, slack: float) -> list[str]:
    """Answer accuracy may not fall, nor the wrong-answer rate rise, by more than ``slack``."""
    before = (baseline or {}).get("metrics", {}).get("answers")
    if not before:
        return []
    failures = []
    if numbers["answer_accuracy"] < before["answer_accuracy"] - slack - 1e-9:
        failures.append(
            f"answers: answer accuracy {numbers['answer_accuracy']:.3f} is more than "
            f"{slack * 100:.0f} points below the baseline {before['answer_accuracy']:.3f}"
        )
    if numbers["wrong_answer_rate"] > before["wrong_answer_rate"] + slack + 1e-9:
        failures.append(
            f"answers: wrong-answer rate {numbers['wrong_answer_rate']:.3f} is more than "
            f"{slack * 100:.0f} points above the baseline {before['wrong_answer_rate']:.3f}"
        )
    return failures


OUTCOME_COLUMNS = (CORRECT, WRONG, PARTIAL, NEEDLESS_ESCALATION, NO_ANSWER)


def _table(title: str, table: dict[str, Counter]) -> list[str]:
    lines = [
        f"| {title} | questions | " + " | ".join(OUTCOME_COLUMNS) + " |",
        "| --- | --- | " + " | ".join("---" for _ in OUTCOME_COLUMNS) + " |",
    ]
    for group in sorted(table, key=lambda g: (-table[g]["total"], g)):
        row = table[group]
        lines.append(
            f"| {group} | {row['total']} | "
            + " | ".join(str(row[c]) for c in OUTCOME_COLUMNS)
            + " |"
        )
    return lines


def render(judged: list[Judged], numbers: dict[str, float]) -> list[str]:
    labels = Counter(j.item["label"] for j in judged)
    kinds = Counter(j.item.get("kind", "post") for j in judged)
    lines = [
        "## Answers to real questions (`tests/eval/real_set.yml`)",
        "",
        f"{len(judged)} questions that workers posted publicly, each with its source page and "
        f"region ({kinds['post']} posts with a reply, {kinds['editor']} editor- or "
        f"office-written questions, {kinds['title']} question-style page titles). Labels: "
        f"{labels['answer']} answered by an entry, {labels['not_covered']} in scope but not "
        f"covered by the knowledge base, {labels['out_of_scope']} out of scope. Each is a new "
        "conversation through the REST channel; a region question is answered by typing the "
        "worker's region.",
        "",
        "| measure | value |",
        "| --- | --- |",
    ]
    titles = {
        "answer_accuracy": "answer accuracy (right entry with its facts, or the right fallback)",
        "wrong_answer_rate": "wrong-answer rate (an entry served that does not answer)",
        "partial_rate": "partial (right entry, a needed fact missing)",
        "needless_escalation_rate": "needless escalations (of answerable questions)",
        "topic_accuracy": "topic accuracy (in scope)",
        "coverage": "coverage (in-scope questions an entry answers)",
        "out_of_scope_recall": "out-of-scope recall",
        "out_of_scope_precision": "out-of-scope precision",
        "check_start_rate": "eligibility checks started (of all questions)",
        "check_verdict_rate": "eligibility checks reaching a verdict (of those started)",
    }
    for key, title in titles.items():
        lines.append(f"| {title} | {numbers[key]:.3f} |")
    lines += [
        "",
        *_table("topic", breakdown(judged, lambda item: [item["topic"]])),
        "",
        *_table("aspect", breakdown(judged, lambda item: item.get("aspects") or ["other"])),
        "",
    ]
    misses = [j for j in judged if j.outcome != CORRECT]
    order = {WRONG: 0, PARTIAL: 1, NEEDLESS_ESCALATION: 2, NO_ANSWER: 3}
    worst = sorted(misses, key=lambda j: (order[j.outcome], j.item["id"]))[:WORST_MISSES]
    lines += [
        f"### Worst misses ({len(worst)} of {len(misses)}; wrong answers first)",
        "",
        "| id | question | label | outcome | served |",
        "| --- | --- | --- | --- | --- |",
    ]
    for j in worst:
        question = j.item["text"].replace("|", "/").replace("\n", " ")[:60]
        served = ", ".join(j.reply.served) or ("staff" if j.reply.escalated else "—")
        lines.append(
            f"| {j.item['id']} | {question} | {j.item['label']} | {j.outcome} | {served} |"
        )
    return lines + [""]
