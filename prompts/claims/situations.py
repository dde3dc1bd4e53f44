"""The choice of a situation, checked against the reasoning's own steps: a situation-matching
rationale names the emotion the EEG fits, reads each situation as an emotion, and picks one. The
pick holds when the situation it names was read as that emotion:

    "… fits happy best. Situations: surprise for A, happy for B, fear for C. … situation B fits best" → holds
    "… fits happy best. Situation A reads as happy, B as fear, C as horror. So situation C fits best" → fails

What a situation evokes is world knowledge, not a measurement, so the readings themselves are not
checked here (an evaluation knows each option's intended emotion and scores the answer)."""

from __future__ import annotations

import re

from .lexicon import EMOTION_WORDS

_WORD = r"([A-Za-z-]+)"
_LETTER = r"\b([A-G])\b"
# "happy for B" (emotion first), "Situation A reads as happy, B as fear", "situation C evokes fear"
_EMOTION_FIRST = re.compile(_WORD + r" for " + _LETTER + r"(?![\w)])")
_NAMED = r"\b(?:[Ss]ituation|[Oo]ption) " + _LETTER + r"\)?(?: \([^)]*\))?"
_READS_AS = re.compile(_NAMED + r",? (?:reads as|evokes|suggests|would evoke|points to|is associated with|goes with) "
                       r"(?:an? )?" + _WORD)
_AND_AS = re.compile(r"(?:,|\band\b)\s*" + _LETTER + r"\)? (?:as|reads as|evokes) " + _WORD)
_FITS = re.compile(r"\bfits ([A-Za-z-]+) best\b|\bsuggests ([A-Za-z-]+)\.", re.I)
_CHOICE = re.compile(_NAMED + r" (?:fits|matches) (?:best|it best|the EEG best)\b")


def _emotion(word: str) -> str:
    return EMOTION_WORDS.get(word.lower(), word.lower())


def readings(text: str) -> dict[str, str]:
    """Letter → the emotion the text reads that situation as (the first reading of each letter)."""
    found: list[tuple[int, str, str]] = []
    for m in _EMOTION_FIRST.finditer(text):
        if m.group(1).lower() in EMOTION_WORDS:
            found.append((m.start(), m.group(2), _emotion(m.group(1))))
    for m in _READS_AS.finditer(text):
        found.append((m.start(), m.group(1), _emotion(m.group(2))))
        sentence_end = text.find(".", m.end())
        for more in _AND_AS.finditer(text, m.end(), sentence_end if sentence_end >= 0 else len(text)):
            found.append((more.start(), more.group(1), _emotion(more.group(2))))
    out: dict[str, str] = {}
    for _, letter, emotion in sorted(found):
        out.setdefault(letter, emotion)
    return out


def situation_choice(text: str) -> tuple[str, bool, str, str] | None:
    """(claim text, holds, measured, why) for the situation the text picks, or None when it picks
    none, names no fitted emotion, or reads no situation (nothing to hold the pick to)."""
    choices = list(_CHOICE.finditer(text))
    fitted = [m for m in _FITS.finditer(text) if _emotion(m.group(1) or m.group(2)) in EMOTION_WORDS.values()]
    read = readings(text)
    if not choices or not fitted or not read:
        return None
    choice = choices[-1]
    letter = choice.group(1)
    emotion = _emotion(fitted[-1].group(1) or fitted[-1].group(2))
    measured = ", ".join(f"{x}: {e}" for x, e in sorted(read.items()))
    if read.get(letter) == emotion:
        return choice.group(0), True, measured, f"situation {letter} was read as {emotion}, the emotion the EEG fits"
    elsewhere = [x for x, e in sorted(read.items()) if e == emotion]
    why = (f"situation {letter} was read as {read[letter]}, not {emotion}" if letter in read
           else f"situation {letter} was not read as any emotion")
    if elsewhere:
        why += f"; {emotion} was situation {', '.join(elsewhere)}"
    return choice.group(0), False, measured, why


__all__ = ["readings", "situation_choice"]
