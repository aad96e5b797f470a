import pytest

from knowledge.text_normalise import MAX_CHARS_FOR_NLU, check_input, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("技能提升補貼怎麼申請", "技能提升补贴怎么申请"),
        ("產(chǎn)業(yè)工人", "产业工人"),
        ("技能提升补贴（bǔ tiē）多少", "技能提升补贴多少"),
        ("ＡＢＣ１２３中级工", "ABC123中级工"),
        ("宿舍怎么申请！！！？？？", "宿舍怎么申请?"),
        ("补贴。。。。", "补贴。"),
        ("  宿舍   怎么  申请  ", "宿舍怎么申请"),
        ("宿舍怎么申请🙏😀", "宿舍怎么申请"),
        ("\x00中级\x07工\u200b证书", "中级工证书"),
        ("我想问skill提升补贴", "我想问skill提升补贴"),
        ('/inform_region{"region":"广东"}', '/inform_region{"region":"广东"}'),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "issue"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x01\x02", "empty"),
        ("😀😀👍", "emoji_only"),
        ("how can I get the training subsidy", "foreign"),
        ("123456", "number_only"),
        ("440104199001011234", "number_only"),
        ("138-0013-8000", "number_only"),
        ("？！。", "symbols_only"),
        ("补" * (MAX_CHARS_FOR_NLU + 4000), "too_long"),
    ],
)
def test_unreadable_input_is_named(raw: str, issue: str) -> None:
    assert check_input(raw).issue == issue


@pytest.mark.parametrize(
    "raw",
    [
        "技能提升补贴怎么领",
        "我想问skill提升补贴",
        "產(chǎn)業(yè)工人补贴",
        "宿舍 😀",
        "4级证补多少",
    ],
)
def test_readable_input_has_no_issue(raw: str) -> None:
    assert check_input(raw).issue is None


def test_too_long_keeps_a_bounded_prefix() -> None:
    checked = check_input("补贴" * 5000)
    assert checked.issue == "too_long"
    assert 0 < len(checked.text) <= MAX_CHARS_FOR_NLU
