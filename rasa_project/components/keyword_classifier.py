"""Rasa's ``KeywordIntentClassifier`` with its patterns compiled once.

Stock ``KeywordIntentClassifier`` builds ``r"\\b" + keyword + r"\\b"`` and calls
``re.search`` for every keyword of every message (and for every pair of
keywords in training). With the project's ~850 keywords, more than the ``re``
module's cache holds, every message recompiled every pattern. This subclass
compiles each pattern once, in the same order, with the same flags, and
otherwise behaves exactly as the stock class (same keyword map, same first
match, same warnings), so the model's answers do not change.

Most messages match no keyword at all, yet the ordered search still tried all
~850 patterns (about 0.5 ms). A single alternation of the keywords that hold no
regex syntax, ``\b(?:k1|k2|...)\b``, matches a text exactly when one of their
own patterns does (the regex engine tries every alternative at every
position); keywords that do hold regex syntax keep their own pattern in the
pre-check. Only when the pre-check finds something does the ordered search
run, so the first match, and the intent, are the stock ones.

With ``whole_message: true`` (the project's config) a keyword counts only when it is the whole
message, surrounding punctuation aside: the stock search also fires on a keyword that
punctuation separates inside a longer message (…补贴吗？谢谢), which is not an exact match of a
training example.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import rasa.shared.utils.io
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.keyword_intent_classifier import KeywordIntentClassifier
from rasa.shared.constants import DOCS_URL_COMPONENTS

logger = logging.getLogger(__name__)


REGEX_SYNTAX = frozenset(".^$*+?{}[]\\|()")
# ``whole_message: true``: a keyword counts only when it is the whole message, so that 好的 or
# 谢谢 inside a question (好的，那宿舍怎么申请) never turns the question into a reply (issue 11).
WHOLE_MESSAGE = "whole_message"
SURROUNDING = " \t\n,.!?;:~、，。！？；：…\"'“”‘’()（）"
_SPLIT = re.compile("[" + re.escape(SURROUNDING) + "]+")
SOCIAL_INTENTS = frozenset({"greet", "thank"})


def is_plain(keyword: str) -> bool:
    """True when ``keyword`` as a regex matches only its own characters."""
    return not REGEX_SYNTAX.intersection(keyword)


def keyword_pattern(keyword: str, case_sensitive: bool) -> re.Pattern[str]:
    """The pattern stock Rasa searches for ``keyword`` (the keyword is a regex there too)."""
    return re.compile(r"\b" + keyword + r"\b", flags=0 if case_sensitive else re.IGNORECASE)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class CompiledKeywordIntentClassifier(KeywordIntentClassifier):
    """``KeywordIntentClassifier`` that compiles its keyword patterns once."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**KeywordIntentClassifier.get_default_config(), WHOLE_MESSAGE: False}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compiled: list[tuple[re.Pattern[str], str]] | None = None
        self._pre_check: list[re.Pattern[str]] | None = None
        self._exact: dict[str, str] | None = None

    def _whole_message_intent(self, text: str) -> str | None:
        """The intent of the keyword that is the whole message (punctuation aside), if any."""
        if self._exact is None:
            fold = (lambda k: k) if self.case_sensitive else str.lower
            self._exact = {}
            for keyword, intent in self.intent_keyword_map.items():
                self._exact.setdefault(fold(keyword), intent)
        fold = (lambda k: k) if self.case_sensitive else str.lower
        whole = self._exact.get(fold(text.strip(SURROUNDING)))
        if whole is not None:
            return whole
        # a message made only of such replies (好的，谢谢 / 谢谢 再见): the first that is not a
        # greeting or thanks answers for it; anything else in the message and none counts
        parts = [fold(p) for p in _SPLIT.split(text) if p]
        if len(parts) == 1:  # 谢谢再见: the normaliser joins Chinese words a space separated
            word = parts[0]
            cuts = [
                [word[:i], word[i:]]
                for i in range(1, len(word))
                if word[:i] in self._exact and word[i:] in self._exact
            ]
            parts = cuts[0] if cuts else parts
        intents = [self._exact.get(p) for p in parts]
        if len(parts) < 2 or None in intents:
            return None
        return next((i for i in intents if i not in SOCIAL_INTENTS), intents[0])

    def _patterns(self) -> list[tuple[re.Pattern[str], str]]:
        if self._compiled is None:
            self._compiled = [
                (keyword_pattern(keyword, bool(self.case_sensitive)), intent)
                for keyword, intent in self.intent_keyword_map.items()
            ]
        return self._compiled

    def _pre_checks(self) -> list[re.Pattern[str]]:
        """Patterns of which one matches a text exactly when some keyword's pattern does."""
        if self._pre_check is None:
            case_sensitive = bool(self.case_sensitive)
            plain = [k for k in self.intent_keyword_map if is_plain(k)]
            checks = [
                keyword_pattern(k, case_sensitive)
                for k in self.intent_keyword_map
                if not is_plain(k)
            ]
            if plain:
                # longest first for speed only: any order gives the same yes or no
                alternation = "(?:" + "|".join(sorted(plain, key=lambda k: (-len(k), k))) + ")"
                checks.insert(0, keyword_pattern(alternation, case_sensitive))
            self._pre_check = checks
        return self._pre_check

    def _map_keyword_to_intent(self, text: str) -> str | None:
        if self.component_config.get(WHOLE_MESSAGE):
            return self._whole_message_intent(text)
        if not any(check.search(text) for check in self._pre_checks()):
            return None
        for pattern, intent in self._patterns():
            if pattern.search(text):
                return intent
        return None

    def _validate_keyword_map(self) -> None:
        self._compiled = self._pre_check = self._exact = None
        patterns = self._patterns()
        ambiguous_mappings = []
        for pattern1, (keyword1, intent1) in zip(
            (p for p, _ in patterns), self.intent_keyword_map.items(), strict=True
        ):
            for keyword2, intent2 in self.intent_keyword_map.items():
                if pattern1.search(keyword2) and intent1 != intent2:
                    ambiguous_mappings.append((intent1, keyword1))
                    rasa.shared.utils.io.raise_warning(
                        f"Keyword '{keyword1}' is a keyword of intent '{intent1}', "
                        f"but also a substring of '{keyword2}', which is a "
                        f"keyword of intent '{intent2}."
                        f" '{keyword1}' will be removed from the list of keywords.\n"
                        f"Remove (one of) the conflicting keywords from the"
                        f" training data.",
                        docs=DOCS_URL_COMPONENTS + "#keyword-intent-classifier",
                    )
        for intent, keyword in ambiguous_mappings:
            self.intent_keyword_map.pop(keyword)
            logger.debug(
                f"Removed keyword '{keyword}' from intent '{intent}' because it matched "
                "a keyword of another intent."
            )
        self._compiled = self._pre_check = self._exact = None
