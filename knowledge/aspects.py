"""What a question asks about its subject: amount, eligibility, how to apply, ...

Each aspect (``changai.vocabulary.ASPECTS``) has cue patterns, regular expressions
over normalised text (:func:`knowledge.text_normalise.normalise`). A question may
ask several aspects; a question with no cue asks none that we can tell. An FAQ
entry's aspects are data (``faq_entries.aspects``), and :func:`entry_aspects`
falls back to the aspects of its phrasings when none are stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from changai.vocabulary import ASPECTS
from knowledge.text_normalise import normalise

# Up to a few characters inside one clause (no sentence punctuation between).
_GAP = r"[^，。？！?!,;；]{0,6}"
_VERB = r"(?:领|申请|申领|享受|报|补|拿|住|租|参加|考|评|办|用|要|给|入会|落户)"
_END = r"(?:吗|不|(?<![什怎这那多])么|嘛|没|没有|呢|啊)"
# 能 as "can", not inside 技能 / 功能 / 职能 / 智能
_CAN = r"(?<![技功职智性])能"

CUES: dict[str, tuple[str, ...]] = {
    "amount": (
        r"多少(?:钱|元|块|费|补贴|补助|资金|租金)",
        r"(?:补|给|发|领|返|报|拿|救助|帮扶|资助|奖励|报销|能补|能领|能给|能拿)(?:了)?多少",
        r"标准是?多少|补贴标准|补助标准|救助标准|收费标准|租金标准|资助标准",
        r"金额|几千|几百块|多少块|多大金额|报销比例|比例多少|租金|月租|房租多少|一个月多少|一年多少",
        r"(?:收费|费用|价格|价钱|花多少|交多少|贵不贵|便宜)",
        r"(?:金|费|补贴|补助|津贴)(?:是|有)多少",
        r"(?:怎么|怎样|咋|如何)(?:核算|计算)|计算方法|计算公式|核算方法|怎么核定",
    ),
    "eligibility": (
        rf"能不能{_VERB}|可不可以{_VERB}|能否{_VERB}|是否(?:能|可以){_VERB}",
        rf"(?:{_CAN}|可以){_GAP}{_VERB}[^，。？！?!,;；]{{0,8}}{_END}",
        r"(?:符合|条件|(?<!职业)资格(?!证)|门槛|够不够|算不算|属不属于|有没有我的份|我的份)",
        rf"哪些.{{0,6}}(?:{_CAN}|可以)|是否有|只有.{{0,8}}(?:{_CAN}|可以)",
        r"(?:哪些人|什么人|谁能|谁可以|哪类人|什么样的人|像我这样|我这种|我这样的)",
        rf"有[^，。？！?!,;；没]{{0,3}}(?:补贴|补助|救助|帮扶|钱|金){_END}",
        r"有没有[^，。？！?!,;；]{0,4}(?:补贴|补助|救助|帮扶|政策)|给不给(?:补|报|钱)",
        r"享受不|还能享受|能享受|认不认|承认|(?:怎么|怎样|咋|如何)(?:认定|算|界定)",
    ),
    "how_to_apply": (
        r"(?:怎么|怎样|咋|如何)(?:去|才能|能)?(?:申请|申领|领取?|办理|补办|报名|报|弄|操作|评|考|登记|入住|住进|建档|加入|参加|查|写|填)",
        r"流程|步骤|手续|程序|申请方式|办理方式|怎么走|网上申请|线上申请|网上办|用哪个app|小程序",
        r"咋整|怎么整|怎么搞",
    ),
    "timing": (
        r"多久|多长时间|多少天|几天|几个工作日|多少个?工作日|多少个月内|几个月内|多长期限",
        r"什么时候|啥时候|何时|哪天|几号|哪个月|几月份?|(?:申请|报名|发放|办理|审核|受理)时间",
        r"到账|期限|截止|时限|时间限制|过期|有效期|多久出|还没(?:到|发|批|下来)|等多久",
    ),
    "materials": (
        r"材料|资料|证明|(?:要|带|提供|准备)\w{0,3}证件|带什么|带啥|准备什么|准备啥|准备些啥",
        r"提供什么|提供啥|要交什么|交哪些",
        r"申请表|表格|填什么|填啥|复印件|身份证",
    ),
    "frequency": (
        r"几次|多少次|几回|两回|两次|每年都|一年一次|一年(?:能|可以)?(?:领|申请|补|享受)几",
        r"再(?:领|申请|补|享受|报)|重复(?:领|申请|享受|补)|第二次|又能|还能再|接着(?:领|享受)",
        r"按月|按年|每月|每个月|每年",
    ),
    "definition": (
        r"(?<!条件)(?<!流程)(?<!区别)(?<!要求)(?<!时间)(?<!材料)(?<!标准)是什么|是啥|什么意思|啥意思|什么概念|啥概念|指什么|指的是|是指|怎么回事|啥叫|什么叫|何为|含义",
        r"(?:哪|几)(?:一)?级|什么级别|啥级别|属于哪|算哪|相当于?什么|包括哪|有哪几种|哪几种",
    ),
    "difference": (
        r"区别|不同|差别|差在哪|差在什么地方|一回事|一样吗|一样不|一样么|是一个证|是同一个?(?:证|东西)|哪个(?:好|管用|高|划算|更)|有啥不一样|有什么不一样",
        r"还是.{1,10}还是|比.{1,8}高吗|比.{1,8}高不",
    ),
    "requirement": (
        r"必须|一定要|非得|非要|是否需要|需不需要|要不要|用不用|得不得|强制",
        r"转租|转借|出租给|合法|违法|合规|违规|允许|有没有规定|有规定吗|有规定没|规定了?吗|能拒绝|可以拒绝|真的假的|是真的吗|靠谱|正规|被骗",
    ),
    "reason": (r"为什么|为啥|为何|凭什么|什么原因|啥原因|原因是什么|是何原因|出于什么考虑",),
    "where": (
        r"(?<!差在)哪里|(?<!差在)哪儿|(?<!差)在哪|去哪|到哪|找谁|找哪|哪个部门|什么部门|啥部门|哪个单位|哪个机构|哪家",
        r"网址|网站|地址|窗口|电话|热线|哪个网|哪个平台",
    ),
}

_PATTERNS: dict[str, re.Pattern[str]] = {
    aspect: re.compile("|".join(f"(?:{p})" for p in CUES[aspect])) for aspect in ASPECTS
}


@lru_cache(maxsize=4096)
def _detect(text: str) -> tuple[str, ...]:
    return tuple(aspect for aspect, pattern in _PATTERNS.items() if pattern.search(text))


# Modal and question words that name nothing, whatever follows them (能不能养, 可不可以带).
# Aspect cues as a whole are not removed: some name the subject (转租, 押金, 证明).
_QUESTION_WORDS = re.compile(
    r"能不能|可不可以|能否|可否|可以|不可以|不能|不行|是不是|有没有|会不会|要不要|需不需要|"
    r"还能|还可以|是否|多少钱|多少|多久|多长时间|什么时候|啥时候|怎么样|怎么办|怎么|怎样|如何|"
    r"哪里|哪儿|哪些|哪个|什么|为什么|为啥|咋样|咋办"
)


# Greetings, thanks and pleas around a question on forums and phones (请问, 急, 求解答).
_FILLER_WORDS = re.compile(
    r"请问一下|请问|请教一下|请教|谢谢大家|谢谢|多谢|麻烦问一下|麻烦问下|麻烦|你好|您好|大家好|"
    r"在线等|急急急|急用|急|跪求|求大神|求大佬|求好心人|求各位|求帮忙|求不鸽我|求别鸽|别鸽我|"
    r"求解答|求回答|求回复|求告知|求指点|求助|请解答一下|请解答"
)


def without_cues(text: str) -> str:
    """``text`` without the words that only ask (能不能, 多少钱, 请问, 求解答), not what about."""
    return _FILLER_WORDS.sub(" ", _QUESTION_WORDS.sub(" ", normalise(text or "")))


def detect_aspects(question: str) -> frozenset[str]:
    """The aspects ``question`` asks about (possibly none), in no particular order."""
    return frozenset(_detect(normalise(question or "")))


def ordered(aspects: Iterable[str]) -> list[str]:
    """``aspects`` in the vocabulary's order (for display and storage)."""
    chosen = set(aspects)
    return [a for a in ASPECTS if a in chosen]


def entry_aspects(
    stored: Iterable[str] | None,
    phrasings: Iterable[str],
    detect: Callable[[str], frozenset[str]] = detect_aspects,
) -> frozenset[str]:
    """An entry's aspects: the stored ones, or else those of its question phrasings
    (``detect``: ``detect_aspects``, or a cache of it)."""
    if stored:
        return frozenset(stored)
    found: set[str] = set()
    for phrasing in phrasings:
        found |= detect(phrasing)
    return frozenset(found)
