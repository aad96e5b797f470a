import pytest

from knowledge.text_normalise import (
    MAX_CHARS_FOR_NLU,
    check_input,
    find_mobile,
    mask_mobile,
    mask_mobiles,
    normalise,
    strip_filler,
)


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
        ("138-0013-8000", "mobile_number"),
        ("1380013800", "number_only"),
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


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("13812345678", "13812345678"),
        ("138 1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("+86-139-1234-5678", "13912345678"),
        ("8613812345678", "13812345678"),
        ("我的手机号是15912345678，麻烦回电", "15912345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("440104199001011234", None),  # an 18-digit ID number is not a phone
        ("身份证44010419900101123X", None),
        ("6222021234567890123", None),  # a bank card
        ("1381234567", None),  # ten digits
        ("12812345678", None),  # no mobile starts with 12
        ("138123456789", None),  # twelve digits
        ("补贴1500元，电话12351", None),
    ],
)
def test_find_mobile(raw: str, number: str | None) -> None:
    assert find_mobile(raw) == number


def test_a_message_with_a_mobile_is_gated_and_masked() -> None:
    checked = check_input("我的手机号是 138 1234-5678 请回电")
    assert checked.issue == "mobile_number"
    assert "138****5678" in checked.text and "1234" not in checked.text
    assert check_input("身份证440104199001011234").issue is None  # read as text, not a phone


def test_masking() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobiles("打 13812345678 或 +86 139 1234 5678") == "打 138****5678 或 139****5678"
    assert mask_mobiles("补贴1500元") == "补贴1500元"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # politeness around a question goes (issue 11): the question is what is left
        ("宿舍押金退不退？谢谢！", "宿舍押金退不退"),
        ("您好，请问困难职工建档要什么材料", "困难职工建档要什么材料"),
        ("打扰了，高级工证书怎么查真伪，多谢了", "高级工证书怎么查真伪"),
        ("麻烦问下以工代训补贴发到哪里 在线等", "以工代训补贴发到哪里"),
        ("急！金秋助学几月份报名", "金秋助学几月份报名"),
        ("金秋助学几月份报名？急急急", "金秋助学几月份报名"),
        ("你好呀，我想问一下技师怎么评，辛苦了", "技师怎么评"),
        ("求解答：夫妻两个能一起住宿舍吗", "夫妻两个能一起住宿舍吗"),
        ("焊工证丢了能补办吗?请解答一下,谢谢", "焊工证丢了能补办吗"),
        ("早上好，金秋助学几月份报名", "金秋助学几月份报名"),
        ("hello 技能补贴能网上申请吗", "技能补贴能网上申请吗"),
        ("好的，那公租房要排多久", "那公租房要排多久"),
        ("公租房要排多久 在吗", "公租房要排多久"),
        # politeness alone is the message itself
        ("谢谢", "谢谢"),
        ("您好", "您好"),
        ("好的谢谢", "好的谢谢"),
        ("好的，谢谢", "好的,谢谢"),
        ("hello", "hello"),
        ("谢谢,再见", "谢谢,再见"),
        # words that only look like filler stay
        ("你好像没明白我的意思", "你好像没明白我的意思"),
        ("急需用钱能申请救助吗", "急需用钱能申请救助吗"),
        ("家里情况紧急", "家里情况紧急"),
        ('/inform_region{"region":"广东"}', '/inform_region{"region":"广东"}'),
    ],
)
def test_strip_filler(raw: str, expected: str) -> None:
    assert strip_filler(normalise(raw)) == normalise(expected)


def test_the_question_beside_a_number() -> None:
    from knowledge.text_normalise import question_beside_number

    assert (
        question_beside_number("我电话13812345678，技能提升补贴怎么申请") == "技能提升补贴怎么申请"
    )
    # the words that introduce an ID-card or bank-card number are not part of the question
    assert question_beside_number("身份证110101199003077777 宿舍怎么申请啊") == "宿舍怎么申请啊"
    assert question_beside_number("我的身份证号码是11010119900307777X，金秋助学找谁") == (
        "金秋助学找谁"
    )
    assert question_beside_number("银行卡号6222 0210 0112 3456 789 补贴打到这张卡上行吗") == (
        "补贴打到这张卡上行吗"
    )
    assert question_beside_number("我银行卡6222021001123456789") == ""
    assert question_beside_number("我的手机号是138-1234-5678") == ""
    # the NLU's text has the number masked already: the mask is not part of the question
    assert question_beside_number("我电话138****5678 宿舍咋申请啊") == "宿舍咋申请啊"
    assert question_beside_number("13812345678 谢谢") == ""
