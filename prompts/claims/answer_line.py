"""The claims an Answer line makes, read from its shape: the line a reader sees first, checked like
every sentence of the reasoning.

An answer to a free question has its kind's shape (`prompts.questions.answer_shapes`), and most
shapes state a measurement outright:

    frontal alpha elevated (z +1.4)            band      the region's band power: direction and z
    parietal gamma not measured                band      no usable channel there
    favours left (+0.27), balanced (+0.03)     faa       the asymmetry's side and value
    quality fair, summary: sad, poor quality   quality   the quality grade
    bad channels: FP1, T7 and 3 more           bad_channels  the channels named, and how many
    confidence moderate                        confidence_level  the reading's documented level
    fear is less likely (12%)                  probability, rank  fear's share, and that it is not first
    largest deviation: occipital beta …        band, comparison  and that it is the largest |z|
    none (all regions typical)                 all_typical
    steady: sad, changing: neutral then fear   trend     the timeline's leading classes, in order

Read from the shape rather than as prose: the shape names its subject only once ("favours left"
names no asymmetry), and a shape has one reading. Lines without a measured fact (an emotion, a
valence or arousal class, "cannot tell", a next step) state no claim here; the prose reader still
reads them, as it reads any text.
"""

from __future__ import annotations

import re

from encoders.features import BAND_NAMES
from encoders.labels import SEVEN_EMOTIONS

from ..answer_format import answer_line_span
from ..questions import REGIONS, answer_kind
from .lexicon import class_space
from .model import Claim
from .text import Number, normalise

_Z = r"(?P<z>[+-]\d+(?:\.\d+)?)"
_BAND = re.compile(rf"^(?P<region>{'|'.join(REGIONS)}) (?P<band>{'|'.join(BAND_NAMES)}) "
                   rf"(?:(?P<direction>elevated|reduced|typical)(?: \(z {_Z}\))?|(?P<unmeasured>not measured))$")
_FAA = re.compile(r"^(?:favours (?P<side>left|right)|(?P<balanced>balanced)) \((?P<value>[+-]\d+\.\d+)\)$")
_LISTED = re.compile(r"^bad channels: (?P<names>.+?)(?: and (?P<more>\d+) more)?$", re.I)
_ASIDE = re.compile(r"\s*\([^)]*\)")  # "T7 (flat)": the reason is not a channel
_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def _number(text: str, kind: str) -> Number:
    """A number of an answer line with the precision it was written at."""
    digits = text.lstrip("+-")
    return Number(0, len(text), float(text), len(digits.split(".")[1]) if "." in digits else 0, kind,
                  text[:1] in "+-")


def _labels() -> tuple[str, ...]:
    return (class_space() or SEVEN_EMOTIONS).labels


def answer_line_claims(text: str) -> tuple[tuple[int, int] | None, list[Claim]]:
    """(where the Answer line is in `text`, "Answer:" included; the claims its shape states). The
    span is None without an Answer line; the claims are empty when the line has no shape stating a
    measured fact."""
    norm = normalise(text or "")
    found = answer_line_span(norm)
    if found is None:
        return None, []
    start, end = found
    line = norm[start:end].strip().rstrip(".").rstrip()
    end += len(norm[end:]) - len(norm[end:].lstrip(" \t"))  # the line's trailing spaces are on it too
    return (norm.lower().rfind("answer:", 0, start), end), _claims(line, answer_kind(line, _labels()))


def _claims(line: str, kind: str | None) -> list[Claim]:
    lower = line.lower()
    if kind == "band":
        return _band(line, _BAND.match(lower))
    if kind == "asymmetry":
        if lower == "not measured":
            return [Claim("faa", line, "faa", {"measured": False})]
        m = _FAA.match(lower)
        return [Claim("faa", line, "faa", {"side": m.group("side") or "balanced", "value": float(m.group("value"))},
                      {"value": _number(m.group("value"), "plain")})]
    if kind == "quality":
        return [Claim("quality", line, "quality", {"grade": lower.split()[-1]})]
    if kind == "summary":
        return [Claim("quality", line, "quality", {"grade": lower.rsplit(",", 1)[1].split()[0]})]
    if kind == "bad_channels":
        return [_bad_channels(line, _LISTED.match(line.strip()))]
    if kind == "confidence":
        return [Claim("confidence_level", line, "confidence", {"levels": [lower.split()[-1]]})]
    if kind == "why_not":
        return _why_not(line, lower)
    if kind == "reference":
        return _reference(line, lower)
    if kind == "timeline":
        return [_timeline(line, lower)]
    return []  # an emotion, a valence or arousal class, "cannot tell", a next step: no measurement stated


def _band(line: str, m: re.Match) -> list[Claim]:
    subject = f"{m.group('region')} {m.group('band')}"
    if m.group("unmeasured"):
        return [Claim("band", line, subject, {"measured": False})]
    stated: dict = {"direction": m.group("direction")}
    numbers = {}
    if m.group("z"):
        stated["z"] = float(m.group("z"))
        numbers["z"] = _number(m.group("z"), "z")
    return [Claim("band", line, subject, stated, numbers)]


def _bad_channels(line: str, listing: re.Match) -> Claim:
    """Channel names keep their letters as written."""
    names = _ASIDE.sub("", listing.group("names")).strip()
    if re.match(r"none\b", names, re.I):
        return Claim("bad_channels", line, "bad_channels", {"count": 0})
    channels = [c.strip() for c in _SEPARATOR.split(names) if c.strip()]
    if listing.group("more"):  # "FP1, T7 and 3 more": these are bad, and so are three others
        return Claim("bad_channels", line, "bad_channels", {"channels": channels,
                                                            "count": len(channels) + int(listing.group("more"))})
    return Claim("bad_channels", line, "bad_channels", {"channels": channels, "exhaustive": True})


def _why_not(line: str, lower: str) -> list[Claim]:
    labels = sorted(_labels(), key=len, reverse=True)
    label = next(x for x in labels if lower.startswith(x.lower() + " is "))
    percent = re.search(r"\((\d+)%\)$", lower).group(1)
    share = Claim("probability", line, label, {"probability": int(percent) / 100.0},
                  {"probability": _number(percent, "percent")})
    first = "the closest match" in lower
    # The place is read from the words before the share, so that each claim quotes what it checks.
    place = line[:line.rindex("(")].rstrip()
    return [share, Claim("rank", place, label, {"rank": 1} if first else {"not_first": True})]


def _reference(line: str, lower: str) -> list[Claim]:
    rest = lower.removeprefix("largest deviation: ")
    if rest in ("none (all regions typical)", "all regions typical"):
        return [Claim("all_typical", line, "band power", {})]
    if rest == "no region measured":
        return [Claim("coverage", line, "band power", {"regions": []})]
    band = _BAND.match(rest)
    subject = f"{band.group('region')} {band.group('band')}"
    # "the largest deviation is X", as the prose reader has it: the largest |z| of the whole record.
    largest = line[:len("largest deviation: ") + len(subject)]
    return _band(line, band) + [Claim("comparison", largest, subject, {"top": subject, "among": "*", "by": "abs"})]


def _timeline(line: str, lower: str) -> Claim:
    change, _, classes = lower.partition(": ")
    if change == "steady":
        return Claim("trend", line, "reading", {"change": "steady", "class": classes, "part": None})
    # A class said twice in a row ("neutral then disgust then disgust") is one part of the sequence:
    # sloppy, but it states no change the timeline lacks.
    named = classes.split(" then ")
    sequence = [c for i, c in enumerate(named) if i == 0 or c != named[i - 1]]
    return Claim("trend", line, "reading", {"change": "sequence", "classes": sequence, "part": None})


def inside(span: tuple[int, int] | None, start: int, end: int) -> bool:
    """Whether the text from `start` to `end` lies on the Answer line at `span`."""
    return span is not None and span[0] <= start and end <= span[1]


__all__ = ["answer_line_claims", "inside"]
