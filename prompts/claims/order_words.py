"""How people and models say that one recording is above another, or in what order several are:
the words `between.py` reads ordering claims with, whoever wrote them.

    "recording 2", "EEG 2", "the second recording", "the first one"          → a recording
    "more pleasant", "happier", "less negative", "higher valence"           → valence, upward
    "calmer", "less aroused", "lower in arousal", "higher" + "in terms of arousal" → arousal, the side it says
    "3, 1, 2", "3 > 1 > 2", "recording 1 first, then recording 3, then recording 2"  → an order
    "lowest first", "least to most pleasant", "ascending", "calmest first"  → an order written bottom-up
"""

from __future__ import annotations

import re

_NUMBER_WORDS = {"1": 1, "2": 2, "3": 3, "one": 1, "two": 2, "three": 3}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "former": 1, "latter": 2}
RECORDING = re.compile(r"\b(?:recordings?|rec\.?|eeg|file|trial|session|traces?)\s*#?\s*(1|2|3|one|two|three)\b"
                       r"|\b(?:the|[\w]+'s)\s+(first|second|third|former|latter)(?:\s+(?:recording|eeg|file|one|trace))?\b"
                       r"|(?-i:\bR\s?)([1-3])\b"  # "R1 > R2"
                       r"|\b(?:recording|one|eeg|file)\s*\((1|2|3)\)", re.I)  # "the happy recording (2)"

# Words for each dimension (a sentence naming only these words is about that dimension).
VALENCE_WORDS = re.compile(r"\b(?:valence|pleasant(?:ness)?|unpleasant(?:ness)?|positiv(?:e|ity)|negativ(?:e|ity)|"
                           r"happ(?:y|ier|iest|iness)|sad(?:der|dest)?|mood)\b", re.I)
AROUSAL_WORDS = re.compile(r"\b(?:arousal|aroused|arousing|activat(?:ed|ion)|excit(?:ed|ement)|agitat(?:ed|ion)|"
                           r"calm(?:er|est)?|relaxed|tense)\b", re.I)
# A sentence about band power, asymmetry or a probability is not a valence or arousal comparison,
# whatever adjective it uses ("the asymmetry is more positive in recording 2").
_NOT_AFFECT = re.compile(r"\b(?:alpha|beta|theta|delta|gamma|asymmetry|z-?score|power|probabilit(?:y|ies)|signal|"
                         r"quality|channels?|confidence|pattern|match|class)\b", re.I)

# "elevated arousal relative to recording 2": a comparison only where another recording follows it.
_AGAINST = r"(?=\s+(?:relative\s+to|compared\s+(?:with|to)|versus|vs\b))"
_RAISED, _LOWERED = r"(?:elevated|raised|increased|heightened)\s+", r"(?:reduced|decreased|diminished|lowered)\s+"

# (pattern, dimension, +1 up / -1 down); a dimension of None takes the sentence's dimension.
_COMPARATIVES = [(re.compile(p, re.I), dim, sign) for p, dim, sign in [
    (_RAISED + r"valence\b" + _AGAINST, "valence", 1), (_LOWERED + r"valence\b" + _AGAINST, "valence", -1),
    (_RAISED + r"arousal\b" + _AGAINST, "arousal", 1), (_LOWERED + r"arousal\b" + _AGAINST, "arousal", -1),
    (r"\b(?:more|greater|higher)\s+(?:positive|pleasant)(?:\s+valence)?\b|\bhappier\b|\bless\s+(?:negative|unpleasant)\b|"
     r"\b(?:higher|greater|larger|more)\s+valence\b|\bbetter\s+mood\b|\bmore\s+cheerful\b", "valence", 1),
    (r"\b(?:more|greater)\s+(?:negative|unpleasant)(?:\s+valence)?\b|\bless\s+(?:positive|pleasant)\b|\bsadder\b|"
     r"\bunhappier\b|\b(?:lower|smaller|less)\s+valence\b|\bworse\s+mood\b", "valence", -1),
    (r"\bmore\s+(?:aroused|arousing|activated|excited|agitated|tense|alert|excitement|activation)\b|"
     r"\b(?:higher|greater|larger|more)\s+arousal\b|\bless\s+(?:calm|relaxed)\b", "arousal", 1),
    (r"\bcalmer\b|\bmore\s+(?:calm|relaxed|subdued)\b|\bless\s+(?:aroused|arousing|activated|excited|agitated|tense)\b|"
     r"\b(?:lower|smaller|less)\s+arousal\b", "arousal", -1),
    (r"\b(?:higher|greater|larger|bigger|stronger|above|exceeds?|outranks?|outscores?|outstrips?|surpass(?:es)?|"
     r"beats|tops|leads|edges?\s+out|wins?\s+(?:on|in|for)|(?:is\s+)?ahead\s+of)\b|(?<=\s)>(?=\s)", None, 1),
    (r"\b(?:lower|smaller|weaker|below|trails?|lags?\s+behind|lags?|(?:is\s+|falls?\s+)?behind|loses?\s+(?:to|on))\b|"
     r"(?<=\s)<(?=\s)", None, -1),
]]
_NEGATION = re.compile(r"\b(?:not|isn't|isn’t|doesn't|doesn’t|never)\b", re.I)
# "a sign of higher arousal", "typical of more positive valence": what a finding means, not a comparison.
_MEANING_BEFORE = re.compile(r"(?:sign|signs|typical|indicative|marker|associated|suggestive|consistent|hint)\s+(?:of|with)\s+$", re.I)
_NOT_THE_CASE = re.compile(r"\bit\s+is\s+not\s+(?:the\s+case|true)\s+that\b|\bit\s+is\s+false\s+that\b", re.I)


def recording_mentions(text: str) -> list[tuple[int, int, int]]:
    """(start, end, number) of each recording the text names."""
    out = []
    for m in RECORDING.finditer(text):
        word = next(g for g in m.groups() if g).lower()
        out.append((m.start(), m.end(), _NUMBER_WORDS.get(word) or _ORDINALS[word]))
    return out


def sentence_dimension(text: str) -> str | None:
    """The one dimension a sentence's words name (None for none or both): "valence" or "arousal"
    named outright decides; else the words for either, outside brackets ("Recording 3 (surprise
    50%)" names a class, not a dimension)."""
    named = {w.lower() for w in re.findall(r"\b(valence|arousal)\b", text, re.I)}
    if len(named) == 1:
        return named.pop()
    text = re.sub(r"\([^)]*\)", " ", text)
    valence, arousal = bool(VALENCE_WORDS.search(text)), bool(AROUSAL_WORDS.search(text))
    return "valence" if valence and not arousal else "arousal" if arousal and not valence else None


# What a bare "higher" or "tops" may be about: the dimensions' own names, never a class name ("the
# top class is sad" says nothing about which recording is higher).
_VALENCE_NAMES = re.compile(r"\b(?:valence|pleasant(?:ness)?|unpleasant(?:ness)?|positivity|negativity|mood)\b", re.I)
_AROUSAL_NAMES = re.compile(r"\b(?:arousal|aroused|activation|excitement|calm(?:ness)?|agitation)\b", re.I)


def _nearest_dimension(text: str, at: int) -> str | None:
    found = [(abs(m.start() - at), "valence") for m in _VALENCE_NAMES.finditer(text)]
    found += [(abs(m.start() - at), "arousal") for m in _AROUSAL_NAMES.finditer(text)]
    return min(found)[1] if found else None


def comparison(sentence: str) -> tuple[int, str, int, int, int] | None:
    """(recording said to be higher or lower, dimension, +1 higher / -1 lower, start, end) of the
    first comparison of two recordings in `sentence`; None when it makes none."""
    mentions = recording_mentions(sentence)
    if not mentions:
        return None
    for pattern, dimension, sign in _COMPARATIVES:
        m = pattern.search(sentence)
        if not m or _MEANING_BEFORE.search(sentence[max(0, m.start() - 30):m.start()]):
            continue
        if _about_something_else(sentence, m, dimension):
            continue
        dim = dimension or _nearest_dimension(sentence, m.start())
        if dim is None:
            continue
        subject = _subject(sentence, mentions, m.start(), m.end())
        if subject is None:
            continue
        if _negated(sentence, mentions, m.start()):
            sign = -sign
        return subject, dim, sign, min(m.start(), mentions[0][0]), max(m.end(), mentions[-1][1])
    return None


def _about_something_else(sentence: str, match: re.Match, dimension: str | None) -> bool:
    """Whether a comparative is about band power, asymmetry, quality or a probability: a bare
    "higher" or "more positive" in a clause that names one of those and not valence or arousal
    ("the asymmetry is more positive in recording 2", "recording 1 has the stronger signal")."""
    words = match.group(0).lower()
    if dimension is not None and not re.search(r"\b(?:positive|negative)\b", words):
        return False  # "more pleasant", "calmer", "higher arousal": the dimension is in the words
    clause_start = max([m.end() for m in re.finditer(r"[,;:(]|\balthough\b|\bwhile\b|\bbut\b", sentence[:match.start()])],
                       default=0)
    clause_end = min([match.end() + m.start() for m in re.finditer(r"[,;)]|\balthough\b|\bwhile\b|\bbut\b",
                                                                    sentence[match.end():])], default=len(sentence))
    clause = sentence[clause_start:clause_end]
    return bool(_NOT_AFFECT.search(clause)) and not re.search(r"\b(?:valence|arousal)\b", clause, re.I)


def _subject(sentence: str, mentions: list[tuple[int, int, int]], start: int, end: int) -> int | None:
    """Which recording a comparative at [start, end) is said of: the one before "than …", the one
    right after "in/for" ("higher in recording 1"), else the nearest one before it, else after."""
    than = re.search(r"\bthan\b", sentence[end:])
    if than:
        after_than = [m for m in mentions if m[0] >= end + than.start()]
        before = [m for m in mentions if m[1] <= end + than.start() and (not after_than or m[2] != after_than[0][2])]
        if before:
            return before[-1][2]
    right_after = re.match(r"\s*(?:\([^)]*\)\s*)?(?:in|for|with|at)\s+", sentence[end:])
    if right_after:
        following = [m for m in mentions if m[0] == end + right_after.end()]
        if following:
            return following[0][2]
    before = [m for m in mentions if m[1] <= start]
    if before:
        return before[-1][2]
    after = [m for m in mentions if m[0] >= end]
    return after[0][2] if after else None


def _negated(sentence: str, mentions: list[tuple[int, int, int]], at: int) -> bool:
    if _NOT_THE_CASE.search(sentence[:at]):
        return True
    before = [m for m in mentions if m[1] <= at]
    window = sentence[before[-1][1] if before else 0:at]
    return bool(_NEGATION.search(window))


# ---- orders of three or more ----------------------------------------------------------------------

_ITEM = r"(?:(?:recording|rec\.?|eeg|#|(?-i:R))\s*)?([1-9])(?:\s+first)?"
_SEPARATOR = r"\s*(?:,\s*(?:and\s+)?(?:then\s+)?|>|<|;|→|->|\bthen\b|\band then\b|\bfollowed by\b)\s*"
ORDER = re.compile(_ITEM + r"(?:" + _SEPARATOR + _ITEM + r")+", re.I)
# How an order is written bottom-up: "lowest first", "least to most", "ascending", "calmest first",
# "most negative to most positive", "least pleasant to most pleasant".
_LOW_ENDS = [r"most\s+(?:negative|unpleasant|calm|relaxed)", r"least\s+(?:aroused|pleasant|positive|excited)", "calmest",
             "saddest", "least", "lowest", "low", "bottom"]
_HIGH_ENDS = [r"least\s+(?:negative|unpleasant|calm|relaxed)", r"most\s+(?:positive|pleasant|aroused|excited)", "happiest",
              "most", "highest", "high", "top"]
# Two-word ends before one-word ones, whichever side they are on ("least negative" is the top).
_ENDS = [e for e in _LOW_ENDS + _HIGH_ENDS if "\\s" in e] + [e for e in _LOW_ENDS + _HIGH_ENDS if "\\s" not in e]
_END = re.compile(r"\b(?:from\s+)?(?P<end>" + "|".join(_ENDS) + r")\b[\w\s-]{0,20}?\s*(?:to|→|->|first)\b", re.I)
_LOW_ONLY = re.compile(r"^(?:" + "|".join(_LOW_ENDS) + r")$", re.I)
_ASCENDING = re.compile(r"\b(?:ascending|increasing)\b", re.I)
_DESCENDING = re.compile(r"\b(?:descending|decreasing)\b", re.I)
# "ranked by signal quality", "sorted by probability": an order on something else.
_RANKED_BY = re.compile(r"\b(?:rank(?:ed|ing|s)?|order(?:ed|ing|s)?|sort(?:ed|ing)?)\s+(?:them\s+|the\s+recordings\s+)?"
                        r"(?:by|on|according to)\s+(?:how\s+)?([\w\s-]{1,30})", re.I)


def stated_order(sentence: str, n: int) -> tuple[list[int], int, int] | None:
    """(recording numbers highest first, start, end) of an order of all `n` recordings the sentence
    states, turned around when it is written bottom-up; None when it states none."""
    for m in ORDER.finditer(sentence):
        numbers = [int(x) for x in re.findall(r"[1-9]", re.sub(r"(?:recording|rec\.?|eeg|#)\s*", "", m.group(0), flags=re.I))]
        if sorted(numbers) != list(range(1, n + 1)):
            continue
        ascending = "<" in m.group(0) or bool(_ASCENDING.search(sentence))
        if not ascending and not _DESCENDING.search(sentence):
            end = _END.search(sentence)
            ascending = bool(end and _LOW_ONLY.match(re.sub(r"\s+", " ", end.group("end"))))
        return (numbers[::-1] if ascending else numbers), m.start(), m.end()
    return None


# An order told in prose: "recording 3 tops the valence ranking, followed by recording 1, with
# recording 2 last", "recording 2 sits at the bottom, recording 3 in the middle, and recording 1 at
# the top", "recording 1 outranks recording 3, which outranks recording 2".
_TOP_CUE = (r"\b(?:tops?|top|highest|most\s+high|leads?|ahead|outranks?|above|best|greatest|first|"
            r"most\s+(?!negative|unpleasant|calm|relaxed|low)\w+)\b")
_BOTTOM_CUE = (r"\b(?:bottom|lowest|most\s+low|last|trails?|behind|below|least\s+(?!negative|unpleasant|calm|relaxed)\w+|"
               r"most\s+(?:negative|unpleasant|calm|relaxed)|calmest)\b")
_MIDDLE_CUE = r"\b(?:middle|second|third|intermediate|next|then|followed\s+by|after)\b"
_CUES = re.compile(f"(?P<top>{_TOP_CUE})|(?P<bottom>{_BOTTOM_CUE})|(?P<middle>{_MIDDLE_CUE})", re.I)


def prose_order(sentence: str, n: int) -> list[int] | None:
    """Recording numbers highest first, from a sentence naming each of the `n` recordings once with
    a place word for (nearly) each; read top-down or bottom-up from its first end word."""
    mentions = recording_mentions(sentence)
    numbers = [m[2] for m in mentions]
    if sorted(numbers) != list(range(1, n + 1)):
        return None
    blanked = list(sentence)
    for start, end, _ in mentions:
        blanked[start:end] = " " * (end - start)
    cues = list(_CUES.finditer("".join(blanked)))
    ends = [c for c in cues if c.group("top") or c.group("bottom")]
    if len(cues) < n - 1 or not ends:
        return None
    return numbers if ends[0].group("top") else numbers[::-1]


# Words by which a sentence about two recordings states an order ("The encoder's arousal order,
# highest first: recording 2, recording 1"), as against a comparison ("recording 1 is calmer").
_ORDER_WORD = re.compile(r"\b(?:order(?:ed|ing|s)?|rank(?:ed|ing|s)?|sort(?:ed|ing)?|highest\s+first|"
                         r"lowest\s+first|ascending|descending|"
                         r"(?:lowest|highest|least|most)\s+to\s+(?:the\s+)?(?:highest|lowest|most|least))\b", re.I)
CLASSES = "positive|neutral|negative|high|low"  # the valence and arousal classes, as words
_CITED = re.compile(rf"\s*\(({CLASSES})\)", re.I)


# "If both were low arousal, …", "Had recording 1 more happy, …", "in case recording 2 is higher",
# "whether recording 2 is higher": a condition, not a claim. "If I rank them by arousal, …", "if
# anything, …" and "it looks as if …" frame or hedge one that is made.
_CONDITION = re.compile(r"(?<!as )\bif\b(?!\s+(?:I|we|you|one)\s|\s+anything\b)"
                        r"|\b(?:unless|suppose|supposing|assuming|imagine|whether|in\s+case|hypothetical(?:ly)?)\b"
                        r"|^\s*(?:had|were|should)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?;\n](?!\d)")  # not the point of "0.54"


def not_asserted(text: str, start: int, condition_before: int | None = None) -> bool:
    """Whether the claim at `start` in `text` is asked ("Is recording 2 calmer?") or supposed (its
    sentence sets a condition before it, or before `condition_before` where given), not asserted."""
    end = _SENTENCE_END.search(text, start)
    if end and end.group(0) == "?":
        return True
    before = text[:start if condition_before is None else condition_before]
    return bool(_CONDITION.search(_SENTENCE_END.split(before)[-1]))


def calls_itself_an_order(sentence: str) -> bool:
    return bool(_ORDER_WORD.search(sentence))


def cited_classes(sentence: str) -> tuple[str, list[tuple[int, str]]]:
    """(the sentence with the classes cited beside its recordings blanked, [(recording, class)]):
    "recording 2 (positive), trace 1 (negative)" → "recording 2           , trace 1           ",
    [(2, "positive"), (1, "negative")]. Blanked, not cut, so positions in the sentence still hold."""
    text, cited = list(sentence), []
    for _, end, number in recording_mentions(sentence):
        m = _CITED.match(sentence, end)
        if m:
            cited.append((number, m.group(1).lower()))
            text[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(text), cited


def ranked_dimension(sentence: str) -> tuple[bool, str | None]:
    """(whether the sentence says what it ranks by, the dimension: valence, arousal or None for
    anything else, such as signal quality)."""
    m = _RANKED_BY.search(sentence)
    if m:
        return True, sentence_dimension(m.group(1)) or sentence_dimension(sentence[m.start():])
    return False, sentence_dimension(sentence)


__all__ = ["AROUSAL_WORDS", "CLASSES", "ORDER", "RECORDING", "VALENCE_WORDS", "calls_itself_an_order",
           "cited_classes", "comparison", "not_asserted", "prose_order", "ranked_dimension", "recording_mentions",
           "sentence_dimension", "stated_order"]
