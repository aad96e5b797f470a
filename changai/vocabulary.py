"""The project's shared names, defined once: topics, intents, regions, statuses, event names.

Every package imports these from here (the rules' intent names are checked against the Rasa
data by ``tests/test_vocabulary.py``).
"""

from __future__ import annotations

import enum

NATIONAL = "全国"


class Topic(str, enum.Enum):
    training_subsidy = "training_subsidy"
    skill_grading = "skill_grading"
    dormitory = "dormitory"
    hardship_aid = "hardship_aid"


TOPICS: tuple[str, ...] = tuple(topic.value for topic in Topic)
TOPIC_LABELS: dict[str, str] = {
    Topic.training_subsidy.value: "培训补贴",
    Topic.skill_grading.value: "技能等级",
    Topic.dormitory.value: "职工宿舍",
    Topic.hardship_aid.value: "困难帮扶",
}
# Each topic has one intent, named ask_<topic>, which the rules route to the answer action.
INTENT_TOPICS: dict[str, str] = {f"ask_{topic}": topic for topic in TOPICS}
TOPIC_INTENTS: dict[str, str] = {topic: intent for intent, topic in INTENT_TOPICS.items()}
# Intents the rules hand straight to staff, and Rasa's fallback intent (the rules clarify).
ESCALATE_INTENTS = frozenset({"out_of_scope", "request_human"})
FALLBACK_INTENT = "nlu_fallback"


def topic_label(topic: str | None) -> str:
    """The Chinese label of a topic; an unknown key is shown as is, no topic as 其他."""
    return TOPIC_LABELS.get(topic or "", topic or "其他")


# What a question asks about a subject (knowledge/aspects.py detects them; an FAQ entry
# lists the aspects it answers). Keys are stored; the labels are shown to admins.
ASPECT_LABELS: dict[str, str] = {
    "amount": "金额标准",
    "eligibility": "申领条件",
    "how_to_apply": "申请办法",
    "timing": "办理时间",
    "materials": "所需材料",
    "frequency": "次数",
    "definition": "是什么",
    "difference": "区别",
    "requirement": "是否必须或合规",
    "where": "去哪里办",
    "reason": "原因",
}
ASPECTS: tuple[str, ...] = tuple(ASPECT_LABELS)


def aspect_label(aspect: str) -> str:
    return ASPECT_LABELS.get(aspect, aspect)


class FaqStatus(str, enum.Enum):
    draft = "draft"
    published = "published"
    archived = "archived"


class DocumentStatus(str, enum.Enum):
    active = "active"
    archived = "archived"


FAQ_STATUS_LABELS: dict[str, str] = {
    FaqStatus.draft.value: "草稿",
    FaqStatus.published.value: "已发布",
    FaqStatus.archived.value: "已归档",
}
DOCUMENT_STATUS_LABELS: dict[str, str] = {
    DocumentStatus.active.value: "有效",
    DocumentStatus.archived.value: "已归档",
}


class ConditionStatus(str, enum.Enum):
    """An eligibility condition's state (issue #13): a region's new variant is a draft until an
    admin publishes it; checks read published conditions only. An edit of a published
    condition waits beside it (its ``pending`` change) until published or discarded."""

    draft = "draft"
    published = "published"


class LegalStatus(str, enum.Enum):
    """Whether a policy document's rules still apply (issue #12); ``DocumentStatus`` is the
    admin's own active/archived switch."""

    in_force = "in_force"
    time_limited = "time_limited"  # applies until ``in_force_until``
    lapsed = "lapsed"
    replaced = "replaced"  # by ``replaced_by``


LEGAL_STATUS_LABELS: dict[str, str] = {
    LegalStatus.in_force.value: "现行有效",
    LegalStatus.time_limited.value: "阶段性政策",
    LegalStatus.lapsed.value: "已失效",
    LegalStatus.replaced.value: "已被替代",
}


class SourceKind(str, enum.Enum):
    """Where a document's stored text comes from; "" means not recorded yet."""

    official = "official"
    mirror = "mirror"


class TicketStatus(str, enum.Enum):
    waiting = "waiting"
    claimed = "claimed"
    closed = "closed"


# Why a conversation was handed to staff (a ticket's ``reason``); the labels are shown on the desk.
ESCALATION_REASON_LABELS: dict[str, str] = {
    "out_of_scope": "超出范围",
    "request_human": "要求人工",
    "low_confidence": "两次没听懂",
    "no_answer": "知识库没有答案",
    "no_specific_rule": "没有具体规定",
    "unhelpful": "回答没帮助",
}


def escalation_reason_label(reason: str) -> str:
    return ESCALATION_REASON_LABELS.get(reason, reason)


TICKET_STATUS_LABELS: dict[str, str] = {
    TicketStatus.waiting.value: "等待中",
    TicketStatus.claimed.value: "处理中",
    TicketStatus.closed.value: "已结束",
}
# What each line of a ticket's log records (helpdesk/tickets.py, helpdesk/contacts.py).
TICKET_ENTRY_LABELS: dict[str, str] = {
    "claim": "接手",
    "note": "备注",
    "transfer": "转交",
    "close": "结束",
    "draft": "草稿",
    "contact": "留下号码",
    "reveal": "查看号码",
}


class Role(str, enum.Enum):
    staff = "staff"
    admin = "admin"


ROLES: tuple[str, ...] = tuple(role.value for role in Role)

# The project's tracker store hands Rasa the recent events only; the worker and bot
# messages before them come in one event of this type (rasa_project/tracker_store.py).
EARLIER_LINES_EVENT = "changai_earlier_lines"
TRANSCRIPT_LIMIT = 50
