"""Claims about change over time: "anger built up steadily over the three minutes", "the neutral
reading gave way to sadness in the second half", "sadness only emerged in the final 20 seconds",
"signal quality deteriorated towards the end", "the reading stays sad throughout".

A claim about time needs a word of change (or of staying the same) and a word of time: "fear
increased" alone is a band direction or a comparison, "fear increased over the recording" a trend;
a change from one class to another ("gave way to sadness", "turned into fear") needs none. Idioms
("in the end", "at first glance") are not words of time.
Only the encoder's reading is measured over time (the evidence's timeline, one segment per part of
the recording); a trend in anything else (quality, artefacts, band power, the asymmetry), or in the
reading of evidence without a timeline, is not supported and fails. A trend in the reading holds
when the timeline shows it: the class leading each part, and its probability there. A change at a
moment ("around 40 s the reading turns to fear") holds when two parts of the timeline meet near that
moment (parts.py says how near) and the reading changes there as stated.
"""

from __future__ import annotations

import bisect
import re

from .lexicon import BAND_RE, NEGATION, REGION_RE
from .model import Claim, span
from .probabilities import WHOLE_RECORDING, emotion_mentions
from .parts import COURSE, interval, named_part, times, tolerance
from .text import Clause

_VERBS = {
    "rise": r"built up|build(?:s|ing)? up|strengthen\w*|gr[eo]w(?:s|ing|n)?|r[io]se|ris(?:es|ing|en)|increas(?:e|ed|es|ing)|"
            r"climb\w*|intensif\w*|mount(?:ed|s|ing)|pick(?:ed|s)? up|gain(?:ed|s|ing) (?:ground|strength)",
    "fall": r"fell|fall(?:s|ing|en)?|declin\w*|decreas(?:e|ed|es|ing)|drop(?:s|ped|ping)?|weaken\w*|fad(?:e|ed|es|ing)|"
            r"wan(?:e|ed|es|ing)|diminish\w*|subsid\w*|dwindl\w*|eas(?:e|ed|es|ing)(?: off)?|clear(?:ed|s|ing)(?: up)?|"
            r"disappear\w*|reced\w*|tail(?:ed|s)? off|died (?:down|away)|dipp(?:ed|ing)|dips",
    "emerge": r"emerg\w*|appear(?:ed|s|ing)|set in|kick(?:ed|s)? in|show(?:ed|s)? up|t(?:ook|akes) over|"
              r"c(?:a|o)me(?:s)? to dominate|taken over|surfac\w*",
    "shift": r"gave way|give(?:s)? way|giving way|turn(?:ed|s|ing)? into|turn(?:ed|s)? to|shift(?:ed|s|ing)?|mov(?:e|ed|es|ing)|switch\w*|"
             r"chang(?:e|ed|es|ing)|transition\w*|evolv\w*|replaced|drift\w*",
    "worse": r"deteriorat\w*|degrad\w*|worsen\w*|(?:got|gets|became|becomes|grew|grows|turned|turns)\s+(?:noisier|worse|"
             r"messier|dirtier|more\s+(?:artifact|artefact|noisy|contaminated)\w*)",
    "better": r"improv\w*|recover\w*|stabili[sz]\w*|normali[sz]\w*|settl(?:ed|es|ing)|(?:got|gets|became|becomes|grew|grows|"
              r"turned|turns)\s+(?:cleaner|better|quieter|less\s+(?:noisy|artifact\w*|artefact\w*))",
    "peak": r"peak(?:ed|s|ing)?|crest(?:ed|s|ing)?",
    "steady": r"stay(?:s|ed)?|remain(?:s|ed)?|held|holds|stable|steady|constant|unchanged|consistent|persist\w*",
}
_VERB = re.compile(r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _VERBS.items()) + r")\b", re.I)
_READING = re.compile(r"\b(?:reading|pattern|match|probabilit\w*|encoder|classifier|model|prediction|emotion|label|class|"
                      r"leading|led)\b", re.I)
_READING_WAS = re.compile(r"\b(?:reading|pattern match|prediction|classifier|encoder)\b[^.;,]{0,30}?\b(?:was|is|read|reads|"
                          r"showed|shows|favou?red|favou?rs)\b", re.I)
_QUALITY = re.compile(r"\b(?:quality|signal|artifact|artefact|blink|eye|noise|contamination|muscle|EMG|channels?|electrodes?|"
                      r"usable|data)", re.I)
_FAA = re.compile(r"asymmetr\w*|\bFAA\b", re.I)


def _joined(between: str) -> bool:
    """Whether a word of time belongs to the verb it is `between` words away from: not across another
    statement ("blinks appeared in 12% of windows, and all 60 s were usable from start to finish")."""
    return len(between) <= 60 and not re.search(r"[,;:]\s*(?:and|but|while|whereas|with)\b|\b(?:while|whereas|but)\b",
                                                between, re.I)


def _subject(text: str, emotions) -> str:
    if emotions:
        return "reading"
    if BAND_RE.search(text) or REGION_RE.search(text) or re.search(r"\bposterior\b", text, re.I):
        return "band power"
    if _FAA.search(text):
        return "asymmetry"
    if _QUALITY.search(text):
        return "quality"
    return "reading" if _READING.search(text) else "recording"


def _vague_part_of_reading(text: str):
    """A vague part said of the reading next to it ("At first the reading was neutral", "the
    reading was neutral early on"), not one that opens a turn of phrase ("At first I considered sad,
    but the encoder's top class is fear")."""
    part = named_part(text, loose=True)
    if part is None:
        return None
    after = re.match(r"[\s,]*(?:the\s+)?(?:encoder'?s?\s+)?", text[part.end:])
    reading = _READING_WAS.match(text, part.end + after.end())
    before = [m for m in _READING_WAS.finditer(text, 0, part.start) if part.start - m.end() <= 25]
    return part if reading or before else None


def trend_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    verbs = list(_VERB.finditer(text))
    found = times(text)
    ends = _BEGAN_WORD.search(text) or _ALL_PARTS_WORD.search(text) or ("→" in text or "->" in text) or \
        re.search(r"\b(?:led|leads|dominated|dominates|topped|tops|top)\b|\bthe\s+(?:very\s+)?end\b", text, re.I)
    if not verbs and not found and not ends:
        return []
    emotions = emotion_mentions(text)
    subject = _subject(text, emotions)
    if subject == "recording" and clause.sentence != text and not re.search(r"\brecording|\bsession|\btrace", text, re.I) and \
            _subject(clause.sentence, emotion_mentions(clause.sentence)) == "reading":
        subject = "reading"  # "# disgust leads every window; peak 0.40 in the middle": the sentence's subject
    out = _ends_and_constancy(clause, emotions, verbs, found) if ends else []
    chains = [c for c in out if c.stated["change"] == "sequence"]
    chain_end = text.find(chains[0].text) + len(chains[0].text) if chains else None
    for index, verb in enumerate(verbs):
        change = verb.lastgroup
        limit = verbs[index + 1].start() if index + 1 < len(verbs) else len(text)
        own = [t for t in found if verb.end() <= t.start < limit and _joined(text[verb.end():t.start])] or \
              [t for t in found if t.end <= verb.start() and not any(v.start() < t.start for v in verbs)
               and _joined(text[t.end:verb.start()])]
        before = [e for e in emotions if e[1] <= verb.start()]
        after = [e for e in emotions if verb.end() <= e[0] < limit]
        # "gave way to sadness", "shifted from neutral to sad", "turned into fear": a change of class is a
        # change over time without a word of time.
        between = text[verb.end():after[0][0]] if after else ""
        to_class = change == "shift" and after and re.fullmatch(r"\s*(?:(?:to|into|towards?|from)\s+)?(?:the\s+|a\s+)?"
                                                               r"(?:\w+\s+)?", between) and \
            bool(re.search(r"\b(?:to|into|towards?|from)\s", between) or re.search(r"into|way|\bto$", verb.group(0)))
        if not own and not to_class:
            continue
        near = re.split(r",\s*(?:and|but|while)\b|;", text[max(0, verb.start() - 50):verb.start()])[-1] + \
            re.split(r",\s*(?:and|but|while)\b|;", text[verb.start():verb.end() + 40])[0]
        if change == "steady" and WHOLE_RECORDING.search(near):
            continue  # "across the whole recording fear remains the top match at 33%": the overall pattern match
        if change == "better" and verb.group(0).lower().startswith("settl") and after and \
                re.fullmatch(r"\s*(?:on|into|in|to|at)\s+(?:the\s+|a\s+)?", between):
            # "from 16 seconds on it settled on disgust": disgust from then on (or, with no part, at the end)
            part = next((t.part for t in own if t.part), ("seconds", "last", 0.5))
            words = [verb.start(), after[0][1], *(x for t in own for x in (t.start, t.end))]
            out.append(Claim("trend", span(clause, min(words), max(words)), "reading",
                             {"change": "during", "part": part, "class": after[0][2], "only": False}))
            continue
        if change == "steady" and own and not any(t.part is None for t in own):
            # "remains sad in the second half", "stayed on top until 40 s": the reading of that part
            named = before[-1:] or after[:1]
            if named and not NEGATION.search(text[max(0, verb.start() - 16):verb.start()]):
                words = [named[0][0], named[0][1], verb.start(), verb.end(), *(x for t in own for x in (t.start, t.end))]
                out.append(Claim("trend", span(clause, min(words), max(words)), subject,
                                 {"change": "during", "part": own[0].part, "class": named[0][2], "only": False}))
            continue
        if NEGATION.search(text[max(0, verb.start() - 16):verb.start()]):
            change = "steady"
        if change in ("rise", "fall") and len([t for t in own if t.part]) >= 2 and \
                re.search(r"\bfrom\b.*\bto\b", text[verb.end():limit]):
            own = [t for t in own if t.part is None]  # "easing from 59% (0–28 s) to 55% (56–80 s)": its ends
        # A part written after the class it follows ("changed over time: anger at the start, …") is that
        # class's, not the change's.
        stated: dict = {"change": change, "part": next((t.part for t in own if t.part and not (
                            change == "shift" and len(after) > 1 and after[0][0] < t.start < after[1][0])), None),
                        "only": bool(re.search(r"\bonly\b", text[max(0, verb.start() - 12):verb.end() + 20]))}
        if change == "shift" and chain_end is not None and verb.start() >= chain_end and not after:
            stated["from"] = stated["to"] = None  # "anger → surprise → sad, switching at 16 s and 32 s"
        elif change == "shift":
            stated["from"] = before[-1][2] if before else None
            # The class after the verb is where it went only when the words say so ("moved towards fear",
            # "gave way to sadness"), not in "changed as the recording went on: it started out as surprise".
            stated["to"] = after[0][2] if after and (to_class or re.search(r"\b(?:to|into|towards?)\s+(?:\w+\s+){0,3}$",
                                                                             between)) else None
            if re.search(r"\bfrom\s+(?:\w+\s+)?$", between) and len(after) > 1:  # "shifted from neutral to sad"
                stated["from"], stated["to"] = after[0][2], after[1][2]
                if any(after[0][1] <= t.start < after[1][0] for t in own):
                    stated["part"] = None  # "from disgust (0–16 s) to neutral (16–32 s)": each class's own part
        else:
            stated["class"] = before[-1][2] if before else after[0][2] if after else None
        end = max([verb.end(), *(t.end for t in own), *(e[1] for e in after[:2] if change == "shift")])
        tail = re.match(r"\s+of\s+(?:the|this)\s+(?:recording|session|minute|trial|record|run)\b", text[end:], re.I)
        end += tail.end() if tail else 0
        named = {"reading": _READING, "band power": BAND_RE, "asymmetry": _FAA, "quality": _QUALITY}.get(subject)
        mention = named.search(text, 0, verb.start()) if named is not None else None
        start = min([verb.start(), *(e[0] for e in before[-1:]), *([mention.start()] if mention else []),
                     *(t.start for t in own)])
        out.append(Claim("trend", span(clause, start, end), subject, stated))
    # A vague part ("early on", "at first") names a part only where the reading is said to be a class
    # then ("At first the reading was neutral"), not as a turn of phrase ("At first I considered sad").
    part = named_part(text) or _vague_part_of_reading(text)
    if not verbs and part and emotions and subject == "reading" and _READING.search(text):
        # "in the second half the reading was sad": the reading of a part, named as a part, by the class
        # named nearest to it ("fear led overall … the pattern looked happy in the first 16 seconds": happy)
        before = [e for e in emotions if e[1] <= part.start and part.start - e[1] <= 30]
        named = before[-1] if before else min(emotions, key=lambda e: max(part.start - e[1], e[0] - part.end, 0))
        out.append(Claim("trend", span(clause, min(part.start, named[0]), max(part.end, named[1])), subject,
                         {"change": "during", "part": part.part, "class": named[2], "only": False}))
    # One claim for words read twice (the verb "stayed" and "stayed on top throughout" alike)
    unique = {(c.text, repr(sorted(c.stated.items()))): c for c in out}
    return list(unique.values())


# "began looking neutral and ended looking like disgust": the reading of the first and last thirds.
_BEGAN = re.compile(r"\b(?:(began|begins|started|starts|opened|opens)(?:\s+out)?|(ended|ends|finished|finishes|closed|"
                    r"closes)(?:\s+up)?)\s+(?:(?:by\s+|off\s+)?(?:looking|reading|sounding|being|as|on)\s+)?(?:like\s+|as\s+)?"
                    r"(?:(?:a|an|the|more|most)\s+)?(?:like\s+)?$", re.I)
# "sad throughout", "disgust led in all three segments": the same class in every part.
_ALL_PARTS = re.compile(r"\s*(?:\([^)]{0,12}\)\s*)?(?:(?:was|is|stays?|stayed|remained|remains)\s+)?(?:(?:the\s+)?(?:leading|top)\s+"
                        r"(?:class|emotion|label|reading)\s+|(?:led|leads|leading|dominated|dominates|on top|in the lead|ahead)\s+)?(?:throughout\b"
                        r"(?:\s+the\s+(?:recording|session|timeline|trial))?|all\s+along\b|(?:the\s+whole|all\s+the)\s+way\s+through\b|"
                        r"for\s+the\s+(?:whole|entire|full)\s+(?:\d+(?:\.\d+)?\s*(?:s|sec|seconds|min|minutes)\b|recording\b|"
                        r"session\b|trial\b|duration\b|time\b)|"
                        r"(?:the\s+)?(?:whole|entire)\s+time\b|from\s+start\s+to\s+finish\b|(?:in|across|for)\s+(?:all|every|each)\s+"
                        r"(?:(?:\d+|three|two|four|five|six)\s+)?(?:of\s+the\s+)?(?:segments?|parts?|windows of the timeline)\b)", re.I)


# "fear held to the end of the recording", "sad lasted until the end": the class of the last part.
_TO_THE_END = re.compile(r"\s*(?:\([^)]{0,12}\)\s*)?(?:held|holds|lasted|lasts|persisted|persists|continued|continues|"
                         r"(?:stayed|stays|remained|remains)\s+(?:on\s+top|in\s+the\s+lead|ahead))\s+(?:on\s+)?(?:right\s+)?"
                         r"(?:until|till|to|through|into)\s+the\s+(?:very\s+)?end\b(?:\s+of\s+the\s+(?:recording|session|trial|timeline))?",
                         re.I)
# "the middle third was led by fear", "the opening 16 s were dominated by happy"
_LED_BY = re.compile(r"\b(?:was|were|is|are)\s+(?:\w+\s+)?(?:led|dominated|taken|owned|won)\s+by\s+(?:the\s+)?(?:class\s+)?$",
                     re.I)
_LED_PART = re.compile(r"\s*(?:\([^)]{0,20}\)\s*)?(?:led|leads|dominated|dominates|topped|tops|was\s+(?:on\s+)?top)\s+"
                       r"(?:(?:in|during|for|over|across|through|throughout)\s+)?", re.I)
_ARROWS = re.compile(r"\s*(?:→|->)\s*")
_BEGAN_WORD = re.compile(r"\b(?:began|begins|started|starts|opened|opens|ended|ends|finished|finishes|closed|closes)\b", re.I)
_ALL_PARTS_WORD = re.compile(r"\bthroughout\b|\bfor\s+the\s+(?:whole|entire|full)\b|\ball\s+along\b|\bway\s+through\b|\b(?:whole|entire)\s+time\b|\bstart\s+to\s+finish\b|\b(?:all|every|each)\s+(?:\w+\s+)?(?:of\s+the\s+)?(?:segments?|parts?)\b",
                             re.I)


def _ends_and_constancy(clause: Clause, emotions, verbs, found: list) -> list[Claim]:
    """The reading at the start and at the end ("began looking neutral … ended looking like disgust")
    and the same class all along ("sad throughout", "the leading class in all three segments"); `found`:
    the clause's words of time."""
    text, out = clause.text, []
    parts = [t for t in found if t.part is not None]
    part_starts, part_ends = [t.start for t in parts], sorted((t.end, i) for i, t in enumerate(parts))
    about_reading = bool(_READING.search(text))
    steady_verb = any(v.lastgroup == "steady" for v in verbs)
    # "over time it goes anger → disgust → sad": the leading classes of the timeline, in order.
    chain = [emotions[0]] if emotions else []
    for prev, cur in zip(emotions, emotions[1:]):
        if _ARROWS.fullmatch(text[prev[1]:cur[0]]) and chain[-1] == prev:
            chain.append(cur)
        elif len(chain) < 2:
            chain = [cur]
    if len(chain) >= 2 and (COURSE.search(text) or re.search(r"\btimeline\b|\bsegments?\b", text, re.I)):
        out.append(Claim("trend", span(clause, chain[0][0], chain[-1][1]), "reading",
                         {"change": "sequence", "part": None, "classes": [c[2] for c in chain], "only": False}))
    for start, end, label in emotions:
        led = _LED_BY.search(text, max(0, start - 30), start)
        last = bisect.bisect_right(part_ends, (led.start(), len(parts))) - 1 if led else -1
        part = parts[part_ends[last][1]] if last >= 0 and led.start() - part_ends[last][0] <= 12 else None
        if part and not NEGATION.search(text[part.end:start]):
            out.append(Claim("trend", span(clause, part.start, end), "reading",
                             {"change": "during", "part": part.part, "class": label, "only": False}))
            continue
        lead = _LED_PART.match(text, end)  # "disgust led 16–32 s", "happy dominated the opening 16 s"
        at = bisect.bisect_left(part_starts, lead.end() - 5) if lead else len(parts)
        part = parts[at] if at < len(parts) and parts[at].start <= lead.end() else None
        if part and not NEGATION.search(text[max(0, start - 16):start]):
            out.append(Claim("trend", span(clause, start, part.end), "reading",
                             {"change": "during", "part": part.part, "class": label, "only": False}))
            continue
        m = _BEGAN.search(text, max(0, start - 45), start)
        # Of the reading ("the pattern began …", "started out looking like …"), not of a stimulus ("the
        # trial started with a sad clip").
        of_reading = m and (about_reading or re.search(r"\b(?:looking|like|reading|as)\b", m.group(0), re.I))
        if m and of_reading and not NEGATION.search(text[max(0, m.start() - 16):m.start()]):
            part = ("share", 0.0, 1 / 3) if m.group(1) else ("share", 2 / 3, 1.0)
            out.append(Claim("trend", span(clause, m.start(), end), "reading",
                             {"change": "during", "part": part, "class": label, "only": False}))
            continue
        tail = _TO_THE_END.match(text, end)
        if tail and not NEGATION.search(text[max(0, start - 16):start]):
            # The class at the very end: the last half second, i.e. the timeline's last part.
            out.append(Claim("trend", span(clause, start, tail.end()), "reading",
                             {"change": "during", "part": ("seconds", "last", 0.5), "class": label, "only": False}))
            continue
        after = _ALL_PARTS.match(text, end)
        kept_on = after and re.match(r"\s*(?:\([^)]*\)\s*)?(?:stays?|stayed|remained|remains)\b", after.group(0))
        if after and (not steady_verb or kept_on) and not NEGATION.search(text[max(0, start - 16):start]):
            out.append(Claim("trend", span(clause, start, after.end()), "reading",
                             {"change": "steady", "part": None, "class": label, "only": False}))
    return out


def check_trend(claim: Claim, timeline: list[list], duration: float) -> tuple[bool, str, str]:
    """(holds, what was measured, why) for a claim about change over time."""
    if claim.subject != "reading":
        return False, "not measured over time", (f"the evidence has no {claim.subject} over time, only one value for the "
                                                 f"whole recording; only the encoder's reading has a timeline")
    if not timeline:
        return False, "no reading over time", "the evidence has no reading over time (no timeline), so no change can be told"
    s = claim.stated
    total = max(duration, timeline[-1][1])
    measured = "; ".join(f"{a:g}–{b:g} s {label} {p:.0%}" for a, b, label, p in timeline)
    a, b = interval(s["part"], total)

    def time_led(start: float, end: float) -> dict[str, float]:
        share: dict[str, float] = {}
        for x, y, label, _ in timeline:
            share[label] = share.get(label, 0.0) + max(0.0, min(y, end) - max(x, start))
        return share

    def leader(start: float, end: float) -> str | None:
        share = time_led(start, end)
        best = max(share, key=share.get) if share else None
        return best if best is not None and share[best] > 0 else None

    def leads(label: str, start: float, end: float) -> bool:
        """`label` leads the part, alone or level with another ("by the end it was sad" of a last third
        split 8 s fear, 8 s sad)."""
        share = time_led(start, end)
        return share.get(label, 0.0) > 0 and share[label] >= max(share.values()) - 1e-9

    def strength(label: str | None, segment) -> float:
        return segment[3] if label is None or segment[2] == label else 0.0

    labels = [seg[2] for seg in timeline]
    inside = [seg for seg in timeline if seg[1] > a + 1e-9 and seg[0] < b - 1e-9] or timeline[-1:]
    earlier = [seg for seg in timeline if seg[1] <= a + 1e-9]
    change, label = s["change"], s.get("class")
    part = s["part"]
    if part is not None and part[0] == "point" and change != "steady":
        ok = _at_moment(timeline, part, tolerance(part, total), s, strength)
    elif change == "steady":
        ok = len(set(labels)) == 1 and label in (None, labels[0])
    elif change == "sequence":  # "changing: neutral then fear": the leading classes, in order
        # "disgust → disgust → neutral" names each part; "disgust → neutral" each change: both hold
        stated = [x for i, x in enumerate(s["classes"]) if i == 0 or x != s["classes"][i - 1]]
        ok = [x for i, x in enumerate(labels) if i == 0 or x != labels[i - 1]] == stated
    elif change == "during":
        ok = leads(label, a, b)
    elif change == "shift":
        if s["part"] is not None:  # "shifted from fear to sad towards the end": sad leads the end (or shares it)
            to = s["to"] or leader(a, b)
            ok = to is not None and leads(to, a, b) and leader(0.0, a) not in (None, to) and \
                (s["from"] is None or leader(0.0, a) == s["from"])
        elif s["from"] and s["to"]:  # "from neutral to sad": neutral leads a part before one sad leads
            ok = any(x == s["from"] and s["to"] in labels[i + 1:] for i, x in enumerate(labels))
        else:  # "shifted towards fear": it ends there; "the neutral reading changed": it starts there
            ok = len(set(labels)) > 1 and (s["from"] is None or labels[0] == s["from"]) and \
                 (s["to"] is None or (labels[-1] == s["to"] and labels[0] != s["to"]))
    elif change == "emerge":
        if s["part"] is not None:
            before = [seg[2] for seg in earlier]
            ok = leader(a, b) == label and bool(before) and (label not in before if s["only"] else before[-1] != label)
        else:
            ok = labels[0] != label and label in labels
    elif change == "peak":
        top = max(timeline, key=lambda seg: strength(label, seg))
        ok = strength(label, top) > 0 and a - 1e-9 <= (top[0] + top[1]) / 2 <= b + 1e-9
    else:  # rise / fall (better and worse say nothing about a class's reading: read as rise / fall)
        rising = change in ("rise", "better")
        course = (earlier[-1:] + inside) if s["part"] is not None else timeline
        values = [strength(label, seg) for seg in course]
        ok = len(values) > 1 and (values[-1] > values[0] if rising else values[-1] < values[0])
        if ok and re.search(r"\bsteadily\b|\bprogressively\b|\bgradually\b", claim.text, re.I):
            ok = all((y >= x) if rising else (y <= x) for x, y in zip(values, values[1:]))
    return ok, measured, "matches the reading over time" if ok else "the reading over time does not show this"


def _at_moment(timeline: list[list], part: tuple, slack: float, s: dict, strength) -> bool:
    """Whether the reading does what a claim says at a moment ("around 40 s the reading turns to fear",
    "by 40 s sad had taken over", "sad peaked at about 30 s"): the part of the timeline at that
    moment, or a change between two parts there (at the latest there, for "by")."""
    t, change, label = part[1], s["change"], s.get("class")
    if change in ("during", "peak"):
        near = [seg for seg in timeline if seg[0] < t + slack and seg[1] > t - slack]
        if change == "during":
            return any(seg[2] == label for seg in near)
        top = max(timeline, key=lambda seg: strength(label, seg))
        return strength(label, top) > 0 and top in near
    for before, after in zip(timeline, timeline[1:]):
        moment = after[0]
        if not (moment <= t + slack if part[2] == "by" else abs(moment - t) <= slack):
            continue
        if change == "shift" and before[2] != after[2] and after[2] == (s["to"] or after[2]) and \
                s["from"] in (None, before[2]):
            return True
        if change == "emerge" and after[2] == label and before[2] != label:
            return True
        if change in ("rise", "better", "fall", "worse"):
            rising = change in ("rise", "better")
            x, y = strength(label, before), strength(label, after)
            if (y > x) if rising else (y < x):
                return True
    return False
