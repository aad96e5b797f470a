"""The worker's own words decide when the NLU is unsure (issue 11: clarify on real competition)."""

from __future__ import annotations

import pytest

from knowledge.topic_cues import ANSWER, CLARIFY, ESCALATE, cue_finder, resolve_unsure

UNSURE = [("ask_training_subsidy", 0.34), ("ask_skill_grading", 0.31), ("out_of_scope", 0.2)]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("职业技能等级证书分几个等级", "skill_grading"),
        ("拿到的技能证书怎么知道是不是假的", "skill_grading"),
        ("您好，厂里宿舍能不能带家属住，谢谢", "dormitory"),
        ("金秋助学一般几月份开始", "hardship_aid"),
        ("以工代训的钱是按月发吗", "training_subsidy"),
    ],
)
def test_words_pointing_at_one_topic_are_answered_on_it(text: str, topic: str) -> None:
    choice = resolve_unsure(text, UNSURE)
    assert (choice.kind, choice.subjects) == (ANSWER, [topic])


def test_words_pointing_at_two_topics_clarify_with_those_words() -> None:
    choice = resolve_unsure("考出来的证书跟培训补贴有关系吗", UNSURE)
    assert choice.kind == CLARIFY
    assert choice.subjects == ["training_subsidy", "skill_grading"]  # the NLU's order
    assert choice.cues is not None
    assert choice.cues.label("skill_grading") == "证书"
    assert "培训补贴" in choice.cues.label("training_subsidy")


def test_out_of_scope_words_first_in_the_nlu_ranking_go_to_staff() -> None:
    ranking = [("out_of_scope", 0.45), ("ask_dormitory", 0.41)]
    choice = resolve_unsure("住在厂里宿舍 晚上下楼梯摔了算工伤吗", ranking)
    assert choice.kind == ESCALATE


def test_no_telling_words_clarify_between_the_top_two_topics() -> None:
    choice = resolve_unsure("那个事情怎么弄", [("ask_dormitory", 0.3), ("ask_hardship_aid", 0.2)])
    assert choice.kind == CLARIFY and choice.subjects == ["dormitory", "hardship_aid"]
    assert choice.cues is not None and choice.cues.subjects() == []


@pytest.mark.parametrize(
    ("text", "government"),
    [
        ("申请低保需要哪些证明", True),
        ("民政那边的临时救助找谁办", True),
        ("医疗救助按多大比例报", True),
        ("工会的临时救助怎么申请", False),
        ("家里是低保户 能建档成困难职工吗", False),
        ("金秋助学要交什么材料", False),
    ],
)
def test_government_aid_is_told_from_the_unions(text: str, government: bool) -> None:
    assert cue_finder().government_aid_only(text) is government


@pytest.mark.parametrize(
    ("text", "union"),
    [
        ("总工会的大病医疗救助报销上限多少", True),
        ("吃着低保 还能不能找工会帮扶", True),
        ("低保一个月发多少", False),
        ("工会能帮我要回拖欠的工资吗", False),
        ("工会会费每月交多少", False),
    ],
)
def test_the_unions_own_aid_is_told_from_out_of_scope(text: str, union: bool) -> None:
    assert cue_finder().union_aid(text) is union


@pytest.mark.parametrize(
    ("text", "topic", "staff"),
    [
        ("北京市大学生就业补贴什么时候发", "training_subsidy", True),
        ("交满多久可以领失业金", "training_subsidy", True),
        ("武汉中职生助学金什么时候到", "hardship_aid", True),
        ("职工门诊统筹规定多少钱一年", "hardship_aid", True),
        ("现在在领失业金 这期间考个证还能补钱不", "training_subsidy", False),  # 考证: ours
        ("领失业金期间能领技能提升补贴吗", "training_subsidy", False),
        ("孩子上高中 家里困难 工会有助学金吗", "hardship_aid", False),
        ("2023阳江大学生可以申请公租房吗", "dormitory", False),
        ("低保户能申请困难职工帮扶吗", "hardship_aid", False),
        ("申请了低保还能领别的吗", "hardship_aid", True),  # government aid asked as hardship
        ("住公司宿舍要交押金?", "dormitory", True),  # an employer's own terms
        ("企业是否能够强制宿舍员工搬出", "dormitory", True),
        ("公租房押金要交多少", "dormitory", False),
        ("单位宿舍怎么申请", "dormitory", False),
    ],
)
def test_other_programmes_go_to_staff_unless_ours_is_named(
    text: str, topic: str, staff: bool
) -> None:
    from knowledge.topic_cues import not_ours

    assert not_ours(topic, text) is staff


@pytest.mark.parametrize(
    ("text", "topic", "kept"),
    [
        # out of scope by the NLU, but one of our programmes is named: it keeps its topic
        ("考了高级工证书，补贴发放跟医保有关系吗", None, "training_subsidy"),  # 医保: a condition
        ("保育师补贴的钱多久能打到卡上", None, "training_subsidy"),  # a certificate's subsidy
        ("参加技能培训班每天有伙食补助吗", None, "training_subsidy"),
        ("技能等级认定的成绩单丢了怎么补", None, "skill_grading"),
        ("职工互助保障的住院报销怎么算", None, "hardship_aid"),
        # something out of scope by itself is named too: staff take it
        ("参加技能培训路上出了车祸算工伤吗", None, None),
        ("退休人员考了中级证还能领补贴吗", None, None),  # retirement is a subject of its own
        ("大学生就业补贴和技能补贴能一起领吗", None, None),  # another programme
        # on a topic whose programmes it does not name: it moves to the one it names
        ("保租房的租金补贴一个月给多少", "training_subsidy", "dormitory"),
        ("电梯操作证补考报名在哪", "training_subsidy", "skill_grading"),
        ("职工互助保障的住院报销怎么算", "training_subsidy", "hardship_aid"),
        # the NLU's topic stands: it names its own programme, two topics, or none
        ("保租房的租金补贴一个月给多少", "dormitory", None),
        ("困难职工家庭孩子能申请公租房吗", "hardship_aid", None),
        ("考了证能补多少钱", "training_subsidy", None),
    ],
)
def test_a_named_programme_keeps_the_question_on_its_topic(
    text: str, topic: str | None, kept: str | None
) -> None:
    from knowledge.topic_cues import programme_topic

    assert programme_topic(topic, text) == kept


def test_an_unsure_question_naming_our_programme_is_answered_not_handed_over() -> None:
    ranking = [("out_of_scope", 0.45), ("ask_training_subsidy", 0.41)]
    choice = resolve_unsure("技能培训补贴要先交社保吗", ranking)
    assert choice.kind == ANSWER and choice.subjects == ["training_subsidy"]
    assert resolve_unsure("技能培训时受伤了算工伤吗", ranking).kind == ESCALATE


def test_a_programmes_compound_name_settles_an_unsure_question() -> None:
    # a housing subsidy is housing: its 补贴 does not make it compete with the skills subsidy
    ranking = [("ask_training_subsidy", 0.46), ("ask_dormitory", 0.44)]
    choice = resolve_unsure("租房补贴要交哪些材料", ranking)
    assert choice.kind == ANSWER and choice.subjects == ["dormitory"]
    ranking = [("ask_training_subsidy", 0.41), ("out_of_scope", 0.3)]
    choice = resolve_unsure("职工互助保障的门诊费用能报多少", ranking)
    assert choice.kind == ANSWER and choice.subjects == ["hardship_aid"]
    # funeral grants of retired workers: another programme, staff take it
    assert resolve_unsure("退休职工去世了丧葬费谁来发", ranking).kind == ESCALATE
