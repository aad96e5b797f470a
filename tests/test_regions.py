"""Regions (issue 11): every division from the code table, region replies, labels, when to ask."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import spacy

import knowledge.spacy_pipeline  # noqa: F401  registers the tokenizer
from changai.vocabulary import NATIONAL
from knowledge import catalogue
from knowledge.answering import (
    REGION_QUESTION_MIN_SCORE,
    _local_rules_compete,
    find_answer,
    prefer_local,
    region_note,
    render_answer,
)
from knowledge.indexed_entries import Hit, IndexedEntry, RetrievalResult, SourceInfo
from knowledge.lexicon import LEXICON_DIR, short_form
from knowledge.region_reply import RegionReplyReader

ROOT = Path(__file__).resolve().parent.parent
TABLE = LEXICON_DIR / "divisions" / "adcodes.csv"


@pytest.fixture(scope="module")
def reader(lexicon) -> RegionReplyReader:
    return RegionReplyReader(lexicon)


# ---------------------------------------------------------------- the lexicon from the table


def table_rows() -> list[tuple[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return [(row["adcode"][:6], row["name"]) for row in csv.DictReader(handle)]


def test_every_mainland_province_and_city_of_the_table_is_a_region(lexicon) -> None:
    full_names = {region.full_name for region in lexicon.regions.values()}
    provinces = [n for c, n in table_rows() if c.endswith("0000") and not c.startswith("99")]
    assert len(provinces) == 34 and all(name in full_names for name in provinces)
    cities = [
        name
        for code, name in table_rows()
        if code[4:] == "00"
        and not code.endswith("0000")
        and code[2:4] != "90"
        and not code.startswith(("71", "81", "82", "99"))
        and name not in ("市辖区", "县")
    ]
    missing = [name for name in cities if name not in full_names]
    # a municipality's own city row (北京市 under 北京市) is the province itself
    assert all(name in {"北京市", "天津市", "上海市", "重庆市"} for name in missing), missing
    assert len(cities) - len(missing) > 330


def test_counties_and_districts_come_from_the_table(lexicon) -> None:
    counties = [r for r in lexicon.regions.values() if r.level == "county"]
    assert len(counties) > 2800
    county_rows = [
        name
        for code, name in table_rows()
        if code[4:] != "00" and code[2:4] != "90" and not code.startswith(("71", "81", "82", "99"))
    ]
    assert {r.full_name for r in counties} >= set(county_rows)


@pytest.mark.parametrize(
    ("surface", "chain"),
    [
        ("鼓楼区", None),  # four cities have one: not a region on its own
        ("南京市鼓楼区", ["南京鼓楼区", "南京", "江苏", NATIONAL]),
        ("宿豫区", ["宿豫区", "宿迁", "江苏", NATIONAL]),
        ("宿豫", ["宿豫区", "宿迁", "江苏", NATIONAL]),
        ("福田区", ["福田区", "深圳", "广东", NATIONAL]),
        ("电白区", ["电白区", "茂名", "广东", NATIONAL]),
        ("四会市", ["四会市", "肇庆", "广东", NATIONAL]),
        ("余杭", ["余杭区", "杭州", "浙江", NATIONAL]),
        ("张家港市", ["张家港市", "苏州", "江苏", NATIONAL]),
        ("金水区", ["金水区", "郑州", "河南", NATIONAL]),
        ("双流区", ["双流区", "成都", "四川", NATIONAL]),
        ("黄陂区", ["黄陂区", "武汉", "湖北", NATIONAL]),
        ("闵行区", ["闵行区", "上海", NATIONAL]),
        ("顺义区", ["顺义区", "北京", NATIONAL]),
        ("大理白族自治州", ["大理", "云南", NATIONAL]),
        ("黔东南州", ["黔东南", "贵州", NATIONAL]),
        ("宁夏回族自治区", ["宁夏", NATIONAL]),
        ("仙桃市", ["仙桃", "湖北", NATIONAL]),
        ("即墨市", ["即墨市", "青岛", "山东", NATIONAL]),  # a former name workers still use
        ("和平区", None),  # several cities, and 和平 is a word
    ],
)
def test_full_names_and_short_forms_map_to_city_and_province(lexicon, surface, chain) -> None:
    canonical = lexicon.canonical("region", surface)
    if chain is None:
        assert canonical is None
    else:
        assert lexicon.region_chain(canonical) == chain


@pytest.mark.parametrize("word", ["和平", "长安", "江南", "东方", "平安", "来宾", "安康", "朝阳"])
def test_common_words_are_not_regions(lexicon, word) -> None:
    assert lexicon.canonical("region", word) is None


def test_short_forms() -> None:
    ethnic = ("土家族", "苗族", "蒙古族", "藏族")
    assert short_form("湖北省", "province", ethnic) == "湖北"
    assert short_form("内蒙古自治区", "province", ethnic) == "内蒙古"
    assert short_form("恩施土家族苗族自治州", "city", ethnic) == "恩施"
    assert short_form("海西蒙古族藏族自治州", "city", ethnic) == "海西"
    assert short_form("宿豫区", "county", ethnic) == "宿豫"


def test_most_specific_region_of_several(lexicon) -> None:
    assert lexicon.most_specific(["广东", "佛山", "南海区"]) == "南海区"
    assert lexicon.most_specific(["南海区", "广东"]) == "南海区"
    assert lexicon.most_specific(["安徽", "江苏"]) == "江苏"  # not nested: the last named
    assert lexicon.most_specific(["不存在"]) is None


# ---------------------------------------------------------------- segmentation and the ruler


@pytest.fixture(scope="module")
def nlp():
    path = ROOT / "build" / "spacy_zh"
    if not path.exists():
        pytest.fail("no spaCy pipeline at build/spacy_zh; run `make spacy`")
    return spacy.load(path)


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("宿州的工厂宿舍有人管吗", ["宿州"]),  # 宿州 shares 宿 with 宿舍
        ("宿豫区有没有职工公寓", ["宿豫区"]),
        ("我在浙江台州路桥区", ["浙江", "台州", "路桥区"]),
        ("广西柳州鱼峰区上班", ["广西", "柳州", "鱼峰区"]),
        ("陕西榆林神木市的补贴", ["陕西", "榆林", "神木市"]),
        ("吉林延边州", ["吉林", "延边"]),
        ("住宿补贴怎么领", []),
    ],
)
def test_entity_ruler_finds_divisions_across_provinces(nlp, text, regions) -> None:
    doc = nlp(text)
    assert [e.ent_id_ for e in doc.ents if e.label_ == "region"] == regions
    assert "宿舍" not in [e.ent_id_ for e in doc.ents]


# ---------------------------------------------------------------- reading a region reply


@pytest.mark.parametrize(
    ("text", "kind", "region"),
    [
        ("湖南郴州", "region", "郴州"),
        ("俺在河北沧州任丘市这边干活", "region", "任丘市"),
        ("厂子在宁波北仑区", "region", "北仑区"),
        ("人已经到合肥了", "region", "合肥"),
        ("改为山西的吧", "region", "山西"),
        ("宿州", "region", "宿州"),
        ("按国家规定来", "national", NATIONAL),
        ("哪里的都行", "national", NATIONAL),
        ("全国统一的那个", "national", NATIONAL),
        ("不太清楚", "unknown", None),
        ("我也不晓得", "unknown", None),
        ("宿舍", None, None),
        ("郴州的技能补贴多少", None, None),
        ("好的", None, None),
        ("都行", None, None),  # also a yes to an offer: only a reply while the question is open
    ],
)
def test_region_reply(reader, text, kind, region) -> None:
    reply = reader.read(text)
    if kind is None:
        assert reply is None
    else:
        assert reply is not None and (reply.kind, reply.region) == (kind, region)


# ---------------------------------------------------------------- labels agree with citations


def hit(
    region: str,
    source_region: str | None = None,
    sensitive: bool = True,
    score: float = 0.5,
    match: str = "national",
) -> Hit:
    source = SourceInfo(
        1, "某文件", "", "", source_region or region, dt.date(2024, 1, 1), None, None
    )
    entry = IndexedEntry(
        1, f"k-{region}", "training_subsidy", "问？", "答。", region, sensitive,
        frozenset(), "", 1, source, ("问？",),
    )  # fmt: skip
    return Hit(entry, score, score, match)


@pytest.mark.parametrize(
    ("entry_region", "source_region", "worker", "must", "must_not"),
    [
        ("广东", None, "肇庆", ["广东的规定", "肇庆属于广东"], ["暂未收录", "全国"]),
        ("广东", None, "端州区", ["广东的规定"], ["暂未收录", "全国"]),
        ("苏州", None, "江苏", ["苏州的规定"], ["暂未收录江苏"]),
        ("苏州", None, "苏州", ["苏州的规定"], ["暂未收录"]),
        ("广东", None, "上海", ["暂未收录上海", "广东的做法"], ["全国"]),
        ("全国", "广东", "上海", ["广东的政策材料"], ["全国通用"]),
        ("全国", "广东", None, ["广东的政策材料"], ["全国通用"]),
        ("全国", "广东", "江门", ["广东的规定"], ["全国"]),
        ("全国", None, "青岛", ["全国通用的规定"], []),
    ],
)
def test_region_line_never_contradicts_the_citation(
    lexicon, entry_region, source_region, worker, must, must_not
) -> None:
    reply = render_answer(hit(entry_region, source_region), worker, [], lexicon)
    note, citation = reply.text.split("\n")[0], reply.text.splitlines()[-1]
    shown = source_region or entry_region
    assert f"适用地区：{shown}" in citation
    for word in must:
        assert word in note, note
    for word in must_not:
        assert word not in note, note
    if shown != NATIONAL:
        assert "全国通用" not in note and shown in note
    assert reply.custom["rule_region"] == shown
    assert region_note(hit(entry_region, source_region), worker, lexicon) + "答。" in reply.text


# ---------------------------------------------------------------- when to ask, and local first


def result(*hits: Hit) -> RetrievalResult:
    return RetrievalResult(list(hits), None, [NATIONAL])


def test_region_is_asked_only_when_a_region_answers_this_very_question() -> None:
    best = hit(NATIONAL, score=0.6)
    close_local = hit("广东", score=0.55, match="other")
    far_local = hit("广东", score=0.3, match="other")
    assert _local_rules_compete(result(best, close_local), best, 0.16)
    assert not _local_rules_compete(result(best, far_local), best, 0.16)
    assert not _local_rules_compete(result(best, hit(NATIONAL, score=0.59)), best, 0.16)
    # most of the question is about something no entry mentions
    assert not _local_rules_compete(result(best, close_local), best, 0.16, known_share=0.3)
    # the question matches nothing well: a region would not change the answer
    weak = hit(NATIONAL, score=REGION_QUESTION_MIN_SCORE - 0.05)
    weak_local = hit("北京", score=REGION_QUESTION_MIN_SCORE - 0.06, match="other")
    assert not _local_rules_compete(result(weak, weak_local), weak, 0.16)


def test_the_workers_province_entry_comes_before_a_close_national_one() -> None:
    national = hit(NATIONAL, score=0.5, match="national")
    province = hit("广东", score=0.46, match="parent")
    assert prefer_local(result(national, province), 0.16).best is province
    distant = hit("广东", score=0.3, match="parent")
    assert prefer_local(result(national, distant), 0.16).best is national


def test_seed_knowledge_asks_only_where_regions_differ(service) -> None:
    def decide(question: str, topic: str, region: str | None = None):
        return find_answer(
            service.index,
            service.lexicon,
            question,
            topic=topic,
            region=region,
            entities={},
            threshold=service.settings.retrieval_threshold,
        )

    # 金秋助学: 天门 has its own amounts beside the national entry
    assert decide("金秋助学给多少钱", "hardship_aid").kind == "ask_region"
    # 以工代训 has only a national entry now: answered without asking
    assert decide("以工代训的补贴每月给多少", "training_subsidy").kind != "ask_region"
    # nothing regional on bedding: answered (or not) without asking
    assert decide("厂里宿舍发不发褥子和蚊帐", "dormitory").kind != "ask_region"
    # a 湖北 city gets 湖北's entry, labelled as 湖北's rule
    local = decide("困难职工的孩子读书能补助多少", "hardship_aid", "宜昌")
    assert local.kind == "answer" and local.custom["rule_region"] == "湖北"
    assert local.text.startswith("宜昌属于湖北")


def _add_tianjin_only_entry(service, lexicon) -> None:
    with service.session_factory.begin() as session:
        catalogue.put_document(
            session=session,
            lexicon=lexicon,
            key="test-tianjin-night-school",
            changes={"title": "职工夜校学费补助办法", "issuer": "测试区总工会", "region": "天津"},
            actor="admin",
        )
        catalogue.put_entry(
            session=session,
            lexicon=lexicon,
            key="test-tianjin-night-school-fee",
            changes={
                "topic": "training_subsidy",
                "question": "天津职工夜校的学费工会报销吗？",
                "answer": "职工夜校结业的，区总工会按学费的一半报销。",
                "document": "test-tianjin-night-school",
                "clause": "第二条",
                "status": "published",
                "region": "天津",
            },
            actor="admin",
            today=dt.date(2026, 11, 21),
        )
    service.index._checked_at = float("-inf")


@pytest.mark.parametrize(
    ("region", "kind", "opening"),
    [
        (None, "ask_region", "这个问题我只收录了部分地区的规定，没有全国统一的规定。"),
        ("广东", "answer", "暂未收录广东的相关规定，以下是天津的做法，仅供参考"),
        ("全国", None, None),
    ],
    ids=["unsaid", "another-region", "national-chosen"],
)
def test_a_rule_only_one_region_has(service, lexicon, region, kind, opening) -> None:
    """Only 天津 has a rule on night-school fees: a worker who has not said where is asked
    first; one elsewhere gets 天津's rule, labelled; one who chose the national rule is not
    shown another region's."""
    _add_tianjin_only_entry(service, lexicon)
    reply = find_answer(
        service.index,
        service.lexicon,
        "职工夜校的学费工会报销吗",
        topic="training_subsidy",
        region=region,
        entities={},
        threshold=service.settings.retrieval_threshold,
        fit_threshold=service.settings.fit_threshold,
    )
    if kind is None:
        assert reply.kind not in ("answer", "ask_region"), reply.custom
        return
    assert reply.kind == kind and reply.text.startswith(opening), reply.text
    assert reply.hit is not None and reply.hit.entry.key == "test-tianjin-night-school-fee"
