"""One safe first step for a worker waiting for staff, detected from the message (issue 11).

The steps are data (``seed/first_steps.yml``): what to do first after a work injury, unpaid
wages or a dismissal, each citing the national law it rests on (name, article, its wording and
the official gov.cn address). The out-of-scope hand-off adds the step that fits the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.text_normalise import normalise

FIRST_STEPS = Path(__file__).resolve().parent / "seed" / "first_steps.yml"
OFFICIAL_HOSTS = ("www.gov.cn", "www.npc.gov.cn", "npc.gov.cn")


@dataclass(frozen=True)
class FirstStep:
    key: str
    title: str
    patterns: tuple[re.Pattern[str], ...]
    step: str
    law: str
    article: str
    quote: str
    url: str

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)

    def text(self) -> str:
        """What the worker reads: the step, then the article it rests on."""
        return (
            f"在等待的时候，您可以先做这一步（{self.title}）：{self.step}\n"
            f"依据：《{self.law}》{self.article}：“{self.quote}”（{self.url}）"
        )

    def payload(self) -> dict[str, str]:
        return {"key": self.key, "law": self.law, "article": self.article, "url": self.url}


def _clean(value: object) -> str:
    return re.sub(r"\s+", "", str(value or ""))


def load_first_steps(path: Path = FIRST_STEPS) -> list[FirstStep]:
    with path.open(encoding="utf-8") as handle:
        items = (yaml.safe_load(handle) or {}).get("steps") or []
    steps = []
    for item in items:
        step = FirstStep(
            key=str(item["key"]),
            title=str(item["title"]),
            patterns=tuple(re.compile(str(p)) for p in item["patterns"]),
            step=_clean(item["step"]),
            law=str(item["law"]),
            article=str(item["article"]),
            quote=_clean(item["quote"]),
            url=str(item["url"]),
        )
        if not step.url.startswith("https://") or step.url.split("/")[2] not in OFFICIAL_HOSTS:
            raise ValueError(f"first step {step.key}: the source must be an official gov.cn page")
        steps.append(step)
    return steps


@lru_cache(maxsize=1)
def first_steps() -> tuple[FirstStep, ...]:
    return tuple(load_first_steps())


def first_step_for(question: str) -> FirstStep | None:
    """The first step for the emergency ``question`` describes, or None."""
    text = normalise(question or "")
    return next((step for step in first_steps() if step.matches(text)), None)
