"""Questions several tests ask."""

# The question of the original acceptance test; its answer cites 1500 yuan.
ACCEPTANCE_QUESTION = "我考了中级工证书能领多少技能提升补贴"
