"""The words a reasoning uses for what eegreason measures, each mapped to one canonical meaning.

Rationales come from our templates, from a fine-tuned model that paraphrases them, and from people
(a clinician pasting a note into `eegreason verify`). The checker reads all of them through these
tables, so each synonym is listed once here and nowhere else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from encoders.labels import EMOTIONS, LabelSpace

REGIONS = ("frontal", "central", "temporal", "parietal", "occipital")
BANDS = ("delta", "theta", "alpha", "beta", "gamma")

# Word (lower case, as a regex alternative) → canonical value. Longer alternatives first, so a
# regex alternation tries "happiness" before "happy".
EMOTION_WORDS: dict[str, str] = {
    "happiness": "happy", "happy": "happy", "joyful": "happy", "joy": "happy",
    "surprised": "surprise", "surprise": "surprise",
    "neutral": "neutral",
    "sadness": "sad", "sad": "sad",
    "disgusted": "disgust", "disgust": "disgust",
    "fearful": "fear", "fear": "fear", "afraid": "fear",
    "anger": "anger", "angry": "anger",
}
REGION_WORDS: dict[str, str] = {
    "frontal": "frontal", "frontally": "frontal", "prefrontal": "frontal", "anterior": "frontal", "front": "frontal",
    "central": "central", "centrally": "central",
    "temporal": "temporal", "temporally": "temporal", "temp": "temporal",  # "temp γ ↑ 1.4" in notes
    "parietal": "parietal", "parietally": "parietal", "par": "parietal",  # "par α −0.93" in a lab notebook
    "occipital": "occipital", "occipitally": "occipital", "occ": "occipital",
}
BAND_WORDS: dict[str, str] = {
    "delta": "delta", "δ": "delta", "theta": "theta", "θ": "theta", "alpha": "alpha", "α": "alpha",
    "beta": "beta", "β": "beta", "gamma": "gamma", "γ": "gamma",
}
DIRECTION_WORDS: dict[str, str] = {
    # elevated
    "elevated": "elevated", "raised": "elevated", "increased": "elevated", "higher": "elevated",
    "high": "elevated", "above": "elevated", "enhanced": "elevated", "stronger": "elevated", "greater": "elevated",
    "heightened": "elevated", "up": "elevated", "excess": "elevated", "boosted": "elevated", "rises": "elevated",
    "rose": "elevated", "exceeds": "elevated",
    # reduced
    "reduced": "reduced", "decreased": "reduced", "lower": "reduced", "low": "reduced", "below": "reduced",
    "suppressed": "reduced", "diminished": "reduced", "weaker": "reduced", "depressed": "reduced",
    "attenuated": "reduced", "down": "reduced", "lowered": "reduced", "falls": "reduced", "drops": "reduced",
    "deficit": "reduced",
    # typical
    "typical": "typical", "normal": "typical", "within": "typical", "unremarkable": "typical",
    "average": "typical", "unchanged": "typical", "ordinary": "typical", "expected": "typical",
}
GRADE_WORDS: dict[str, str] = {"good": "good", "fair": "fair", "poor": "poor", "acceptable": "fair",
                               "moderate": "fair", "bad": "poor", "excellent": "good", "clean": "good"}

# Meanings attached to a measurement: (dimension, sign).
MEANINGS: list[tuple[re.Pattern, tuple[str, int]]] = [
    # "positive rather than negative valence": the first one is what is meant.
    (re.compile(r"positive\s+(?:rather than|instead of|and not|,? not)\s+negative\s+(?:valence|emotion|affect)", re.I),
     ("valence", 1)),
    (re.compile(r"negative\s+(?:rather than|instead of|and not|,? not)\s+positive\s+(?:valence|emotion|affect)", re.I),
     ("valence", -1)),
    (re.compile(r"(?:positive|\bpos\.?) (?:valence|emotion|affect|mood|state)s?|\bapproach\b(?![/-]withdrawal)|pleasant|positivity",
                re.I),
     ("valence", 1)),
    (re.compile(r"(?:negative|\bneg\.?) (?:valence|emotion|affect|mood|state)s?|(?<!approach/)(?<!approach-)withdrawal|unpleasant|"
                r"negativity|avoidance", re.I),
     ("valence", -1)),
    (re.compile(r"(?:higher|high|heightened|increased|elevated|greater|more) (?:arousal|activation|alertness|engagement)"
                r"|\baroused\b|\balert(?:ness)?\b|activation|desynchroni[sz]ation", re.I), ("arousal", 1)),
    (re.compile(r"(?:lower|low|reduced|decreased|less) (?:arousal|activation|alertness)|low-arousal|relax\w*|\bcalm\w*|"
                r"drows\w*|\brest(?:ing|ful)?\b|idling", re.I), ("arousal", -1)),
]
# Words that tie a meaning to what precedes it ("…, a sign of positive valence").
LINK = re.compile(r"\b(?:sign|signs|suggest\w*|indicat\w*|consistent with|typical of|reflect\w*|point\w* to|"
                  r"mean\w*|associated with|linked to|marker of|hint\w* at|implies|implying|so|thus|hence|"
                  r"which fits|fitting|favou?ring|pattern of|evidence of|in line with|characteristic of)\b|→|=>", re.I)
NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|rather than|instead of|rules? out|ruling out|unlike|against|"
                      r"argues? against|without|isn't|is not|aren't|doesn't|does not|cannot|can't)\b", re.I)

VALENCE_CLASS_WORDS = {"positive": "positive", "pleasant": "positive", "negative": "negative",
                       "unpleasant": "negative", "neutral": "neutral"}
AROUSAL_CLASS_WORDS = {"high": "high", "higher": "high", "elevated": "high", "strong": "high", "low": "low",
                       "lower": "low", "weak": "low", "calm": "low", "mild": "low"}


def alternation(words) -> str:
    """A regex alternation of `words`, longest first, each a whole word (Greek letters included)."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def word_pattern(words) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + alternation(words) + r"(?![\w-])", re.I)


_COMPOUND = re.compile(r"(?<![\w-])(" + alternation(REGION_WORDS) + r")-(" + alternation(BAND_WORDS) + r")(?![\w-])", re.I)


def unhyphenated(text: str) -> str:
    """The same text with region-band compounds written apart ("a frontal-beta z" → "a frontal beta
    z"), so that they read as the region and band they name (same length)."""
    return _COMPOUND.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)


EMOTION_RE = word_pattern(EMOTION_WORDS)
REGION_RE = word_pattern(REGION_WORDS)
BAND_RE = word_pattern(BAND_WORDS)
DIRECTION_RE = word_pattern(DIRECTION_WORDS)
GRADE_RE = word_pattern(GRADE_WORDS)

assert set(EMOTION_WORDS.values()) == set(EMOTIONS), "every emotion needs its words"


# ---- the classes a text is read in ----------------------------------------------------------------
# A reasoning names the classes of its checkpoint's label set: the emotions (with their synonyms), or
# another set's class names ("negative", "high valence"). Which set a text is read in is scoped to one
# check (`class_vocabulary`), so concurrent checks of different label sets never mix.

_SPACE: ContextVar[LabelSpace | None] = ContextVar("class_space", default=None)


@contextmanager
def class_vocabulary(space: LabelSpace | None) -> Iterator[None]:
    """Read class names as `space`'s classes within this block (None: the emotions)."""
    token = _SPACE.set(space)
    try:
        yield
    finally:
        _SPACE.reset(token)


def class_space() -> LabelSpace | None:
    """The label set texts are read in now (None: the emotions)."""
    return _SPACE.get()


def class_words() -> dict[str, str]:
    """Word → class of the label set texts are read in now."""
    space = _SPACE.get()
    if space is None or space.emotions:
        return EMOTION_WORDS
    return _words(space.labels)


@functools.lru_cache(maxsize=32)
def _words(labels: tuple[str, ...]) -> dict[str, str]:
    return {label.lower(): label for label in labels}


@functools.lru_cache(maxsize=32)
def _class_re(words: tuple[str, ...]) -> re.Pattern:
    return word_pattern(words)


def class_re() -> re.Pattern:
    """The pattern of the current class words (the emotions' by default)."""
    words = class_words()
    return EMOTION_RE if words is EMOTION_WORDS else _class_re(tuple(words))
