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
from .text import NUMBER_WORD, Clause, number_word

_VAL = alternation(VALENCE_CLASS_WORDS)
_ARO = alternation(AROUSAL_CLASS_WORDS)
# Words for an arousal class without the word "arousal": "a negative but calm state".
_CALM = {"calm": "low", "relaxed": "low", "quiet": "low", "settled": "low", "agitated": "high", "excited": "high",
         "activated": "high", "aroused": "high", "energised": "high", "energized": "high"}
_CALM_WORDS = alternation(_CALM)
_NOUN = r"(?:emotions?|states?|feelings?|affects?|moods?|class(?:es)?|ones?|valence|quadrants?|labels?|categor(?:y|ies))"
# A valence class: "negative valence", "negative-valence", "a negative emotion", "negative, high-arousal
# emotion", "positive but low-arousal emotion". "neutral" needs its noun ("neutral valence").
_VALENCE = re.compile(r"\b(" + _VAL + r")(?:[- ](?:valence|valenced)\b|(?=(?:\s*(?:,|and|but|/)\s*(?:an?\s+)?"
                      r"(?:(?:" + _ARO + r")[- ]arous\w*|" + _CALM_WORDS + r"|" + _VAL + r"))?\s+(?:[\w-]+\s+)?" + _NOUN + r"\b)|"
                      r"(?=\s*,\s*(?:" + _ARO + r")[- ]arous))", re.I)
_AROUSAL = re.compile(r"\b(" + _ARO + r")[- ](?:arousal|arousing)\b|\b(highly|mildly|weakly)\s+arousing\b|"
                      r"\b(" + _CALM_WORDS + r")\s+(?:[\w-]+\s+)?" + _NOUN + r"\b", re.I)
# What may sit between a class and its description: punctuation, a copula, an apposition ("the
# runner-up at 30%", "the top class") and fillers.
_LINK = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:(?:class|label|quadrant)\b\s*)?(?:is\s+the\s+[\w\s'’-]{0,25}?\s*(?=—|–|,|:))?"
                   r"(?:\((?=[^)]*(?:valence|arous|emotion|state|positive|negative))|,\s*(?:i\.\s?e\.|ie|that\s+is|namely)\s*,?"
                   r"|,\s*(?:(?:the|in|at|ranked|placed|with|on)\s+"
                   r"(?:(?!arous|valence|positive|negative|neutral|calm|only|two\b|both)[\w\s%.()'’-]){0,34}?,)?"
                   r"|—|–|-|:|=)?\s*(?:which\s+|that\s+|(?:(?:with|at)\s+[\d.]+\s*%?\s*)?,\s*(?:it|this\s+one)\s+(?=is\b|was\b))?"
                   r"(?:(?:in|for)\s+(?:this\s+(?:label\s+)?set|this\s+scheme|these\s+labels|SEED[-\w]*|DEAP[-\w]*|DREAMER|"
                   r"the\s+[\w-]+(?:\s+[\w-]+)?\s+(?:label\s+set|scheme|ratings|labels))\s*,?\s*)?"
                   r"(?:(?:here|also|too)\s+){0,2}"  # "Low arousal here also stands for …"
                   # "surprise is grouped with the negative-valence emotions", "fear belongs among the high-arousal ones"
                   r"(?:(?:is|was|are|were)\s+(?:grouped|counted|listed|classed|classified|placed|put)\s+(?:with|among|as)|"
                   r"belongs?\s+(?:to|with|among)|sits\s+(?:with|among)|falls\s+(?:among|into|under|in)|"
                   r"is|was|has|have|carries|shows|being|as|remains|counts as|signals|reflects|means|stands\s+for|"
                   r"corresponds\s+to|denotes|represents|maps\s+(?:on)?to|amounts\s+to|equals|is\s+read\s+as|describes|"
                   r"indicates|captures|stands\s+as)?\s*"
                   r"(?:\w+ly\s+|also\s+)?(?:an?\s+|the\s+)?(?:(?:mildly|slightly|somewhat|weakly|moderately|fairly|rather|"
                   r"quite|clearly|strongly|markedly)\s+)?", re.I)  # "neutral is a mildly positive state"
# "Runner-up disgust (0.24) is, like sad, a negative class": what follows the aside is said of both.
_ASIDE = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:is|was|are|were)?,?\s*(?:just\s+)?(?:like|as\s+with|as\s+is)\s*$", re.I)
# "Fear (11%) and happy (8%), the two positive classes": a plural description of the classes joined before it.
_JOINED = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:,\s*)?and\s*$", re.I)
_PLURAL = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?,?\s*(?:the\s+two|both|all\s+three|the\s+three)\b", re.I)
_ONLY = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?,?\s*(?:(?:is|was|remains|being)\s+)?(?:the\s+|its\s+)?"
                   r"(?:only|sole|single|one\s+and\s+only)\b", re.I)
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
        at = link.end()  # where the description starts in the segment
        # "…, the two positive classes", "…, the only high-arousal class": the description after those words.
        lead = _PLURAL.match(segment) or _ONLY.match(segment)
        if lead:
            at = lead.end() + len(segment[lead.end():]) - len(segment[lead.end():].lstrip())
        description = segment[at:at + 60]
        description = re.split(r"[;.]|\b(?:and|but)\s+(?:the|its|it|this|a)\b", description)[0]
        if NEGATION.search(segment[:link.end() + 4]) or _CONTRAST.search(segment[:link.end()]):
            continue
        stated = {}
        valence = _VALENCE.match(description) or (_VALENCE.search(description[:25]) if description[:1] in "(" or
                                                  segment[:link.end()].strip().startswith("(") else None)
        if valence is None and lead:
            valence = _VALENCE.search(description[:30])
        if valence is None:
            valence = _VALENCE.match(description.lstrip("( "))
        if valence is None:  # "surprise is a class of negative valence"
            tail = re.match(r"\s*(?:an?\s+|the\s+)?" + _NOUN + r"\s+(?:of|with)\s+(?:an?\s+)?(?=" + _VAL + r"[- ]valence)", description,
                            re.I)
            valence = _VALENCE.match(description, tail.end()) if tail else None
        arousal = _AROUSAL.search(description[:45])
        if valence is None and arousal:  # "a high-arousal emotion of negative valence"
            tail = re.match(r"(?:\s+[\w-]+){0,2}?\s+" + _NOUN + r"\s+(?:of|with)\s+(?:an?\s+)?(?=" + _VAL + r"[- ]valence)",
                            description[arousal.end():], re.I)
            valence = _VALENCE.match(description, arousal.end() + tail.end()) if tail else None
        if valence and not _CONTRAST.search(description[:valence.start()]):
            stated["valence"] = VALENCE_CLASS_WORDS[valence.group(1).lower()]
        if arousal and not _CONTRAST.search(description[:arousal.start()]) and \
                not NEGATION.search(description[:arousal.start()]):
            word = (arousal.group(1) or arousal.group(2) or arousal.group(3)).lower()
            stated["arousal"] = _CALM.get(word) or AROUSAL_CLASS_WORDS.get(word, "high" if word == "highly" else "low")
        if not stated:
            continue
        stop = max(x.end() for x in (valence, arousal) if x)
        noun = re.match(r"(?:\s+[\w-]+){0,2}?\s+" + _NOUN + r"\b", description[stop:])
        stop += noun.end() if noun else 0
        if _ONLY.match(segment):  # "the only high-arousal class": no other class of the set is placed so
            stated["only"] = True
        out.append(Claim("class", span(clause, start, end + at + stop), emotion, stated))
        if _PLURAL.match(segment) and index and _JOINED.match(text[emotions[index - 1][1]:start]):
            before = emotions[index - 1]
            out.append(Claim("class", span(clause, before[0], end + at + stop), before[2],
                             {k: v for k, v in stated.items() if k != "only"}))
    # The class before an aside ("disgust is, like sad, a negative …") is described as the one in it.
    for index, (start, end, emotion) in enumerate(emotions[:-1]):
        aside = emotions[index + 1]
        said = next((c for c in out if c.subject == aside[2] and c.text.lower().startswith(text[aside[0]:aside[1]].lower())),
                    None)
        if said is not None and _ASIDE.match(text[end:aside[0]]):
            stated = {k: v for k, v in said.stated.items() if k != "only"}
            said_at = text.find(said.text, aside[0])
            out.append(Claim("class", span(clause, start, said_at + len(said.text)), emotion, stated))
    return out


# How many classes of the set share a placement, and which: "Three of the five classes are negative
# (disgust, fear, sad)", "Of the three valence classes, two are negative", "The low-arousal pair is
# neutral and sad".
_COUNT = r"(\d+|" + NUMBER_WORD + r"|none|no|one|only\s+one)"
# A modifier that names part of the set ("the three top classes", "the two shown") is not the set.
_SET_NOUN = (r"(?:(?!top\b|shown\b|listed\b|leading\b|remaining\b|other\b|first\b|last\b|highest\b|lowest\b|displayed\b|"
             r"named\b|most\b|likeliest\b)[\w-]+\s+)?(?:classes|quadrants|emotions|labels|options|categories)"
             r"(?:\s+in\s+(?:this|the)\s+(?:label\s+)?set)?")
PLACED = (r"(?:(" + _VAL + r")(?:[- ]valence(?:\s+(?:classes|ones))?)?|(" + _ARO + r")[- ]arousal(?:\s+(?:classes|ones))?)(?![\w-])")
_COUNTED = re.compile(r"\b" + _COUNT + r"\s+of\s+the\s+(\d+|" + NUMBER_WORD + r"|all)\s+" + _SET_NOUN + r"\s+(?:are|is|were|was)\s+"
                      + PLACED + r"|\bof\s+the\s+(\d+|" + NUMBER_WORD + r")\s+" + _SET_NOUN + r",\s*" + _COUNT +
                      r"\s+(?:are|is|were|was)\s+" + PLACED, re.I)
_NAMED_GROUP = re.compile(r"\bthe\s+(?:only\s+)?" + PLACED + r"\s+(?:pair|classes|ones|quadrants|emotions|labels|trio|group)"
                          r"(?:\s+(?:is|are|was|were|:)\s+|\s*,\s*)", re.I)
# "Only two classes are negative: fear and anger", "Only one class is positive", "Only neutral is low-arousal".
_BARE_COUNT = re.compile(r"\b(?:(only|just)\s+)?" + _COUNT + r"\s+(?:classes|class|emotions?|labels?|quadrants?)\s+(?:are|is)\s+"
                         + PLACED, re.I)
# "Surprise and anger are the two positive classes".
_ARE_THE_GROUP = re.compile(r"^\s*(?:are|were)\s+(?:the|both|all)\s+(?:\w+\s+)?" + PLACED +
                            r"\s+(?:classes|ones|emotions|labels|quadrants|pair|trio)\b", re.I)


def class_count_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    out = []
    counted = []  # where "N of the M classes are …" was read: a bare count inside it is the same claim
    for m in _COUNTED.finditer(text):
        if m.group(1):
            count, total, valence, arousal = m.group(1), m.group(2), m.group(3), m.group(4)
        else:
            total, count, valence, arousal = m.group(5), m.group(6), m.group(7), m.group(8)
        extra = {"of": number_word(total)} if total and total.lower() != "all" else {}
        out.append(_counted(clause, m, count, valence, arousal, extra))
        counted.append((m.start(), m.end()))
    for m in _BARE_COUNT.finditer(text):
        if not any(a <= m.start() and m.end() <= b for a, b in counted):
            out.append(_counted(clause, m, m.group(2), m.group(3), m.group(4)))
    emotions = emotion_mentions(text)
    for start, end, name in emotions:
        only = re.search(r"\bonly\s+$", text[:start], re.I)
        said = re.match(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:is|was)\s+(?:an?\s+)?" + PLACED + r"(?!\s+(?:and|but|,))", text[end:], re.I)
        if only and said:  # "Only neutral is low-arousal": the one class so placed
            stated = placement_stated(said.group(1), said.group(2))
            stated.update(members=[name], count=1)
            out.append(Claim("class_count", span(clause, only.start(), end + said.end()), "classes", stated))
    for index, (start, end, name) in enumerate(emotions):
        group = _ARE_THE_GROUP.match(text[end:])
        if group is None:
            continue
        listed, first = [name], start
        for prior in reversed(emotions[:index]):  # "Surprise and anger are the two positive classes"
            if not re.fullmatch(r"[\s,]*(?:and\s+|&\s*)?", text[prior[1]:first]):
                break
            listed.insert(0, prior[2])
            first = prior[0]
        if len(listed) >= 2:
            stated = placement_stated(group.group(1), group.group(2))
            stated.update(members=listed, count=len(listed))
            out.append(Claim("class_count", span(clause, first, end + group.end()), "classes", stated))
    for m in _NAMED_GROUP.finditer(text):
        members, end = _members_after(text, m.end(), lead=r"")
        if len(members) >= 2:
            stated = placement_stated(m.group(1), m.group(2))
            stated.update(members=members, count=len(members))
            out.append(Claim("class_count", span(clause, m.start(), end), "classes", stated))
    return out


def _counted(clause: Clause, m: re.Match, count: str, valence: str | None, arousal: str | None,
             extra: dict | None = None) -> Claim:
    """A count of classes so placed, with the classes listed right after it ("…: neutral and fear")."""
    word = count.lower()
    stated = {**placement_stated(valence, arousal), **(extra or {}),
              "count": 0 if word in ("none", "no") else 1 if "one" in word else number_word(count)}
    members, end = _members_after(clause.text, m.end())
    if members:
        stated["members"] = members
    return Claim("class_count", span(clause, m.start(), end), "classes", stated)


def placement_stated(valence: str | None, arousal: str | None) -> dict:
    return {"valence": VALENCE_CLASS_WORDS[valence.lower()]} if valence else \
        {"arousal": AROUSAL_CLASS_WORDS[arousal.lower()]}


def _members_after(text: str, at: int, lead: str = r"\s*(?::|\(|—|–|-|,\s*(?:namely|i\.e\.))\s*") -> tuple[list[str], int]:
    """The classes listed right after `at` ("(disgust, fear, sad)", ": neutral and fear"), and where the list ends."""
    opened = re.match(lead, text[at:], re.I)
    if opened is None:
        return [], at
    cursor, members = at + opened.end(), []
    for start, end, name in emotion_mentions(text):
        if start < cursor:
            continue
        if not re.fullmatch(r"\s*(?:,|and|&|/)?\s*(?:and\s+)?", text[cursor:start]) or (members and cursor == start):
            break
        members.append(name)
        cursor = end
    return members, cursor
