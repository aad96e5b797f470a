"""Read a short message as a reply to 请问您在哪个省或城市工作？ (or as a change of region).

A message is a region reply when, once every region name and the usual filler
(我在, 这边, 上班, 就行, 换成 …) are taken out, nothing is left: 宿迁, 我在江苏苏州工业园区,
现在去杭州了, 换成广东的, 全国的就行, 通用的. ``不知道`` / ``不清楚`` only count while
the region question is pending (the caller knows that); they ask for the national rule.
Used by the NLU (``rasa_project/components/region_reply.py``) and the answer action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from changai.vocabulary import NATIONAL
from knowledge.lexicon import Lexicon

# the whole country, or "any rule will do"
NATIONAL_WORDS = (
    "全国通用",
    "全国统一",
    "全国",
    "国家规定",
    "国家的",
    "通用",
    "统一",
    "哪里的都行",
    "哪的都行",
    "哪里都行",
    "哪儿都行",
    "哪都行",
    "不限地区",
    "不限",
    "不分地区",
    "不分",
)
# the worker does not know or will not say: answered with the national rule
UNKNOWN_WORDS = (
    "不是很清楚",
    "不太清楚",
    "不太知道",
    "不知道",
    "不清楚",
    "不确定",
    "说不好",
    "说不上来",
    "说不上",
    "说不清",
    "不晓得",
    "不了解",
    "不好说",
    "没想好",
    "不方便说",
    "不想说",
)
# words around a place name that do not change what is meant, longest first
FILLER_WORDS = (
    "工业园区",
    "经济开发区",
    "开发区",
    "高新区",
    "经开区",
    "工业园",
    "园区",
    "新区",
    "厂子",
    "工厂",
    "公司",
    "单位",
    "我们这边",
    "我们这里",
    "我们那边",
    "我们",
    "咱们",
    "这边",
    "那边",
    "这里",
    "那里",
    "这块",
    "一带",
    "附近",
    "郊区",
    "县城",
    "市区",
    "城区",
    "乡下",
    "农村",
    "老家",
    "户口",
    "现在",
    "目前",
    "已经",
    "上班",
    "工作",
    "打工",
    "干活",
    "做工",
    "上学",
    "生活",
    "就行",
    "就好",
    "就可以",
    "可以",
    "换成",
    "换到",
    "改成",
    "改为",
    "搬到",
    "调到",
    "去了",
    "来了",
    "的话",
    "规定",
    "政策",
    "标准",
    "那个",
    "这个",
    "按照",
    "麻烦",
    "谢谢",
    "你好",
    "您好",
    "请问",
    "还是",
    "地区",
    "地方",
    "城市",
    "省份",
    "人在",
    "属于",
    "这是",
    "给我",
    "说个",
    "我",
    "俺",
    "咱",
    "在",
    "是",
    "的",
    "了",
    "啊",
    "呀",
    "吧",
    "呢",
    "哦",
    "嗯",
    "哈",
    "按",
    "照",
    "用",
    "看",
    "换",
    "改",
    "到",
    "去",
    "来",
    "算",
    "干",
    "那",
    "就",
    "行",
    "好",
    "省",
    "市",
    "区",
    "县",
    "镇",
    "乡",
    "村",
    "街道",
    "厂",
    "人",
    "吗",
    "里",
    "说",
    "给",
    "个",
    "也",
    "很",
    "和",
    "跟",
)
MAX_REPLY_LENGTH = 30
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class RegionReply:
    kind: str  # region | national | unknown
    region: str | None  # the region meant (全国 for national); None for unknown

    @property
    def wants_national(self) -> bool:
        return self.kind in ("national", "unknown")


def _alternation(words: list[str]) -> re.Pattern[str]:
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, ordered)))


class RegionReplyReader:
    """Built once per lexicon: one regex of every region surface, longest first."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._surfaces = lexicon.surfaces.get("region", {})
        self._regions = _alternation(list(self._surfaces))
        self._national = _alternation(list(NATIONAL_WORDS))
        self._unknown = _alternation(list(UNKNOWN_WORDS))
        self._filler = _alternation(list(FILLER_WORDS))

    def regions_in(self, text: str) -> list[str]:
        """The canonical regions named in ``text``, in order (longest spelling wins)."""
        return [self._surfaces[m.group(0)] for m in self._regions.finditer(text)]

    def read(self, text: str) -> RegionReply | None:
        """The reply ``text`` gives to the region question, or None when it says more."""
        compact = _NOISE.sub("", text or "")
        if not compact or len(compact) > MAX_REPLY_LENGTH:
            return None
        named = self.regions_in(compact)
        rest = self._regions.sub("", compact)
        national = bool(self._national.search(rest)) or NATIONAL in named
        rest = self._national.sub("", rest)
        unknown = bool(self._unknown.search(rest))
        rest = self._unknown.sub("", rest)
        if self._filler.sub("", rest):
            return None
        places = [name for name in named if name != NATIONAL]
        if places:
            return RegionReply("region", self._lexicon.most_specific(places))
        if national:
            return RegionReply("national", NATIONAL)
        if unknown:
            return RegionReply("unknown", None)
        return None


_readers: dict[int, tuple[Lexicon, RegionReplyReader]] = {}


def region_reader(lexicon: Lexicon) -> RegionReplyReader:
    """The reader for ``lexicon``, built once (its regex covers every division)."""
    cached = _readers.get(id(lexicon))
    if cached is None or cached[0] is not lexicon:
        cached = (lexicon, RegionReplyReader(lexicon))
        _readers[id(lexicon)] = cached
    return cached[1]
