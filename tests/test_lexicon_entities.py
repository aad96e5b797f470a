"""LexiconEntityExtractor's one-regex scan finds exactly the entities of a plain scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
import yaml
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

import knowledge.spacy_pipeline  # noqa: F401  registers the tokenizer
from knowledge.lexicon import load_lexicon
from knowledge.text_normalise import normalise
from rasa_project.components.base import sure_entity
from rasa_project.components.lexicon_entities import EXTRACTOR, LexiconEntityExtractor

ROOT = Path(__file__).resolve().parent.parent


def plain_scan(extractor: LexiconEntityExtractor, message: Message) -> list[dict[str, Any]]:
    """The extractor's loop by hand: at each place of a long token, the longest term there."""
    doc = message.get(SPACY_DOCS[TEXT])
    found = []
    covered: set[int] = set()
    for ent in doc.ents:
        found.append(
            sure_entity(
                ent.label_, ent.ent_id_ or ent.text, ent.start_char, ent.end_char, EXTRACTOR
            )
        )
        covered.update(range(ent.start, ent.end))
    terms = load_lexicon().embedded_terms()  # longest first
    for token in doc:
        if token.i in covered or len(token.text) < 3:
            continue
        position = 0
        while position < len(token.text):
            for entity_type, surface, canonical in terms:
                if token.text.startswith(surface, position):
                    if surface != token.text:
                        start = token.idx + position
                        found.append(
                            sure_entity(
                                entity_type, canonical, start, start + len(surface), EXTRACTOR
                            )
                        )
                    position += len(surface)
                    break
            else:
                position += 1
    return found


def texts() -> list[str]:
    found = []
    for path in sorted((ROOT / "rasa_project" / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    found.append(line.strip()[2:].strip())
    dev = yaml.safe_load((ROOT / "tests" / "eval" / "dev_set.yml").read_text(encoding="utf-8"))
    found += [q["text"] for q in dev["questions"]]
    # terms glued to their neighbours by jieba
    found += [
        "我是广东人",
        "广州人想问宿舍",
        "东莞厂里的高级工证书补贴",
        "汕头市区住房",
        "技师们",
        "上海浦东新区",
    ]
    return found


def test_pre_check_gives_the_plain_scan_s_entities() -> None:
    nlp = spacy.load(ROOT / "build" / "spacy_zh")
    extractor = LexiconEntityExtractor(load_lexicon())
    with_entities = glued = 0
    for text in texts():
        message = Message(data={TEXT: normalise(text)})
        message.set(SPACY_DOCS[TEXT], nlp(message.get(TEXT)))
        expected = plain_scan(extractor, message)
        assert extractor.extract(message) == expected, text
        with_entities += bool(expected)
        glued += len(expected) > len(message.get(SPACY_DOCS[TEXT]).ents)
    assert with_entities > 100
    assert glued >= 3  # the substring path is exercised, not only the ruler's entities
