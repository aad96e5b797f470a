"""Grouping unanswered questions: the groups, their order and representatives, pinned.

The expected values were produced by the hand-written average-linkage loop that
scikit-learn and scipy replaced (issue 10); they must not change.
"""

from __future__ import annotations

import pytest

from knowledge import unanswered_groups
from knowledge.models import UnansweredQuestion

TOY = [
    "老板拖欠工资怎么办",  # 0
    "失业保险金怎么领",  # 1
    "加班费怎么计算",  # 2
    "公司欠薪不发怎么处理",  # 3
    "怎么办",  # 4: no feature at all (a question frame)
    "工伤怎么认定",  # 5
    "加班工资怎么算",  # 6
    "产假有多少天",  # 7
    "年假有多少天",  # 8
    "工伤认定怎么申请",  # 9
    "老闆拖欠工資怎麼辦",  # 10
    "女职工产假几天",  # 11
    "？",  # 12: no feature at all
    "老板拖欠工资怎么办",  # 13: asked again
    "培训补贴标准是多少",  # 14
    "技能补贴标准是多少",  # 15
    "周末加班费是多少倍",  # 16
    "受了工伤怎么申请认定",  # 17
]


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (
            unanswered_groups.SIMILARITY_THRESHOLD,
            [[0, 3, 10, 13], [2, 6, 16], [5, 9, 17], [7, 11], [1], [4], [8], [12], [14], [15]],
        ),
        (0.25, [[0, 3, 10, 13], [2, 6, 16], [5, 9, 17], [7, 8, 11], [14, 15], [1], [4], [12]]),
        (
            0.6,
            [[0, 10, 13], [5, 9, 17], [2, 6], [7, 11], [1], [3], [4], [8], [12], [14], [15], [16]],
        ),
    ],
)
def test_groups_at_each_threshold(analyzer, threshold, expected) -> None:
    assert unanswered_groups.cluster(TOY, analyzer, threshold=threshold) == expected


def test_small_and_featureless_inputs(analyzer) -> None:
    assert unanswered_groups.cluster([], analyzer) == []
    assert unanswered_groups.cluster(["老板拖欠工资怎么办"], analyzer) == [[0]]
    assert unanswered_groups.cluster(["？"], analyzer) == [[0]]
    assert unanswered_groups.cluster(["？", "怎么办", "吗"], analyzer) == [[0], [1], [2]]
    assert unanswered_groups.cluster(["工伤怎么认定"] * 3, analyzer) == [[0, 1, 2]]
    assert unanswered_groups.cluster(["工伤怎么认定", "产假有多少天"], analyzer) == [[0], [1]]


def test_group_rows_representatives_counts_topics_regions(analyzer) -> None:
    topics, regions = ["a", None, "b"], ["广东", None, "上海"]
    rows = [
        UnansweredQuestion(id=100 + i, question=q, topic=topics[i % 3], region=regions[i % 3])
        for i, q in enumerate(TOY)
    ]
    groups = unanswered_groups.group_rows(rows, analyzer)
    assert [
        (g.representative, g.phrasings, g.count, g.topic, g.regions, g.ids) for g in groups
    ] == [
        (
            "老板拖欠工资怎么办",
            ["老板拖欠工资怎么办", "公司欠薪不发怎么处理", "老闆拖欠工資怎麼辦"],
            4,
            "a",
            ["广东"],
            [100, 103, 110, 113],
        ),
        (
            "加班费怎么计算",
            ["加班费怎么计算", "加班工资怎么算", "周末加班费是多少倍"],
            3,
            "b",
            ["上海", "广东"],
            [102, 106, 116],
        ),
        (
            "工伤怎么认定",
            ["工伤怎么认定", "工伤认定怎么申请", "受了工伤怎么申请认定"],
            3,
            "b",
            ["上海", "广东"],
            [105, 109, 117],
        ),
        ("产假有多少天", ["产假有多少天", "女职工产假几天"], 2, "b", ["上海"], [107, 111]),
        ("失业保险金怎么领", ["失业保险金怎么领"], 1, None, [], [101]),
        ("怎么办", ["怎么办"], 1, None, [], [104]),
        ("年假有多少天", ["年假有多少天"], 1, "b", ["上海"], [108]),
        ("？", ["？"], 1, "a", ["广东"], [112]),
        ("培训补贴标准是多少", ["培训补贴标准是多少"], 1, "b", ["上海"], [114]),
        ("技能补贴标准是多少", ["技能补贴标准是多少"], 1, "a", ["广东"], [115]),
    ]
