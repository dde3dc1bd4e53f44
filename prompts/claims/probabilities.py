"""Claims about the encoder's pattern match: a class's probability.

    "fear (56%)", "p = 0.41 for surprise", "56 percent fear", "fear and surprise at 41% and 24%
    respectively", "anger, sad and disgust each get 5% or less", "sad is at 0.29", "happy is
    twice surprise (0.44 vs 0.21)", "37% + 34% = 71%", a part's share ("disgust the middle (45%)")

Its rank and how two classes compare are read in ranks.py, with the helpers here that find the
pattern match's sentences and classes.
"""

from __future__ import annotations

import bisect
import functools
import re

from .lexicon import BAND_WORDS, EMOTION_RE, EMOTION_WORDS, alternation, class_re, class_space, class_words
from .model import Claim, mentions, span
from .parts import times
from .text import BEFORE_WINDOW, BOUND_BEFORE, Clause, Number, ends_before, shares

# Sentences about the pattern match: only there are "first"/"leads"/a bare decimal read as a rank or
# a probability ("fits happy best" is the conclusion, not a statement about the pattern match).
SOURCE = re.compile(r"pattern|match|encoder|classifier|model|network|probabilit|likel|score|\brates?\b|rated|\btokens?\b|"
                    r"read-?out|output|posterior|decoder|\bclass(?:es)?\b|\bpicks?\b|\bchoice\b|\branks?\b|"
                    r"\btop\b|\blist\b|\bplace\b|\bfollows?\b|runner|\bleads?\b|\btops\b|\bahead\b|\bbehind\b|"
                    r"\bsupport\b|\bp\(|\btop\s*-?\s*\d|\bbeats\b|\boutrank|\boutscores?\b|\boutweighs?\b|\bedges\b|"
                    r"\btrails?\b|\blags\b", re.I)


def emotion_mentions(text: str) -> list[tuple[int, int, str]]:
    """Class names of the label set texts are read in (the emotions by default), except a word used
    for a dimension ("neutral valence", and "positive valence" where "positive" is a class)."""
    words = class_words()
    dimension_words = {"neutral", "positive", "negative", "high", "low"}
    return [(s, e, emotion) for s, e, emotion in mentions(class_re(), text, words)
            if not (emotion.lower() in dimension_words and re.match(r"\s*[- ]?(?:valence|arousal|affect|mood)",
                                                                     text[e:], re.I))]


def foreign_mentions(text: str, own: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Emotions named in a text read in a label set of valence or arousal classes ("fear 17%" where the
    classes are negative, neutral and positive): not classes of the set, so a probability stated for one
    cannot hold. Empty for a set of emotions (their words are the set's)."""
    space, words = class_space(), class_words()
    if space is None or space.emotions:
        return []
    return [m for m in mentions(EMOTION_RE, text, EMOTION_WORDS)
            if m[2].lower() not in words and not any(o[0] < m[1] and m[0] < o[1] for o in own)]


_AFTER_BAND = re.compile(r"(?<![\w-])" + alternation(BAND_WORDS) + r"(?:\s+power)?\s*[(:=]?\s*(?:z\s*[=:]?\s*)?$", re.I)


def _is_probability(number: Number, about_pattern: bool, text: str = "") -> bool:
    if number.kind in ("percent", "probability"):
        return True
    if not (number.kind == "plain" and 0 <= number.value < 1 and number.decimals >= 1 and not number.signed):
        return False
    if _AFTER_BAND.search(text[max(0, number.start - 30):number.start]):
        return False  # "the alpha (0.45) looks typical": the band's z-score
    # A decimal written right after a class name ("Happy 0.67 / neutral 0.15") is its probability.
    return about_pattern or bool(ends_before(class_patterns(class_alternation())[0], text, number.start))


def _nearest_emotion(number: Number, emotions, text: str, time_spans: list[tuple[int, int]] = ()):
    """The class a number belongs to: the one right before it ("fear (56%)", "fear at 0.56") unless
    another number or class sits between them; else the one right after ("56% fear")."""
    before = [e for e in emotions if e[1] <= number.start]
    after = [e for e in emotions if e[0] >= number.end]
    if before:
        last = before[-1]
        gap = _without_times(text, last[1], number.start, time_spans)  # "happy in the first 16 s (48%)": happy's
        if len(gap) <= 60 and not re.search(r"\d(?!\d*(?:st|nd|rd|th)\b)", gap):
            return last
    if after:
        first = after[0]
        gap = text[number.end:first[0]]
        # "… still led from 12 to 40 s (25%), then sad took over": a number in brackets closed before a
        # turn to the next class describes what came before it
        closed = re.search(r"\(\s*$", text[:number.start]) and re.match(r"\s*(?:%|percent)?\s*\)\s*[,;]", gap) or \
            re.match(r"\s*(?:%|percent)?\s*,\s*(?:with|and|while|whereas)\b", gap)  # "mass, 0.48, with anger …"
        if len(gap) <= 25 and not closed and not re.search(r"\d", gap) and \
                not re.match(r"\s*(?:%|percent)?\s*(?:of|in)\b", gap):
            return first
    return None


def _without_times(text: str, start: int, end: int, time_spans: list[tuple[int, int]]) -> str:
    """`text[start:end]` with the words of time in `time_spans` (sorted) blanked, so that the seconds of
    a part ("in the first 16 s") do not count as another number between a class and its probability."""
    gap = list(text[start:end])
    for a, b in time_spans[max(0, bisect.bisect_left(time_spans, (start,)) - 1):bisect.bisect_left(time_spans, (end,))]:
        for i in range(max(a, start), min(b, end)):
            gap[i - start] = " "
    return "".join(gap)


_BOUND_AFTER = re.compile(r"^\s*(?:%|percent)?\s*or\s+(less|lower|below|under|fewer|more|higher|above)\b", re.I)
_BY = re.compile(r"\bby\s+(?:about\s+|roughly\s+|just\s+|only\s+|some\s+)?$", re.I)  # "trails sad by 0.05"


def class_alternation() -> str:
    """The alternation of the current class words."""
    return alternation(class_words())


@functools.lru_cache(maxsize=32)
def class_patterns(classes: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(a class name right before a number, "p(class) =", a top-k list) for one class alternation."""
    tail = re.compile(r"\b(?:" + classes + r")\s*[:=(]?\s*(?:(?:is|was|stands|sits|comes in|comes|scores|"
                      r"gets|receives|takes)\s+)?(?:only\s+|just\s+)?(?:at\s+|each\s+)?$", re.I)
    p_of = re.compile(r"\bp\s*\(\s*(" + classes + r")\s*\)\s*[=:]\s*$", re.I)
    top = re.compile(r"\btop\s*-?\s*(?:3|three|2|two)\b\W{0,6}(?:classes|matches|emotions)?\s*(?:are|were|is|:|=)?\s*"
                     r"\[?((?:\W*(?:" + classes + r")\W*(?:\d+%?|0?\.\d+)?){2,3})", re.I)
    return tail, p_of, top


# "From 0 to 20 s the pattern match is closest to fear (56%)", "sad rose to 70% in the second half",
# "around 40 s fear leads": the claims of such a clause are about that part of the recording (the
# evidence's timeline), not the whole.
# A clause that names two parts ("in the first half neutral 45%, and sad leads after 30 s at 0.70")
# scopes each claim to the part written right after it in the same phrase, else to the last part
# before it, else to the first.
# The pattern match of the whole recording, not a part of it (trend.py reads a steady verb beside it
# so too: "across the whole recording fear remains the top match").
WHOLE_RECORDING = re.compile(r"\boverall\b|\bin\s+total\b|\b(?:for|across|over)\s+the\s+(?:whole|entire)\s+(?:recording|session|record|"
                             r"trial)\b|\bon\s+(?:the\s+whole|balance|average)\b|\baveraged\b", re.I)


def scoped(claims: list[Claim], clause: Clause) -> list[Claim]:
    text = clause.text
    parts = [t for t in times(text) if t.part is not None]
    # A vague part ("late in the recording", "at first") scopes the claims only where no part is named,
    # and only where the evidence has a reading over time (else they are read of the whole recording).
    named = [t for t in parts if not t.loose] or parts
    if not named or not claims:
        return claims
    # Sorted offsets, so that each claim looks only at the parts and classes near it: a pasted clause
    # of 20,000 characters holds hundreds of each.
    classes = emotion_mentions(text)
    class_starts = [e[0] for e in classes]
    starts = [t.start for t in named]
    by_end = sorted(range(len(named)), key=lambda i: named[i].end)
    ends = [named[i].end for i in by_end]

    def class_between(a: int, b: int) -> bool:
        i = bisect.bisect_left(class_starts, a)
        return i < len(classes) and classes[i][1] <= b

    def owned_by_next_class(t) -> bool:  # "…, 16–32 disgust 0.34": the part of the class right after it
        i = bisect.bisect_left(class_starts, t.end)
        return i < len(classes) and classes[i][0] == t.end

    for claim in claims:
        if "segment" in claim.stated:
            continue  # placed on the timeline already (a sequence of parts)
        at = max(0, text.find(claim.text))
        end = at + len(claim.text)
        if WHOLE_RECORDING.search(text, max(0, at - 12), end + 12):
            continue  # "ranked only third overall (0.16), yet it led the final segment": the whole recording
        first_ahead = bisect.bisect_left(starts, end - 1)
        inside = [t for t in named[bisect.bisect_left(starts, at):first_ahead + 1] if at <= t.start and t.end <= end]
        ahead = named[first_ahead] if first_ahead < len(named) and not owned_by_next_class(named[first_ahead]) else None
        joined = ahead if ahead is not None and ahead.start - end <= 40 and not class_between(end, ahead.start) and \
            not re.search(r"[,;]\s*(?:and|but|while|whereas)\b|\d", text[end:ahead.start]) else None
        last_before = bisect.bisect_right(ends, at) - 1
        before = named[by_end[last_before]] if last_before >= 0 else None
        # The part nearest the claim with no other class between them: after it (before comes first above).
        near = ahead if ahead is not None and not class_between(end, ahead.start) else None
        part = inside[-1] if inside else joined or before or near
        if part is None:
            continue
        claim.stated["segment"] = part.part
        claim.stated["loose"] = part.loose
        claim.text = span(clause, min(at, part.start), max(end, part.end))  # quoted with the part it is about
    return claims


def probability_claims(clause: Clause, numbers: list[Number]) -> list[Claim]:
    spans = [(t.start, t.end) for t in times(clause.text)]  # "from 0 to 20 s": not probabilities
    return scoped(_probability_claims(clause, [n for n in numbers if not any(a <= n.start < b for a, b in spans)]), clause)


# A class's share of the pattern match in words: "about a third of the match goes to sad", "roughly
# half for happy", "fear takes just over half the probability", "happiness (about two in three)". The
# share names its class after "goes to / for / on", or follows the class and a verb of having.
_MASS = r"(?:(?:(?:of\s+)?(?:the|its|all)\s+|of\s+)(?:pattern\s+)?(?:match|probability(?:\s+mass)?|mass|confidence|votes?|weight|" \
        r"output|support|belief)\s*)"
_SHARE_FOR = re.compile(r"\s*" + _MASS + r"?(?:(?:goes|went|is given|was given|is assigned|was assigned|falls|fell)\s+"
                        r"to|for|on|to|is|was|belongs\s+to|sits\s+with|lies\s+with)\s+(?:the\s+)?(?:class\s+)?$", re.I)
_SHARE_OF = re.compile(r"\s*(?:\(|,|:|—|-)?\s*(?:(?:\w+\s+){0,2}(?:gets|got|takes|took|receives|received|has|had|holds|held|"
                       r"carries|claims|accounts\s+for|makes\s+up|takes\s+up|with|at|is|was)\s+)?(?:only\s+|just\s+)?$", re.I)


def share_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    emotions = emotion_mentions(text)
    out: list[Claim] = []
    for share in shares(text):
        if re.match(r"\s+(?:as\s+(?:likely|probable|high|large|big|strong)\s+as|of\s+(?:the\s+)?(?:" + class_alternation() + r")\b)",
                    text[share.end:], re.I):
            continue  # "anger is half as likely as surprise": a ratio between two classes (relations.py)
        after = next((e for e in emotions if e[0] >= share.end and _SHARE_FOR.fullmatch(text[share.end:e[0]])), None)
        before = [e for e in emotions if e[1] <= share.start]
        mass = re.match(r"\s*" + _MASS, text[share.end:], re.I)
        if not mass and re.fullmatch(r"(?:the\s+(?:vast\s+)?)?majority|most|nearly all|almost all|a minority",
                                     text[share.start:share.end], re.I):
            continue  # "disgust is most likely": a superlative, not a share (unless "most of the match")
        owner = after or (before[-1] if before and _SHARE_OF.fullmatch(text[before[-1][1]:share.start]) and
                          (mass or SOURCE.search(clause.sentence)) else None)
        if owner is None or re.match(r"\s*(?:of\s+)?(?:the\s+)?(?:windows|recording|seconds|channels|data|time)\b",
                                     text[share.end:], re.I):
            continue
        end = max(owner[1], share.end + (mass.end() if mass else 0))
        out.append(Claim("probability", span(clause, min(owner[0], share.start), end), owner[2], {"share": share}))
    return out


def _probability_claims(clause: Clause, numbers: list[Number]) -> list[Claim]:
    text = clause.text
    about_pattern = bool(SOURCE.search(clause.sentence))
    emotions = emotion_mentions(text)
    emotions = sorted(emotions + foreign_mentions(text, emotions))
    probs = [n for n in numbers if _is_probability(n, about_pattern, text)]
    time_spans = [(t.start, t.end) for t in times(text)]
    out: list[Claim] = share_claims(clause)
    # "fear and surprise at 41% and 24% respectively", and in code "top, second = 0.39, 0.18   # fear,
    # disgust" (the values, then a comment naming them): the lists pair in order.
    comment = text.find("#")
    named_after = comment > 0 and probs and probs[-1].end <= comment and all(e[0] > comment for e in emotions)
    if (re.search(r"\brespectively\b", text) or named_after) and len(emotions) >= 2 and len(probs) == len(emotions):
        for emotion, number in zip(emotions, probs):
            out.append(_claim(clause, emotion, number, text))
        return out
    # "disgust and sad together take seven in ten (37% + 34% = 71%)": each addend is its class's, the
    # total their sum, and none of these numbers is anyone else's.
    expression = _SUM_EXPRESSION.search(text)
    if expression:
        inside = [n for n in probs if expression.start() <= n.start < expression.end()]
        addends, total = inside[:-1], inside[-1:]
        owners = [e for e in emotions if e[1] <= expression.start()][-len(addends):] if addends else []
        if total and len(addends) >= 2 and len(owners) == len(addends):
            out += [_claim(clause, owner, number, text) for owner, number in zip(owners, addends)]
            members = [e[2] for e in owners]
            summed = _claim(clause, owners[-1], total[0], text)
            out.append(Claim("probability", span(clause, owners[0][0], expression.end()), " + ".join(members),
                             {"sum_of": members, "probability": summed.stated["probability"]}, dict(summed.numbers)))
            probs = [n for n in probs if not any(n is m for m in inside)]
            numbers = [n for n in numbers if not any(n is m for m in inside)]
    # "over time it goes anger → disgust → sad, each segment led clearly (55%, 45%, 52%)": the k classes
    # in order lead the k parts of the timeline, each at its number.
    # "neutral led throughout (59% -> 58% -> 55%)": one class, each part's share in order.
    # "stable over time (disgust 44%, 33%, 40% in the three 16-s windows)" too.
    steady = re.search(r"\b(?:throughout|in\s+(?:all|every|each|the\s+(?:two|three|four|five|six|\d))\s+(?:[\w-]+\s+)?"
                       r"(?:parts?|segments?|thirds?|windows?))\b|\btimeline\b|\bover\s+time\b", text, re.I)
    # (bare decimals count in such a run: "timeline: neutral .59 → .58 → .55")
    run = probs if len(probs) >= 2 else [n for n in numbers if n.kind in ("plain", "percent", "probability") and
                                         0 <= n.value < (100 if n.kind == "percent" else 1) and n.decimals >= 1 and not n.signed]
    if emotions and len({e[2] for e in emotions}) == 1 and len(run) >= 2 and steady and run[0].start > emotions[0][1] and \
            all(_ARROW.fullmatch(text[a.end:b.start].replace("%", "")) or
                re.fullmatch(r"\s*%?\s*(?:,|,?\s*and)\s*", text[a.end:b.start]) for a, b in zip(run, run[1:])):
        return out + _along_parts(clause, [(emotions[0], number) for number in run])
    # "over the 48 seconds the reading went from disgust (24%) to neutral (42%) to sad (41%)": each class
    # with its share leads the next part, in order
    chained = _chain_with_shares(text, emotions, probs)
    if chained:
        return out + _along_parts(clause, chained)
    if len(emotions) >= 2 and len(probs) == len(emotions) and _SEGMENTS_IN_ORDER.search(text) and \
            all(_ARROW.fullmatch(text[a[1]:b[0]]) for a, b in zip(emotions, emotions[1:])) and probs[0].start > emotions[-1][1]:
        return out + _along_parts(clause, list(zip(emotions, probs)))
    # k decimals written as a run right after k classes are their probabilities, whatever the sentence.
    loose = [n for n in numbers if n.kind == "plain" and 0 <= n.value < 1 and n.decimals >= 1 and not n.signed]
    paired = _paired(text, emotions, sorted({id(n): n for n in probs + loose}.values(), key=lambda n: n.start))
    out += [_claim(clause, emotion, number, text) for emotion, number in paired]
    for number in probs:
        if any(number is n for _, n in paired):
            continue
        written = ends_before(class_patterns(class_alternation())[1], text, number.start)  # "p(happy) = .67"
        before = [e for e in emotions if e[1] <= number.start and number.start - e[1] <= 40]
        summed = before and (_SUM_AFTER.match(text[number.end:]) or _SUM_BEFORE.search(text[before[-1][1]:number.start]))
        match = next((e for e in emotions if e[0] == written.start(1)), None) if written else \
            before[-1] if summed and _listed_before(emotions, before[-1], text) else \
            _nearest_emotion(number, emotions, text, time_spans)  # "(14% together)": the classes before
        if match is None:
            continue
        if re.search(r"\b(?:except|apart\s+from|other\s+than|besides|save\s+for|excluding|but\s+not)\s+(?:for\s+)?$",
                     text[max(0, match[0] - BEFORE_WINDOW):match[0]], re.I) or ends_before(_BY, text, number.start):
            continue  # "every class except surprise scores under 10%", "disgust trails sad by 0.05"
        claim = _claim(clause, match, number, text)
        listed = _listed_before(emotions, match, text)
        grouped = listed and (_GROUP_BEFORE.search(text[:listed[-1][0]]) or "+" in text[listed[-1][0]:match[0]])
        if listed and (_SUM_BEFORE.search(text[match[1]:number.start]) or _SUM_AFTER.match(text[number.end:]) or grouped):
            # "fear and sad … hold 77% between them", "(disgust, fear, sad), together 44%": their sum.
            members = [e[2] for e in reversed(listed)] + [match[2]]
            at = min(e[0] for e in listed)
            tail = _SUM_AFTER.match(text[number.end:])
            out.append(Claim("probability", span(clause, at, number.end + (tail.end() if tail else 1)),
                             " + ".join(members), {"sum_of": members, "probability": claim.stated["probability"]},
                             dict(claim.numbers)))
            continue
        if re.search(r"\beach\s*$|\beach\s+(?:at|get|gets|got|with|of|have|has)\s*$", text[match[1]:number.start]) and \
                not (_BOUND_AFTER.match(text[number.end:]) or ends_before(BOUND_BEFORE, text, number.start)):
            for other in _listed_before(emotions, match, text):
                out.append(Claim("probability", claim.text, other[2], dict(claim.stated), dict(claim.numbers)))
        bound = _BOUND_AFTER.match(text[number.end:]) or ends_before(BOUND_BEFORE, text, number.start)
        if bound:
            word = bound.group(1).lower()
            key = "at_most" if word in ("less", "lower", "below", "under", "fewer", "less than", "at most",
                                        "no more than", "<", "<=", "≤") else "at_least"
            claim.stated = {key: claim.stated["probability"]}
            # "anger, sad and disgust each get 5% or less": the bound holds for every class listed.
            if re.search(r"\beach\b|\ball\b|\bboth\b", text[match[1]:number.start]):
                for other in _listed_before(emotions, match, text):
                    out.append(Claim("probability", claim.text, other[2], dict(claim.stated), dict(claim.numbers)))
        out.append(claim)
    return out


_SHARE_AFTER = re.compile(r"\s*\(\s*$")
_CHAIN_LINK = re.compile(r"\s*\)\s*,?\s*(?:to|then|→|->|and\s+then|and\s+finally|and\s+on\s+to)\s+(?:the\s+|a\s+)?$", re.I)


def _chain_with_shares(text: str, emotions, probs: list[Number]) -> list:
    """(class, share) pairs of "went from disgust (24%) to neutral (42%) to sad (41%)": two or more classes,
    each with its share in brackets, joined by "to" or "then" after "from", in a clause about change."""
    if len(emotions) < 2 or len(probs) != len(emotions) or not re.search(r"\bfrom\s+(?:the\s+|a\s+)?$",
                                                                         text[:emotions[0][0]], re.I):
        return []
    pairs = list(zip(emotions, probs))
    if not all(e[1] <= n.start and _SHARE_AFTER.fullmatch(text[e[1]:n.start]) for e, n in pairs):
        return []
    if not all(_CHAIN_LINK.fullmatch(text[n.end:nxt[0]].replace("%", "", 1)) for (_, n), (nxt, _) in zip(pairs, pairs[1:])):
        return []
    return pairs


def _along_parts(clause: Clause, pairs: list) -> list[Claim]:
    """(class, number) pairs written in the order of the timeline's k parts, each claimed of its part
    (the i-th k-th of the recording)."""
    k = len(pairs)
    out = []
    for i, (emotion, number) in enumerate(pairs):
        claim = _claim(clause, emotion, number, clause.text)
        claim.stated["segment"], claim.stated["loose"] = ("share", i / k, (i + 1) / k), False
        out.append(claim)
    return out


_ARROW = re.compile(r"\s*(?:→|->|=>|,?\s*then|>)\s*", re.I)
_SEGMENTS_IN_ORDER = re.compile(r"\b(?:each|every)\s+(?:segment|part|third|window)\b|\bover time\b|\btimeline\b", re.I)
_JOIN = re.compile(r"\s*(?:vs\.?|versus|to|against|and|,|/)\s*")


def _paired(text: str, emotions, probs: list[Number]) -> list:
    """Numbers written as a run after the classes they belong to, in the same order: "happy is twice
    surprise (0.44 vs 0.21)", "sad edges out neutral, 22% to 21%"."""
    out, index = [], 0
    while index < len(probs):
        run = [probs[index]]
        while index + len(run) < len(probs) and _JOIN.fullmatch(text[run[-1].end:probs[index + len(run)].start]
                                                                   .replace("%", "")):
            run.append(probs[index + len(run)])
        owners = [e for e in emotions if e[1] <= run[0].start][-len(run):]
        if len(run) > 1 and len(owners) == len(run) and len({e[2] for e in owners}) == len(run) and \
                not re.search(r"\d", text[owners[0][0]:run[0].start]):
            out += list(zip(owners, run))
        index += len(run)
    return out


_SUM_EXPRESSION = re.compile(r"\d+(?:\.\d+)?\s*%?(?:\s*\+\s*\d+(?:\.\d+)?\s*%?)+\s*=\s*\d+(?:\.\d+)?\s*%?")
_SUM = r"(?:together|combined|between\s+them|in\s+total|in\s+all|altogether|jointly|collectively|summed|put\s+together)"
_SUM_BEFORE = re.compile(r"\b" + _SUM + r"\b|\b(?:add|adds|added|sum|sums|summing)\s+(?:up\s+)?to\b|\btotal(?:ling|ing|s)?\b", re.I)
_SUM_AFTER = re.compile(r"^\s*(?:%|percent|per\s+cent)?\s*" + _SUM + r"\b", re.I)
# A list named as a group, or joined with "+": "the low-arousal pair (neutral, sad) manages 7%", "(neutral + sad) 57%".
_GROUP_BEFORE = re.compile(r"\b(?:pair|trio|classes|emotions|ones|group|quadrants|labels)\s*[(:]\s*$", re.I)


def _listed_before(emotions, last, text: str) -> list:
    """The classes listed before `last` in one run ("anger, sad and disgust")."""
    position, out = emotions.index(last), []
    # "neutral (0.28) and sad", "the disgust and the sad": a bracketed share or an article between
    while position > 0 and re.fullmatch(r"[\s,]*(?:(?:and|&|\+|/|plus)\s*)?(?:the\s+)?|\s*\([^)]{0,12}\)\s*(?:and|&|\+|plus)\s+"
                                        r"(?:the\s+)?", text[emotions[position - 1][1]:emotions[position][0]], re.I):
        position -= 1
        out.append(emotions[position])
    return out


def _claim(clause: Clause, emotion, number: Number, text: str) -> Claim:
    value = number.value / 100.0 if number.kind == "percent" else number.value
    start, end = min(emotion[0], number.start), max(emotion[1], number.end)
    if number.kind == "percent":
        end = max(end, number.end + 1)
    return Claim("probability", span(clause, start, end), emotion[2], {"probability": value},
                 {"probability": number})
