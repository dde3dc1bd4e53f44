"""Claims about a class's place on the valence/arousal plane: "fear, a negative, high-arousal
emotion", "happy has negative valence", "Disgust, the runner-up at 30%, is a low-arousal emotion",
"Surprise — a positive but low-arousal emotion —", "sad (negative valence, low arousal)".

A description belongs to the class it follows when only an apposition, a copula or punctuation
separates them; descriptions after a contrast ("despite positive valence evidence") or a negation
are not about the class.
"""

from __future__ import annotations

import re

from .lexicon import AROUSAL_CLASS_WORDS, NEGATION, VALENCE_CLASS_WORDS, alternation
from .model import Claim, span
from .probabilities import emotion_mentions
from .text import Clause

_VAL = alternation(VALENCE_CLASS_WORDS)
_ARO = alternation(AROUSAL_CLASS_WORDS)
_NOUN = r"(?:emotions?|states?|feelings?|affects?|moods?|class|one|valence)"
# A valence class: "negative valence", "negative-valence", "a negative emotion", "negative, high-arousal
# emotion", "positive but low-arousal emotion". "neutral" needs its noun ("neutral valence").
_VALENCE = re.compile(r"\b(" + _VAL + r")(?:[- ](?:valence|valenced)\b|(?=(?:\s*(?:,|and|but|/)\s*(?:an?\s+)?"
                      r"(?:" + _ARO + r")[- ]arous\w*)?\s+(?:[\w-]+\s+)?" + _NOUN + r"\b)|(?=\s*,\s*(?:" + _ARO +
                      r")[- ]arous))", re.I)
_AROUSAL = re.compile(r"\b(" + _ARO + r")[- ](?:arousal|arousing)\b|\b(highly|mildly|weakly)\s+arousing\b", re.I)
# What may sit between a class and its description: punctuation, a copula, an apposition ("the
# runner-up at 30%", "the top class") and fillers.
_LINK = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:is\s+the\s+[\w\s'’-]{0,25}?\s*(?=—|–|,|:))?"
                   r"(?:\((?=[^)]*(?:valence|arous|emotion|state|positive|negative))|,\s*(?:(?:the|in|at|ranked|placed|with|on)\s+"
                   r"[\w\s%.()'’-]{0,34}?,)?"
                   r"|—|–|-|:|=)?\s*(?:which\s+|that\s+)?(?:is|was|has|have|carries|shows|being|as|remains|counts as|"
                   r"signals|reflects|means)?\s*(?:\w+ly\s+)?(?:an?\s+|the\s+)?", re.I)
_CONTRAST = re.compile(r"\b(?:despite|although|though|however|even though|whereas|while|versus|vs\.?|unlike|"
                       r"rather than|instead|like|such as|than)\b", re.I)


def class_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    emotions = emotion_mentions(text)
    out = []
    for index, (start, end, emotion) in enumerate(emotions):
        nxt = emotions[index + 1][0] if index + 1 < len(emotions) else len(text)
        link = _LINK.match(text[end:nxt])
        if not link:
            continue
        segment = text[end:nxt]
        description = segment[link.end():link.end() + 60]
        description = re.split(r"[;.]|\b(?:and|but)\s+(?:the|its|it|this|a)\b", description)[0]
        if NEGATION.search(segment[:link.end() + 4]) or _CONTRAST.search(segment[:link.end()]):
            continue
        stated = {}
        valence = _VALENCE.match(description) or (_VALENCE.search(description[:25]) if description[:1] in "(" or
                                                  segment[:link.end()].strip().startswith("(") else None)
        if valence is None:
            valence = _VALENCE.match(description.lstrip("( "))
        arousal = _AROUSAL.search(description[:45])
        if valence and not _CONTRAST.search(description[:valence.start()]):
            stated["valence"] = VALENCE_CLASS_WORDS[valence.group(1).lower()]
        if arousal and not _CONTRAST.search(description[:arousal.start()]) and \
                not NEGATION.search(description[:arousal.start()]):
            word = (arousal.group(1) or arousal.group(2)).lower()
            stated["arousal"] = AROUSAL_CLASS_WORDS.get(word, "high" if word == "highly" else "low")
        if not stated:
            continue
        stop = max(x.end() for x in (valence, arousal) if x)
        noun = re.match(r"(?:\s+[\w-]+){0,2}?\s+" + _NOUN + r"\b", description[stop:])
        stop += noun.end() if noun else 0
        out.append(Claim("class", span(clause, start, end + link.end() + stop), emotion, stated))
    return out
