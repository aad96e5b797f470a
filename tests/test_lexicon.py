from changai.vocabulary import NATIONAL


def test_region_chain_falls_back_to_province_then_nation(lexicon) -> None:
    assert lexicon.region_chain("武汉") == ["武汉", "湖北", NATIONAL]
    assert lexicon.region_chain("湖北") == ["湖北", NATIONAL]
    assert lexicon.region_chain(None) == [NATIONAL]
    assert lexicon.region_chain(NATIONAL) == [NATIONAL]
    assert lexicon.region_chain("不存在的地方") == [NATIONAL]


def test_aliases_map_to_canonical_values(lexicon) -> None:
    assert lexicon.canonical("region", "广东省") == "广东"
    assert lexicon.canonical("skill_level", "四级") == "中级工"
    assert lexicon.canonical("skill_level", "五级") == "初级工"
    assert lexicon.canonical("skill_level", "一级") == "高级技师"


def test_every_seed_region_is_in_the_lexicon(lexicon) -> None:
    from knowledge.seed_loader import read_seed

    documents, entries = read_seed()
    for item in [*documents, *entries]:
        assert item.get("region", NATIONAL) in lexicon.regions, item["key"]


def test_no_surface_form_is_ambiguous(lexicon) -> None:
    seen: dict[str, str] = {}
    for entity_type, surface, _canonical in lexicon.all_terms():
        assert surface not in seen or seen[surface] == entity_type, surface
        seen[surface] = entity_type
