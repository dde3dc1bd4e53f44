"""Words of time in a reasoning: the course of the recording ("over the three minutes"), a part of it
("the second half", "the last 20 seconds", "towards the end", "from 0 to 20 s", "after 30 s") or a
point in it ("around 40 s", "at the 40-second mark", "by 40 s", "40 seconds in").

A part is kept as a tuple the checker turns into seconds once it knows the recording's length:

    ("share", from, to)          a share of the recording: the second half is ("share", 0.5, 1.0)
    ("seconds", "first"|"last", n)   the first or last n seconds
    ("span", from_s, to_s)       seconds from the start; to_s None: to the end
    ("point", t, "at"|"about"|"by")  a moment: exactly, roughly (within a tenth of the recording,
                                 at least 5 s), or at the latest

"About 30 s" is a point only where it cannot be an amount: not after a verb of keeping or losing
("lost about 30 s") nor before "of" or a verb ("about 30 s of the recording was usable").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .lexicon import class_re
from .text import NUMBER_WORD, unit_seconds
from .text import amount as stated_amount

COURSE = re.compile(r"\bover time\b|\bwith time\b|\bas time (?:went|goes|passed) on\b|\bover the (?:course of the )?"
                    r"(?:[\w-]+\s+){0,2}?(?:minutes?|seconds?|recording|session|trial|record|run)\b|\bas the (?:recording|"
                    r"session|trial|record|minutes?) (?:went|goes|wore|progressed|progresses|continued|unfolded)(?: on)?\b|"
                    r"\bin the course of the (?:recording|session)\b|\bacross the (?:recording|session|trial)\b|\bfrom (?:the )?"
                    r"(?:start|beginning) to (?:the )?(?:end|finish)\b|\bthroughout\b(?!\s+(?!(?:the\s+|this\s+)?(?:recording|session|"
                    r"trial|record|minutes?|whole|entire|run)\b)\w)|\ball along\b|\bthe whole (?:time|"
                    r"recording|session)\b|\bsteadily\b|\bgradually\b|\bprogressively\b|\bincreasingly\b", re.I)
_ORDINAL = {"first": 1, "opening": 1, "early": 1, "earlier": 1, "second": 2, "middle": 2, "third": 3,
            "last": -1, "final": -1, "latter": -1, "later": -1, "closing": -1, "late": -1}
_FRACTIONS = {"half": 2, "third": 3, "quarter": 4}
_RECORDING = r"(?:recording|session|minute|trial|record|run)"
_PART = re.compile(r"\b(?:the\s+)?(first|opening|early|earlier|second|middle|third|last|final|latter|later|closing|late)\s+"
                   r"(?:(half|third|quarter)|(\d+(?:\.\d+)?|" + NUMBER_WORD + r"|a|one)?\s*(s|sec|secs|seconds?|min|minutes?)\b|"
                   r"(part|portion|stretch|segment|phase|section)s?)|\b(?:(?:at|near|towards?|by|around|both|led|leads|dominated|dominates|"
                   r"topped|tops)\s+the\s+(?:very\s+)?|(?<=\)\s)and\s+the\s+(?=end\b|close\b|finish\b)|in\s+the\s+"
                   r"(?:very\s+)?(?=(?:\w+\s+of\s+(?:the|this)\s+" + _RECORDING + r"|beginning\b(?!\s+of)|middle\b(?!\s+of)))|(?:during|"
                   r"through)\s+the\s+(?=middle\b(?!\s+of)))(end|close|finish|start|beginning|outset|middle)\b|\b(early on|at first(?! "
                   r"(?:glance|sight))|initially|later on|later in|late in|early in|eventually)\b(?:\s+of\s+(?:the|this)\s+" +
                   _RECORDING + r")?", re.I)
# A moment or a range may be given in minutes ("after 2 minutes", "around 1.5 min", "2 minutes in").
_UNIT = r"\s*-?\s*(?P<{}>s|sec|secs|seconds?|min|mins|minutes?)\b"
# "from 0 to 20 s", "0–20 s", "between 20 and 40 seconds"
_RANGE = re.compile(r"(?:\bbetween\s+(\d+(?:\.\d+)?)\s*(?:s\s*)?and|(?:\bfrom\s+)?(\d+(?:\.\d+)?)\s*(?:s\s*)?(?:-|to|until))\s*"
                    r"(\d+(?:\.\d+)?)" + _UNIT.format("unit"), re.I)
# A range of whole numbers in brackets with no unit ("(16–32)") is a part of the recording in seconds
# only in a clause about the reading over time.
_BARE_RANGE = re.compile(r"\(\s*(\d+)\s*(?:-|–|—|to)\s*(\d+)\s*\)")
_RANGE_BEFORE_CLASS = re.compile(r"(?<![\w.])(?:t|seg(?:ment)?\s*)?(\d+)\s*(?:-|–|—)\s*(\d+)\s*(?:s\b)?\s*[,:=]?\s*", re.I)
_TIMELINE_WORD = re.compile(r"\btimeline\b|\bover time\b|\bsegments?\b|\bparts?\s+of\s+the\s+(?:recording|session)\b", re.I)
_ROUGHLY = r"(?:around|about|roughly|approximately|near|circa|~)"
_POINT = re.compile(r"\b(?P<prep>(?:at\s+|from\s+|after\s+|until\s+)?" + _ROUGHLY + r"|at|by|after|from|past|beyond|since|before|"
                    r"until|till|up to|shortly after|soon after|just after|just before)\s+(?:the\s+)?(?:t\s*=\s*)?"
                    r"(?P<t>\d+(?:\.\d+)?)" + _UNIT.format("unit") + r"(?:\s+mark\b)?|\b(?P<t2>\d+(?:\.\d+)?)" +
                    _UNIT.format("unit2") +
                    r"\s+(?:in|into the (?:recording|session))\b(?!\s+(?:total|all))", re.I)
_AMOUNT_AFTER = re.compile(r"\s*(?:of\b|were\b|was\b|are\b|is\b|had\b|have\b|usable|clean|lost|rejected|removed|kept|long\b|"
                           r"in total|total|remain|survived|worth)", re.I)


_AMOUNT_BEFORE = re.compile(r"\b(?:lost|losing|removed|rejected|discarded|kept|retained|excluded|dropped|for|of|only|just|"
                            r"usable|clean|last(?:s|ed)?|lasting|took|takes|covers?|covered|spans?|spanned|total(?:led)?|"
                            r"than|under|(?<!took\s)(?<!takes\s)(?<!taken\s)(?<!taking\s)over|some|leaving|left)\s*$", re.I)


@dataclass(frozen=True)
class Time:
    start: int  # offsets in the clause
    end: int
    part: tuple | None  # None: the whole course ("over time", "steadily")
    loose: bool = False  # "at first", "eventually": a vague part, not one named


# "happy opened the session (.56)", "sad closed the recording", and with the class after the verb
# "… and ended as disgust (32%)", "started out as neutral (41%)": the first or last part, for the share
# written with the class (the trend reader reads the words themselves).
_OPENED = re.compile(r"\b(?:(opened|started|began|kicked\s+off)(?:\s+out)?|(closed|ended|finished)(?:\s+up)?)\s+"
                     r"(?:(?:the|this)\s+" + _RECORDING + r"\b|(?:as|on|with|in)\b(?!\s+(?:the|this)\s+" + _RECORDING + r"))",
                     re.I)
_START_WORDS = ("start", "beginning", "outset", "opening", "first", "early on", "at first", "initially", "early in")


def _edge_share(word: str) -> tuple:
    """The share of the recording an edge or a vague word names: "the middle", "the start", "the end"."""
    word = word.lower()
    if word == "middle":  # "in the middle", "during the middle of the recording"
        return ("share", 1 / 3, 2 / 3)
    if word.startswith("later") or word == "late in":
        return ("share", 0.5, 1.0)
    return ("share", 0.0, 1 / 3) if word in _START_WORDS else ("share", 2 / 3, 1.0)


# "anger dominated the first third (55%), disgust the middle (45%)": a part right after a class, its verb
# left out; "happy again, at 24% in the last": the last part, its noun left out.
@functools.lru_cache(maxsize=32)
def _elided_parts(classes: str) -> re.Pattern:
    return re.compile(r"(?:" + classes + r")\s+(the\s+(start|beginning|opening|middle|end|close|finish))\b(?!\s+of\b)|"
                      r"\bin\s+the\s+(last|final|first|opening)(?=\s*(?:[.,;)]|$))", re.I)


def _part(m: re.Match) -> tuple | None:
    which, fraction, amount, unit, piece, edge, loose = m.groups()
    if edge or loose:
        return _edge_share(edge or loose)
    order = _ORDINAL[which.lower()]
    if fraction:
        k = _FRACTIONS[fraction.lower()]
        if order == -1:
            return ("share", 1 - 1 / k, 1.0)
        return ("share", (order - 1) / k, order / k) if order <= k else None
    if unit:
        seconds = (1.0 if amount in (None, "a", "one") else stated_amount(amount)) * unit_seconds(unit)
        return ("seconds", "last" if order == -1 else "first", seconds) if order in (1, -1) else None
    return ("share", 0.0, 0.5) if order == 1 else ("share", 0.5, 1.0) if order == -1 else ("share", 1 / 3, 2 / 3)


def _point(m: re.Match, text: str) -> tuple | None:
    t = float(m.group("t") or m.group("t2")) * unit_seconds(m.group("unit") or m.group("unit2"))
    if m.group("t2"):  # "40 seconds in"
        return ("point", t, "about")
    prep = " ".join(m.group("prep").lower().split())
    roughly = bool(re.search(_ROUGHLY + r"$", prep))
    if roughly and prep.split()[0] in ("from", "after"):
        return ("span", t, None)
    if roughly and prep.split()[0] == "until":
        return ("span", 0.0, t)
    if _AMOUNT_AFTER.match(text[m.end():]) or (roughly and _AMOUNT_BEFORE.search(text[:m.start()])):
        return None  # "after 13 s were rejected", "about 30 s of the recording", "lost roughly 30 s": amounts
    if prep in ("after", "from", "past", "beyond", "since", "shortly after", "soon after", "just after"):
        return ("span", t, None)
    if prep in ("before", "until", "till", "up to", "just before"):
        return ("span", 0.0, t)
    return ("point", t, "by" if prep == "by" else "about" if roughly else "at")


def times(text: str) -> list[Time]:
    """Every word of time in a clause, in reading order."""
    out = [Time(m.start(), m.end(), None) for m in COURSE.finditer(text)]
    for m in _PART.finditer(text):
        part, start = _part(m), m.start()
        after = re.search(r"\b(?:after|past|beyond|following)\s+$", text[:start], re.I)
        if part and part[:2] == ("seconds", "first") and after:
            part, start = ("span", part[2], None), after.start()  # "after the first 20 s": from 20 s on
        out.append(Time(start, m.end(), part, bool(m.group(7))))
    ranges = [Time(m.start(), m.end(), ("span", float(m.group(1) or m.group(2)) * unit_seconds(m.group("unit")),
                                        float(m.group(3)) * unit_seconds(m.group("unit"))))
              for m in _RANGE.finditer(text) if float(m.group(1) or m.group(2)) < float(m.group(3))]
    bare = list(_BARE_RANGE.finditer(text)) if _TIMELINE_WORD.search(text) else []
    # "0-16 anger 0.27", "seg 12-40, fear .25", "t0-16 happy .48": a range right before a class names a part
    bare += [m for m in _RANGE_BEFORE_CLASS.finditer(text) if class_re().match(text, m.end())]
    ranges += [Time(m.start(), m.end(), ("span", float(m.group(1)), float(m.group(2))))
               for m in bare if float(m.group(1)) < float(m.group(2)) and not any(r.start <= m.start() < r.end for r in ranges)]
    out += ranges
    out += [Time(m.start(), m.end(), ("share", 0.0, 1 / 3) if m.group(1) else ("share", 2 / 3, 1.0))
            for m in _OPENED.finditer(text) if not any(t.start <= m.start() < t.end for t in out)]
    for m in _elided_parts(class_re().pattern).finditer(text):
        at = m.start(1) if m.group(1) else m.start()
        if not any(t.start <= at < t.end for t in out):
            out.append(Time(at, m.end(), _edge_share(m.group(2) or m.group(3))))
    for m in _POINT.finditer(text):
        part = None if any(r.start <= m.start() < r.end for r in ranges) else _point(m, text)
        if part is not None:
            out.append(Time(m.start(), m.end(), part))
    return sorted(out, key=lambda t: t.start)


def named_part(text: str, loose: bool = False) -> Time | None:
    """The part of the recording a clause names (not the whole course; a vague "at first" only when
    `loose`)."""
    return next((t for t in times(text) if t.part is not None and (loose or not t.loose)), None)


def tolerance(part: tuple, total: float) -> float:
    """How far from a stated moment the reading may change: a second when it is given exactly, a
    tenth of the recording (at least 5 s) when roughly."""
    return 1.0 if part[2] in ("at", "by") else max(5.0, 0.1 * total)


def interval(part: tuple | None, total: float) -> tuple[float, float]:
    """The seconds a part covers in a recording `total` seconds long (a moment: the seconds around it)."""
    if part is None:
        return 0.0, total
    kind = part[0]
    if kind == "share":
        return part[1] * total, part[2] * total
    if kind == "span":
        return part[1], total if part[2] is None else min(part[2], total)
    if kind == "point":
        if part[2] == "by":
            return 0.0, part[1]
        slack = tolerance(part, total)
        return max(0.0, part[1] - slack), min(total, part[1] + slack)
    return (0.0, part[2]) if part[1] == "first" else (max(0.0, total - part[2]), total)
