"""Build the project's own spaCy pipeline from the lexicon: blank zh, jieba, entity ruler.

No weights are downloaded: the pipeline is ``spacy.blank("zh")`` with a jieba
segmenter that knows the lexicon's words, and an entity ruler whose patterns
carry each term's canonical value as their ``id``. Importing this module
registers the tokenizer, so ``spacy.load`` can read the saved pipeline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.language import Language

from knowledge.lexicon import LEXICON_DIR, Lexicon, load_lexicon_from

TOKENIZER_NAME = "changai.LexiconJiebaTokenizer.v1"
PIPELINE_NAME = "changai_zh"


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_lexicon_tokenizer(words: list[str]) -> Callable[[Language], ChineseTokenizer]:
    def factory(nlp: Language) -> ChineseTokenizer:
        tokenizer = ChineseTokenizer(nlp.vocab, segmenter=Segmenter.jieba)
        for word in words:
            tokenizer.jieba_seg.add_word(word)  # type: ignore[union-attr]
        return tokenizer

    return factory


def lexicon_fingerprint(directory: Path = LEXICON_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted([*directory.glob("*.yml"), *directory.glob("divisions/*.csv")]):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    for module in ("lexicon.py", "divisions.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:16]


def build_pipeline(lexicon: Lexicon) -> Language:
    terms = lexicon.all_terms()
    words = sorted({surface for _, surface, _ in terms if len(surface) > 1})
    nlp = spacy.blank(
        "zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME, "words": words}}}
    )
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": entity_type, "pattern": surface, "id": canonical}
            for entity_type, surface, canonical in terms
        ]
    )
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "产改通 Chinese pipeline built from knowledge/lexicon"
    return nlp


def ensure_pipeline(out_dir: Path, lexicon_dir: Path = LEXICON_DIR) -> bool:
    """Build into ``out_dir`` unless it already matches the lexicon; True if built."""
    fingerprint = lexicon_fingerprint(lexicon_dir)
    stamp = out_dir / "lexicon_fingerprint.json"
    if stamp.exists() and json.loads(stamp.read_text())["fingerprint"] == fingerprint:
        return False
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp = build_pipeline(load_lexicon_from(lexicon_dir))
    nlp.to_disk(out_dir)
    stamp.write_text(json.dumps({"fingerprint": fingerprint}))
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    built = ensure_pipeline(args.out_dir)
    print(f"spaCy pipeline {'built' if built else 'up to date'}: {args.out_dir}")


if __name__ == "__main__":
    main()
