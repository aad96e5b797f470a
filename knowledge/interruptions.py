"""Whether a reply to an eligibility question is another question instead (issue #13).

While a check asks 您累计交了多长时间的失业保险？ a worker may ask something else
(技能等级证书怎么查真伪); that message pauses the check and is answered as usual. A short
answer (四级, 一年多, 没交过) or nonsense (呵呵, an emoji) does not: the form validates it and,
when it is no answer, asks again with the hint. A message is another question when

- it asks for information (怎么, 如何, 哪里, 什么, 多少, 是否, 有没有 …), even when one of its
  words would fit the answer (技能等级证书怎么查真伪 while asked which certificate it is);
- it fits no accepted answer and ends as a question (…吗, …？); 四级可以吗 is an answer;
- it fits no accepted answer, is more than a few characters, and NLU is sure that it asks
  about a subject (a topic intent, out of scope, who are you): 宿舍申请流程.

Pure text work: whether the text fits an accepted answer is decided by the caller
(``knowledge.eligibility_answers``), the intent by NLU.
"""

from __future__ import annotations

import re

# Words that ask for information. 几 asks only where it is not part of a number (十几个月).
_INFORMATION = re.compile(
    r"怎么|怎样|如何|咋|哪|什么|啥|为什么|为啥|多少|多久|多长时间|是否|能否|可否|"
    r"有没有|是不是|能不能|会不会|要不要|需不需要|可不可以|算不算|行不行|给不给|用不用|"
    r"几[级次个年月天号岁]"
)
# The same words used as "any" or "none", and 几 in a number: not a question.
_NOT_ASKING = re.compile(
    r"没(有)?(什么|啥)|(什么|啥|哪儿|哪里|哪|怎么)(都|也)|哪怕|多少(有|还|也)|"
    r"[0-9十百零一二两俩三四五六七八九好]几"
)
_ENDS_AS_QUESTION = re.compile(r"[？?]|[吗么嘛呢][\s。.!！~～]*$")
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

# NLU intents of a question about a subject, rather than an answer or a social reply.
QUESTION_INTENTS = frozenset(
    {
        "ask_training_subsidy",
        "ask_skill_grading",
        "ask_dormitory",
        "ask_hardship_aid",
        "out_of_scope",
        "bot_identity",
    }
)
MIN_CONFIDENCE = 0.8  # DIET's sure guesses; answers it is unsure of are nlu_fallback
MIN_CHARACTERS = 4  # 四级, 呵呵, 电工证 are too short to be taken for a question by intent


def asks_for_information(text: str) -> bool:
    """True when the text asks something (怎么查, 在哪里办, 有没有, 我能报几级)."""
    return bool(_INFORMATION.search(_NOT_ASKING.sub("", text)))


def ends_as_question(text: str) -> bool:
    """True when the text is put as a question (…吗, …呢, a question mark)."""
    return bool(_ENDS_AS_QUESTION.search(text.strip()))


def is_other_question(
    text: str, *, fits_answer: bool, intent: str | None = None, confidence: float = 0.0
) -> bool:
    """True when a reply to an eligibility question asks another question instead.

    ``fits_answer``: the text is an accepted answer to the question asked; ``intent`` and
    ``confidence``: NLU's reading of the message.
    """
    if not _CONTENT.search(text):  # ？？, an emoji: nonsense, asked again with the hint
        return False
    if asks_for_information(text):
        return True
    if fits_answer:
        return False
    if ends_as_question(text):
        return True
    long_enough = len(_CONTENT.findall(text)) >= MIN_CHARACTERS
    return intent in QUESTION_INTENTS and confidence >= MIN_CONFIDENCE and long_enough


# How NLU marks 继续 (rasa_project/components/resume_cue.py) and the pause note's button says it.
RESUME_INTENT = "affirm"
RESUME_ENTITY, RESUME_VALUE = "resume", "eligibility_check"

# 继续 / 继续刚才的检查 / 接着查 / 回到刚才的问题 / 刚才的检查接着做, as the whole message (好的,
# 我们, 吧 around it allowed). 回到 and 返回 need what they go back to.
_GO_ON = r"(继续|接着)(回答|问|查|核对|做|来)?"
_EARLIER = r"(刚才|之前|前面|上次)?(的|那个)?(没(查|做)完的)?"
_THE_CHECK = r"(检查|核对|问题|资格核对)"
_RESUME = re.compile(
    r"^(好的?|嗯|行|那|那就|可以)?(我们|咱们)?("
    rf"{_GO_ON}({_EARLIER}{_THE_CHECK}?)?"
    rf"|(回到|返回){_EARLIER}{_THE_CHECK}"
    rf"|{_EARLIER}{_THE_CHECK}(继续|接着)(查|做|来|问)?"
    r")(吧|啊|呀|了)?$"
)
_PUNCTUATION = re.compile(r"[\s，,。.!！~～、]+")


def is_resume(text: str) -> bool:
    """True when the whole message asks to go on with the check that waits (继续, 接着查,
    回到刚才的问题, 继续刚才的检查), not when it says more (继续教育补贴怎么领)."""
    return bool(_RESUME.match(_PUNCTUATION.sub("", text)))
