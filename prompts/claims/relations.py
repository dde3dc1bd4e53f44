"""How far apart two classes of the pattern match are: a gap in points ("positive leads negative by 4
points", "happy edges out neutral by a single percentage point", "sad is 0.05 behind fear") or a ratio
("fear is roughly double sad", "high arousal is more than twice as likely as low arousal", "happy is
half of surprise").

The stated gap or ratio is held to the stored probabilities (two decimals), with the slack its words
allow: "about 4 points" within a point and a half, "nearly five times" from 85 % of five up to five,
"more than three times" above three.
"""

from __future__ import annotations

import re

from encoders.labels import LabelSpace

from .classes import PLACED, placement_stated
from .lexicon import alternation
from .model import Claim, span
from .probabilities import emotion_mentions, foreign_mentions
from .ranks import AHEAD, ELIDED_SUBJECT, HIGHER
from .text import NUMBER_WORD, Clause, amount

_QUALIFIERS = {"about": "about", "roughly": "about", "around": "about", "approximately": "about", "some": "about",
               "close to": "about", "nearly": "nearly", "almost": "nearly", "just under": "nearly", "over": "over",
               "more than": "over", "just over": "over", "above": "over", "under": "under", "less than": "under",
               "at least": "at_least", "just": "exact", "only": "exact", "a mere": "exact", "exactly": "exact"}
_Q = alternation(_QUALIFIERS)
_AMOUNT = r"(\d+(?:\.\d+)?|" + NUMBER_WORD + r"|a\s+single|a)"
_GAP = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:,\s*)?(?:by|[:=])\s+(?:(" + _Q + r")\s+)?(?:" + _AMOUNT + r"\s+(?:percentage[- ])?(?:points?|pp|pts?)\b|"
                  r"(0?\.\d+)\b(?!\s*(?:SDs?|standard|s\b|sec|seconds?|z\b|%|percent)))", re.I)
_LEAD_OVER = re.compile(r"\b(?:lead|margin|advantage|edge)\s+(?:over|on)\s+(?:the\s+)?$", re.I)
_RATIO_WORDS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0, "half": 0.5}
_RATIO = re.compile(r"^\s*(?:(?:class|emotion|label|quadrant)\s*)?(?:\([^)]{0,12}\)\s*)?,?\s*(?:is|was|sits|comes\s+in|stands)?\s*(?:at\s+)?(?:(?:only|just)\s+)?"
                    r"(?:(" + _Q + r")\s+)?"
                    r"(?:(\d+(?:\.\d+)?|" + NUMBER_WORD + r")\s*(?:times|x|×|-fold|fold)|"
                    r"(" + alternation(_RATIO_WORDS) + r"))\s*(?:as\s+(?:likely|probable|high|large|big|strong)\s+as|"
                    r"(?:more\s+likely|more\s+probable|higher|bigger|larger)\s+than|that\s+of|the\s+(?:probability|share|"
                    r"score|value)\s+(?:of|for)|of)?\s*(?:the\s+)?$", re.I)


def _amount(word: str) -> float:
    word = " ".join(word.lower().split())
    return 1.0 if word in ("a single", "a") else amount(word)


def relation_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    own = emotion_mentions(text)
    classes = sorted(own + foreign_mentions(text, own))
    out = []
    for (s1, e1, a), (s2, e2, b) in zip(classes, classes[1:]):
        between = text[e1:s2]
        ratio = _RATIO.match(between)
        if ratio:
            qualifier = _QUALIFIERS.get((ratio.group(1) or "").lower(), "exact")
            value = _amount(ratio.group(2)) if ratio.group(2) else _RATIO_WORDS[ratio.group(3).lower()]
            out.append(Claim("ratio", span(clause, s1, e2), f"{a} to {b}",
                             {"first": a, "second": b, "ratio": value, "qualifier": qualifier}))
            continue
        ahead = AHEAD.search(between)
        if ahead and ELIDED_SUBJECT.match(between[:ahead.start()]):
            continue  # "…, and led Z by 3 points": the clause's subject led
        lead = _LEAD_OVER.search(between)  # "surprise | 0.66 | lead over anger: 57 pts"
        gap = _GAP.match(text[e2:])
        if (ahead or lead) and gap:
            higher, lower = (a, b) if lead or ahead.group(1).lower() in HIGHER else (b, a)
            points = _amount(gap.group(2)) if gap.group(2) else float(gap.group(3)) * 100.0
            qualifier = _QUALIFIERS.get((gap.group(1) or "").lower(), "exact")
            out.append(Claim("gap", span(clause, s1, e2 + gap.end()), f"{higher} over {lower}",
                             {"higher": higher, "lower": lower, "points": points, "qualifier": qualifier}))
    return out


# The top or bottom of a group of classes: "the most likely negative emotion is fear", "anger, the most
# likely negative emotion", "among the high-arousal classes, anger scores lowest".
_END = {"most": "top", "highest": "top", "top": "top", "first": "top", "least": "bottom", "lowest": "bottom",
        "bottom": "bottom", "last": "bottom"}
_GROUP_NOUN = r"(?:emotions?|class(?:es)?|ones?|labels?|quadrants?)"
_GROUP_AFTER = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?,?\s*(?:is|was)?\s*(?:the\s+)?(most|least|highest|lowest)[- ]?"
                          r"(?:likely|probable|rated|scoring)?\s+" + PLACED + r"\s+" + _GROUP_NOUN + r"\b", re.I)
_GROUP_BEFORE = re.compile(r"\bthe\s+(most|least|highest|lowest)[- ]?(?:likely|probable|rated|scoring)?\s+" + PLACED + r"\s+"
                           + _GROUP_NOUN + r"\s+(?:is|was|:)\s*$", re.I)
_AMONG = re.compile(r"\bamong\s+(?:the\s+)?" + PLACED + r"\s+" + _GROUP_NOUN + r"\b", re.I)
_AMONG_END = re.compile(r"^\s*(?:is|was|scores|sits|comes|ranks|places|lands)?\s*(?:the\s+)?(most|least|highest|lowest|top|"
                        r"bottom|first|last)\b(?:[- ](?:likely|probable|rated|scoring))?", re.I)


def group_rank_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    among = _AMONG.search(text)
    out = []
    for start, end, name in emotion_mentions(text):
        after, before = _GROUP_AFTER.match(text[end:]), _GROUP_BEFORE.search(text[:start])
        tail = _AMONG_END.match(text[end:]) if among and start > among.end() else None
        if after or before:  # "anger, the most likely negative emotion", "the most likely negative emotion is anger"
            said, first, stop = after or before, start if after else before.start(), end + (after.end() if after else 0)
            word, placed = said.group(1), said.groups()[1:3]
        elif tail:  # "among the high-arousal classes, anger scores lowest"
            first, stop = start, end + tail.end()
            word, placed = tail.group(1), among.groups()[:2]
        else:
            continue
        out.append(Claim("group_rank", span(clause, first, stop), name,
                         {**placement_stated(*placed), "end": _END[word.lower()]}))
    return out


def check_group_rank(claim: Claim, probabilities: dict[str, float], space: LabelSpace) -> tuple[bool, str, str]:
    """Whether the class is at the stated end of the classes `space` places as stated."""
    s = claim.stated
    dimension = "valence" if "valence" in s else "arousal"
    group = {label: p for label, p in probabilities.items() if space.class_on(label, dimension) == s[dimension]}
    words = f"{s[dimension]} {dimension}: " + (", ".join(f"{k} {v:.0%}" for k, v in
                                                          sorted(group.items(), key=lambda kv: -kv[1])) or "none")
    if claim.subject not in group:
        return False, words, f"{claim.subject} is not a {s[dimension]}-{dimension} class"
    p = group[claim.subject]
    beyond = [k for k, v in group.items() if (v > p + 1e-9 if s["end"] == "top" else v < p - 1e-9)]
    ok = not beyond
    return ok, words, "matches the pattern match" if ok else \
        f"{beyond[0]} is {'higher' if s['end'] == 'top' else 'lower'} among them"


def check_relation(claim: Claim, probabilities: dict[str, float]) -> tuple[bool, str, str]:
    """(holds, measured, why) of a gap or ratio claim against the pattern match."""
    s = claim.stated
    names = [s["higher"], s["lower"]] if claim.kind == "gap" else [s["first"], s["second"]]
    missing = [n for n in names if n not in probabilities]
    if missing:
        return False, "not in the pattern match", f"the pattern match gives no probability for {', '.join(missing)}"
    a, b = (probabilities[n] for n in names)
    words = f"{names[0]} {a:.0%}, {names[1]} {b:.0%}"
    q = s["qualifier"]
    if claim.kind == "gap":
        measured, stated = round((a - b) * 100), s["points"]
        ok = {"exact": abs(measured - stated) <= 0.5, "about": abs(measured - stated) <= 1.5,
              "nearly": stated - 2.5 <= measured <= stated, "over": measured > stated,
              "under": measured < stated, "at_least": measured >= stated}[q]
        return ok, words, "matches the pattern match" if ok else f"{names[0]} is {measured:+d} points on {names[1]}, " \
                                                                 f"not {q.replace('_', ' ') + ' ' if q != 'exact' else ''}{stated:g}"
    if b <= 0:
        return False, words, f"{names[1]} has no probability to compare with"
    measured, stated, slack = a / b, s["ratio"], 0.03
    ok = {"exact": abs(measured - stated) <= 0.12 * stated + slack, "about": abs(measured - stated) <= 0.2 * stated + slack,
          "nearly": 0.85 * stated - slack <= measured <= stated + slack, "over": measured > stated - slack,
          "under": measured < stated + slack, "at_least": measured >= stated - slack}[q]
    return ok, words, "matches the pattern match" if ok else f"{names[0]} is {measured:.1f} times {names[1]}, not " \
                                                             f"{q.replace('_', ' ') + ' ' if q != 'exact' else ''}{stated:g}"


__all__ = ["check_group_rank", "check_relation", "group_rank_claims", "relation_claims"]
