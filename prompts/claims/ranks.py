"""Claims about the order of the encoder's pattern match: a class's rank and how two classes compare.

    "closest to fear", "sad leads", "neutral is the runner-up", "puts sad first and neutral
    second", "followed by surprise", "the neutral follows with 26%"        → rank
    "sad well ahead of fear", "happy narrowly tops neutral", "disgust trails anger", "disgust and
    fear are tied", "the fear, which is more probable as the anger"        → order
"""

from __future__ import annotations

import re

from .lexicon import NEGATION, alternation, class_space
from .model import Claim, span
from .parts import times
from .probabilities import SOURCE, class_alternation, class_patterns, emotion_mentions, scoped
from .text import NUMBER_WORD, Clause, Number

_ORDINALS = {"first": 1, "top": 1, "leads": 1, "lead": 1, "leading": 1, "highest": 1, "tops": 1, "dominates": 1,
             "most likely": 1, "most probable": 1, "best match": 1, "strongest": 1, "favourite": 1, "favorite": 1,
             "wins": 1, "won": 1, "prevails": 1, "edges it on top": 1, "edges it": 1, "edges ahead": 1, "comes out on top": 1, "came out on top": 1,
             "on top": 1, "more likely of the two": 1, "more probable of the two": 1,
             "second-most-likely": 2, "second most likely": 2, "second-most-probable": 2, "second most probable": 2,
             "third most likely": 3, "third-most-likely": 3, "third most probable": 3,
             # 0: last ("the least likely class")
             "least likely": 0, "least probable": 0, "last": 0, "less likely of the two": 0,
             "less probable of the two": 0,
             "second": 2, "runner-up": 2, "runner up": 2, "next": 2, "second-best": 2, "second best": 2,
             "third": 3, "1st": 1, "2nd": 2, "3rd": 3, "top-ranked": 1, "second-ranked": 2, "third-ranked": 3,
             "top ranked": 1, "second ranked": 2, "third ranked": 3}
_ORD = alternation(_ORDINALS)
# "X is the (encoder's) second choice", "X leads with 35%", "X, the top class,", "X is first"
_AFTER = re.compile(r"^\s*(?:\(\s*[^)]{0,12}\)\s*)?,?\s*(?:at\s+[\d.]+\s*%?\s*,\s*)?(?:is|was|comes|comes in|ranks?|sits|stands|as|placed|"
                    r"the)?\s*(?:with\s+[\d.]+\s*%\s+)?(?:in\s+)?(?:the\s+|a\s+)?(?P<margin>clear\s+|close\s+|distant\s+|clear-cut\s+|narrowly\s+|clearly\s+|"
                    r"easily\s+|comfortably\s+|just\s+|only\s+)?"
                    r"(?:(?:encoder|model|classifier|pattern match)(?:'s)?\s+)?(?P<ordinal>" + _ORD + r")(?![\w-])"
                    # not a part of the recording: "happy in the first 16 s", "disgust in the last third"
                    r"(?!\s+(?:\d+(?:\.\d+)?\s*-?\s*|" + NUMBER_WORD + r"(?:\s+|\s*-\s*))?(?:s|secs?|seconds?|mins?|minutes?|"
                    r"half|third|quarter|part|portion|segment|stretch|phase|section|window|epoch|block)s?\b"
                    # nor a part with its seconds in brackets: "fear the second (16–32 s, 26%)"
                    r"|\s*\(\s*\d+(?:\.\d+)?\s*(?:-|–|—|to)\s*\d)", re.I)
# "the neutral follows with 26%": the place after the class before it
_FOLLOWS = re.compile(r"\s*(?:follows|comes\s+next|is\s+next)\b", re.I)
# "the top class is X", "followed by X", "then X", "puts X first"
_BEFORE = re.compile(r"(?:(?:top|first|leading|highest|most likely|most probable|best|strongest)\s+(?:class|match|"
                     r"candidate|guess|choice|emotion|label|pick)?\s*(?:is|:|=|goes to)|closest to|followed by|"
                     r"(?:favou?rite|winner|winning\s+(?:class|label|quadrant|emotion))\s*(?:is|:|=)|"
                     r"\bthen\b|second(?:\s+(?:place|choice|class))?\s*(?:is(?:\s+for)?|:|goes to)|runner[- ]up(?:\s+(?:place|spot|position))?\s*(?:is(?:\s+for)?|:|=)|"
                     r"second[- ]most[- ](?:likely|probable)(?:\s+(?:class|emotion|label|quadrant|option|pick))?\s*(?:is|:)|"
                     r"third\s*(?:is|:))\s*(?:the\s+)?(?:class\s+)?$", re.I)
_BEFORE_RANK = {"followed by": 2, "then": 2, "second": 2, "runner-up": 2, "runner up": 2, "third": 3}
# An ordinal of a group ("the most likely negative emotion"), not of the whole pattern match (relations.py).
_AMONG_GROUP = re.compile(r"\bamong\s+(?:the\s+)?(?:negative|positive|neutral|pleasant|unpleasant|high[- ]arousal|"
                          r"low[- ]arousal)\b", re.I)
_GROUP_WORD = r"\s+(?:negative|positive|neutral|pleasant|unpleasant|high[- ]arousal|low[- ]arousal)\b"




def rank_claims(clause: Clause, numbers: list[Number]) -> list[Claim]:
    return scoped(_rank_claims(clause, numbers), clause)


def _rank_claims(clause: Clause, numbers: list[Number]) -> list[Claim]:
    text = clause.text
    if not (SOURCE.search(clause.sentence) or any(n.kind in ("percent", "probability") for n in numbers) or
            re.search(r"\b(?:" + class_alternation() + r")\s*[:=(]?\s*0?\.\d\d?\b", text, re.I)):  # "sad .29, disgust next"
        # Two classes said to be tied are the pattern match's, whatever else the sentence says.
        return [c for c in order_claims(clause, emotion_mentions(text)) if "tied" in c.stated]
    out: list[Claim] = []
    emotions = emotion_mentions(text)
    ranked: dict[int, int] = {}  # emotion mention → the rank stated for it
    for index, (start, end, emotion) in enumerate(emotions):
        nxt = emotions[index + 1][0] if index + 1 < len(emotions) else len(text)
        prv = emotions[index - 1][1] if index else 0
        if NEGATION.search(text[max(prv, start - 14):start]) or _AMONG_GROUP.search(text[:start]):
            continue  # "among high-arousal classes disgust is highest": a group's top (relations.py)
        rank = None
        after = _AFTER.match(text[end:nxt])
        if after and not re.match(r"\s*(?:to|than)\b|\s*(?:of|among)\s+(?:the\s+)?(?:\w+\s+)?(?:negative|positive|neutral|"
                                  r"high|low|remaining|other|rest)\b|" + _GROUP_WORD, text[end + after.end():], re.I):
            rank = _ORDINALS[after.group("ordinal").lower()]
        else:
            before = _BEFORE.search(text[prv:start])
            if before and before.group(0).lower().startswith("then") and \
                    (re.match(r"\s+(?:took|takes|take)\s+over\b|\s+(?:emerged|appeared|came\s+in|set\s+in)\b", text[end:], re.I) or
                     # "the reading moved from anger (55%) to disgust (45%) and then sad": a course, not a ranking
                     re.search(r"\b(?:moved|went|shifted|changed|turned|progressed|drifted|switched|evolved|passed)\b[^.;]*"
                               r"\bfrom\b", text[:start], re.I) or
                     any(t.end <= prv + before.start() and
                         re.fullmatch(r"\s*(?:\([^)]{0,12}\))?\s*,?\s*", text[t.end:prv + before.start()]) or
                        t.part is not None and t.start >= end and
                        re.fullmatch(r"[\s(,]*(?:(?:again|once\s+more|back)\s*)?", text[end:t.start], re.I)
                        for t in times(text))):
                # "disgust led until 60 s, then neutral took over", "happy (0–16 s), then fear (16–32 s)",
                # "then happy again at the end": a sequence in time, not a rank
                before = None
            if before:
                phrase = before.group(0).lower()
                rank = next((r for key, r in _BEFORE_RANK.items() if key in phrase), 1)
                if re.match(r"then|followed by", phrase) and index - 1 in ranked:
                    rank = ranked[index - 1] + 1  # "neutral second at 27%, then fear": fear is third
        follows = _FOLLOWS.match(text, end) if rank is None and index - 1 in ranked else None
        if follows:
            rank = ranked[index - 1] + 1
        if rank is not None:
            if re.search(r"\btied\b|\bjoint\b|\bshare", text[end:nxt]):
                continue  # "tied for second place": an order claim, read below
            ranked[index] = rank
            stated = {"rank": rank}
            if after and (re.match(r"(?:\s+[\w-]+){0,2}?\s+(?:outright|alone|on\s+its\s+own|by\s+itself|uniquely)\b",
                                   text[end + after.end():], re.I) or after.group("ordinal").lower().startswith("edges") or
                          (after.group("margin") or "").strip().lower() in ("clear", "clearly", "clear-cut", "distant",
                                                                            "easily", "comfortably")):
                stated["strict"] = True  # "the least likely class outright", "sad edges it on top", "in clear second place": no tie
            out.append(Claim("rank", span(clause, start, follows.end() if follows else end + (after.end() if after else 0)),
                             emotion, stated))
    for m in class_patterns(class_alternation())[2].finditer(text):
        if re.search(r"\b(?:outside|beyond|below|not in|except|apart from)\s+(?:the\s+)?$", text[:m.start()], re.I):
            continue  # "Outside the top three: happy 13%, …"
        listed = [e for e in emotions if m.start(1) <= e[0] < m.end(1)]
        for rank, (_, _, emotion) in enumerate(listed, start=1):
            out.append(Claim("rank", span(clause, m.start(), m.end()), emotion, {"rank": rank}))
    return out + order_claims(clause, emotions)


# One class placed above or below another ("well ahead of", "trails"); relations.py reads gaps with it.
AHEAD = re.compile(r"(?:well\s+|far\s+|just\s+|slightly\s+|clearly\s+|comfortably\s+|narrowly\s+|easily\s+|marginally\s+)?"
                   r"(ahead of|above|over|higher than|behind|below|under|lower than|less likely than|more likely than|"
                   r"more probable than|less probable than|more (?:likely|probable) as|less (?:likely|probable) as|"
                   r"tops|beats|outranks|outscores|outweighs|edges(?: out)?|leads|led|surpasses|exceeds|outstrips|"
                   r"trails|lags behind|is beaten by|is outranked by|falls behind|edging(?: out)?|leading|beating|"
                   r"outscoring|outranking|outpacing|trailing|lagging behind)\s+(?:the\s+)?$", re.I)
# "…, and led": a verb whose subject is the clause's, not the class just before it.
ELIDED_SUBJECT = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?,\s*(?:and|but)\s+(?:then\s+)?(?:also\s+)?$", re.I)
HIGHER = ("ahead of", "above", "over", "higher than", "more likely than", "more probable than", "more likely as",
          "more probable as", "tops", "beats", "outranks", "outscores",
          "outweighs", "edges", "edges out", "leads", "led", "surpasses", "exceeds", "outstrips", "edging", "edging out",
          "leading", "beating", "outscoring", "outranking", "outpacing")
_TIED = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:and|&)\s*$")  # "disgust (37%) and sad (34%) are tied"


def order_claims(clause: Clause, emotions) -> list[Claim]:
    text = clause.text
    out = []
    for (s1, e1, a), (s2, e2, b) in zip(emotions, emotions[1:]):
        between = text[e1:s2]
        m = AHEAD.search(between)
        if m and ELIDED_SUBJECT.match(between[:m.start()]):
            continue  # "X was twice as likely as Y (18%), and led Z": X led, not Y
        if m and not re.search(r"\b(?:but|while|whereas|although)\b", between[:m.start()]):
            word = m.group(1).lower()
            higher, lower = (a, b) if word in HIGHER else (b, a)
            out.append(Claim("order", span(clause, s1, e2), f"{higher} over {lower}", {"higher": higher, "lower": lower}))
        elif re.search(r"\b(?:ties|tied|is\s+level|is\s+even|draws)\s+(?:with|to)\s+$", between, re.I) and \
                not re.search(r"\b(?:not|never|no\s+longer)\b", between, re.I):
            out.append(_tie(clause, s1, e2, a, b, between))
        elif _TIED.match(between):
            said = re.match(r"\s*(?:\([^)]{0,12}\)\s*)?(?:are|were|is)?\s*(?:\w+\s+)?(?:tied|level|equal|joint|tie)\b"
                            r"(?:\s+(?:at|for)\s+(?:the\s+)?(?:top|first|second|lead)\b(?:\s+of\s+the\s+pattern\s+match)?)?|"
                            r"\s*share\s+(?:the\s+)?(?:\w+\s+)?(?:place|spot|position|rank|lead)\b", text[e2:])
            if said:
                out.append(_tie(clause, s1, e2 + said.end(), a, b, said.group(0)))
    space = class_space()
    both = _BOTH_TIED.search(text)
    if both and space is not None and len(space.labels) == 2:  # "the two arousal classes are tied"
        a, b = space.labels
        out.append(_tie(clause, both.start(), both.end(), a, b, both.group(0)))
    return out


# "essentially tied", "virtually level": within the hedge, not equal to the point.
_NEAR = re.compile(r"\b(?:essentially|nearly|almost|virtually|practically|roughly|about|effectively|more\s+or\s+less|"
                   r"basically|near(?:ly)?|all\s+but)\b", re.I)
NEAR_TIE = 0.03


def _tie(clause: Clause, start: int, end: int, a: str, b: str, words: str) -> Claim:
    stated = {"tied": [a, b]}
    if _NEAR.search(words):
        stated["near"] = True
    return Claim("order", span(clause, start, end), f"{a} and {b}", stated)


# In a label set of two classes: "the two valence classes are essentially tied", "both classes are level".
_BOTH_TIED = re.compile(r"\b(?:the\s+two|both)\s+(?:[\w-]+\s+)?(?:classes|labels|options|outcomes)\s+(?:are|were|look|sit)\s+"
                        r"(?:\w+\s+)?(?:tied|level|equal|even|neck\s+and\s+neck|a\s+coin\s+toss)\b", re.I)
