"""A question asking why is not answered by an entry that only says what the rule is (#11).

No entry explains the reasons behind a rule, so a why-question gets the honest reply with
the office to ask. Every phrasing here is our own.
"""

from __future__ import annotations

import pytest

from changai.vocabulary import ASPECT_LABELS
from knowledge.aspects import detect_aspects


@pytest.mark.parametrize(
    "question", ["补贴为啥只认一年内的证书", "凭什么外地交的社保不算", "为何要先交满一年失业保险"]
)
def test_why_is_an_aspect_of_its_own(question: str) -> None:
    assert "reason" in detect_aspects(question)
    assert ASPECT_LABELS["reason"] == "原因"


def test_a_why_question_gets_the_honest_reply(service) -> None:
    reply = service.find(
        "技能提升补贴为啥规定证书发下来一年内就得申请",
        topic="training_subsidy",
        region=None,
        entities={},
    )
    assert reply.kind == "no_specific_rule", reply.custom
    assert "原因" in reply.custom["aspects"] or "reason" in reply.custom["aspects"]
    assert "12333" in reply.text
