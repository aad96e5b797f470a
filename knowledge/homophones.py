"""Words typed with the wrong characters of the right sound, read as the words meant.

Workers type on phones with pinyin input: picking the first candidate gives the right sound
and the wrong characters (技能提升不贴 for 补贴, 困南 for 困难, 以工代迅 for 以工代训).
Only characters that jieba cannot join into any dictionary word (the lexicon's words
included) are looked at: a run of two or more of them is read as one of the assistant's
own words when it sounds exactly like that word (toneless pinyin from ``pypinyin``) and no
other of our words sounds the same. Words as typed are never rewritten: 宿舍不住了 keeps
不住, which sounds like 补助, and 补贴 今年 keeps 今年, although 补贴今 sounds like 补贴金.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from pypinyin import Style, lazy_pinyin

_HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_LENGTH, MAX_LENGTH = 2, 6


class HomophoneReader:
    """Rewrites sound-alike runs to the vocabulary's words (see the module's docstring)."""

    def __init__(self, vocabulary: Iterable[str], segment: Callable[[str], list[str]]) -> None:
        """``segment``: jieba's cut without new-word discovery (unknown runs come out as single
        characters)."""
        by_sound: dict[tuple[str, ...], set[str]] = {}
        for word in set(vocabulary):
            if MIN_LENGTH <= len(word) <= MAX_LENGTH and all(_HAN.match(c) for c in word):
                by_sound.setdefault(self._sound(word), set()).add(word)
        # a sound two of our words share says nothing about which one was meant
        self._words = {sound: next(iter(w)) for sound, w in by_sound.items() if len(w) == 1}
        self._starts = {sound[0] for sound in self._words}
        self._segment = segment

    @staticmethod
    def _sound(text: str) -> tuple[str, ...]:
        return tuple(lazy_pinyin(text, style=Style.NORMAL))

    def read(self, text: str) -> str:
        """``text`` with sound-alike runs replaced by the words they sound like."""
        if not self._words or not _HAN.search(text):
            return text
        out: list[str] = []
        loose: list[str] = []  # single characters no dictionary word took in
        for token in self._segment(text):
            if len(token) == 1 and _HAN.match(token):
                loose.append(token)
                continue
            out.append(self._read_loose("".join(loose)))
            loose = []
            out.append(token)
        out.append(self._read_loose("".join(loose)))
        return "".join(out)

    def _read_loose(self, run: str) -> str:
        """Forward longest match of our words' sounds over characters no word took in."""
        if len(run) < MIN_LENGTH:
            return run
        sounds = lazy_pinyin(run, style=Style.NORMAL)
        out: list[str] = []
        i = 0
        while i < len(run):
            step, piece = 1, run[i]
            if sounds[i] in self._starts:
                for length in range(min(MAX_LENGTH, len(run) - i), MIN_LENGTH - 1, -1):
                    word = self._words.get(tuple(sounds[i : i + length]))
                    if word is not None:
                        step, piece = length, word
                        break
            out.append(piece)
            i += step
        return "".join(out)
