"""Split a worker's message into the questions it asks.

Workers often ask several things at once: a sentence of background, then two or three
questions (能领吗？领多少？去哪领？). Each question is answered on its own, so each part carries
the background sentences written before it, and a follow-up that names no subject of its own
(领多少) carries the first question's subject too, so retrieval sees what it is about.

Pure text work: no knowledge base, no model. ``split_questions`` returns one part for an
ordinary single question, so callers answer as before unless there really are several.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PARTS = 3

# Sentence ends, and the words that start another question inside one sentence.
_SENTENCE_END = re.compile(r"(?<=[？?！!。；;])")
_JOINERS = re.compile(
    r"[，,\s]*(?:另外|还有就是|还有|再问一下|再问下|顺便问一下|顺便问下|以及)[，,：:\s]*"
)
# What makes a clause a question rather than background.
_QUESTION_CUE = re.compile(
    r"[？?]|吗|么|呢|多少|多久|多长时间|什么时候|几[次年个月天级回号]|怎么|怎样|如何|什么|啥|哪|是否|能否|可否|可不可以|"
    r"有没有|是不是|能不能|会不会|要不要|需不需要|给不给|算不算|行不行|咋"
)
# Filler that is never a question by itself.
_FILLER = re.compile(
    r"^(?:请问|你好|您好|麻烦问下|麻烦问一下|打扰了|谢谢|多谢|谢谢您|感谢|急|在线等|求解答|求助)+$"
)
# A follow-up this short, with no noun of its own, leans on the previous question's subject.
_SHORT_FOLLOW_UP = 8
# Words that ask or act rather than name a subject (能领多少, 要找谁申请, 多久到账).
_NOT_SUBJECT = re.compile(
    r"能领|能拿|能补|能给|申请|办理|找谁|去哪|到账|发放|需要|可以|还能|要不要|大概|大约|一般|具体|"
    r"补助|补贴|"
    r"[能领要去找谁补给拿办会是的了吗呢啊呀这那个些么还都就再又]"
)
# A follow-up naming at least this many characters of its own has its own subject.
_OWN_SUBJECT_CHARS = 3
_STRIP = "，,。.！!？?；;：: "
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class QuestionPart:
    """One question of a message: its own words, and the text to search with."""

    asked: str  # the question as the worker wrote it
    search_text: str  # background + (the first question's subject) + the question


def _sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its closing punctuation (a ？ marks a question).

    On a phone a space often stands for the punctuation (技能补贴如何申请 有时间限制吗): the
    words between spaces are taken as sentences too. A single question typed with spaces stays
    one question (``split_questions`` needs two parts that ask something).
    """
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for piece in _JOINERS.split(sentence):
            pieces += [p for p in _SPACES.split(piece) if p.strip(_STRIP)]
    return [p.strip() for p in pieces]


def _is_filler(sentence: str) -> bool:
    return bool(_FILLER.match(re.sub(r"[\s，,。.！!？?~～]", "", sentence)))


def _names_a_subject(question: str) -> bool:
    """The question names something of its own (首席技师是什么), not only what it asks (补多少)."""
    left = _NOT_SUBJECT.sub("", _QUESTION_CUE.sub("", question.strip(_STRIP)))
    return len(left) >= _OWN_SUBJECT_CHARS


def split_questions(text: str) -> list[QuestionPart]:
    """The questions in ``text`` (at most ``MAX_PARTS``), each with the background before it.

    A message with fewer than two questions comes back as a single part holding the whole
    text, so that nothing the worker wrote is lost.
    """
    background: list[str] = []
    questions: list[tuple[str, str]] = []  # (asked, background at that point)
    for sentence in _sentences(text):
        if _is_filler(sentence):
            continue
        if _QUESTION_CUE.search(sentence):
            questions.append((sentence.strip(_STRIP), "，".join(background)))
        else:
            background.append(sentence.strip(_STRIP))
    if len(questions) < 2:
        return [QuestionPart(text.strip(), text.strip())]
    first = questions[0][0]
    parts = []
    for index, (asked, context) in enumerate(questions[:MAX_PARTS]):
        lean = index > 0 and len(asked) <= _SHORT_FOLLOW_UP and not _names_a_subject(asked)
        search = "，".join(p for p in (context, first if lean else "", asked) if p)
        parts.append(QuestionPart(asked, search))
    return parts
