"""Checking claims against the measured evidence: each one holds or fails, with the measured value.

The rules are strict on what the evidence says and lenient only on how it is written: a number
holds when it is the measured value at the precision it was written ("41%" for 0.41, "+0.2" for
+0.23 does not), a direction when it is the measured one, a meaning when it is the documented
association of what was claimed. Anything the evidence has no measurement for fails: the checker
never lets an unverifiable statement through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from encoders.evidence import FAA_THRESHOLD, Z_THRESHOLD, Evidence
from encoders.labels import SEVEN_EMOTIONS, VALENCE_AROUSAL, LabelSpace

from .answer_line import answer_line_claims
from .associations import band_meaning, class_of, faa_meaning
from .comparisons import check_comparison
from .extract import extract_claims
from .lexicon import class_space, class_vocabulary
from .model import Claim
from .parts import interval
from .ranks import NEAR_TIE
from .relations import check_group_rank, check_relation
from .situations import situation_claims
from .text import Share, share_holds, stated_precision
from .trend import check_trend


@dataclass
class CheckedClaim:
    kind: str
    text: str
    subject: str
    holds: bool
    measured: str  # what the evidence says, in words
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "subject": self.subject, "holds": self.holds,
                "measured": self.measured, "why": self.why}


def _direction(z: float) -> str:
    return "elevated" if z >= Z_THRESHOLD else "reduced" if z <= -Z_THRESHOLD else "typical"


def _faa_side(value: float) -> str:
    return "left" if value >= FAA_THRESHOLD else "right" if value <= -FAA_THRESHOLD else "balanced"


def probabilities_of(ev: Evidence) -> dict[str, float]:
    """Every class's pattern-match probability the evidence holds (all of them when it keeps the full
    vector, else the top ones it shows)."""
    full = getattr(ev, "probabilities", None) or {}
    return dict(full) if full else {str(label): float(p) for label, p in ev.pattern}


_REASON_FIGURES = {"artifact": re.compile(r"artifacts in (\d+(?:\.\d+)?)% of windows"),
                   "muscle": re.compile(r"muscle \(EMG\) contamination in (\d+(?:\.\d+)?)% of windows"),
                   "blink": re.compile(r"blinks or movements in (\d+(?:\.\d+)?)% of windows")}


def quality_figure(ev: Evidence, kind: str) -> float | None:
    """A quality-report percentage: the evidence's own field when it has one, else the figure its
    quality reasons state (a figure under the reporting threshold is not stated anywhere)."""
    value = getattr(ev, f"{kind}_percent", None)
    if value is not None:
        return float(value)
    for reason in ev.quality_reasons:
        m = _REASON_FIGURES[kind].search(reason)
        if m:
            return float(m.group(1))
    return None


def _within(stated: float, measured: float, number, floor: float = 0.0) -> bool:
    tolerance = max(stated_precision(number) if number is not None else 0.0, floor)
    return abs(stated - measured) <= tolerance + 1e-9


def _meaning_words(meaning: tuple[str, int] | None) -> str:
    if meaning is None:
        return "no documented meaning"
    dimension, sign = meaning
    if dimension == "valence":
        return f"{'positive' if sign > 0 else 'negative'} valence"
    return f"{'higher' if sign > 0 else 'lower'} arousal"


def check_claim(claim: Claim, ev: Evidence) -> CheckedClaim:
    def result(holds: bool, measured: str, why: str) -> CheckedClaim:
        return CheckedClaim(claim.kind, claim.text, claim.subject, holds, measured, why)

    s = claim.stated
    if "segment" in s and claim.kind in ("probability", "rank") and (ev.timeline or not s.get("loose")):
        return _check_segment(claim, ev)
    if claim.kind == "probability" and "sum_of" in s:  # "fear and sad hold 77% between them"
        probabilities = probabilities_of(ev)
        missing = [m for m in s["sum_of"] if m not in probabilities]
        if missing:
            return result(False, "not in the pattern match", f"the pattern match gives no probability for "
                                                             f"{', '.join(missing)}")
        total = sum(probabilities[m] for m in s["sum_of"])
        # Each stored probability is rounded to two decimals: their sum may be off by half a point each.
        slack = max(_probability_slack(claim.numbers.get("probability")), 0.005 * len(s["sum_of"]))
        words = f"{' + '.join(s['sum_of'])} = {total:.0%}"
        ok = abs(s["probability"] - total) <= slack + 1e-9
        return result(ok, words, "matches the pattern match" if ok else f"together {total:.0%}, not {s['probability']:.0%}")
    if claim.kind == "probability":
        probabilities = probabilities_of(ev)
        if claim.subject not in probabilities:
            return result(False, "not in the pattern match", f"the pattern match gives no probability for {claim.subject}")
        measured = probabilities[claim.subject]
        number = claim.numbers.get("probability")
        percent = number is not None and number.kind == "percent"
        slack = _probability_slack(number)
        words = f"{claim.subject} {measured:.0%}"
        if "share" in s:  # "about a third of the match goes to sad"
            ok = share_holds(measured, s["share"])
            return result(ok, words, "matches the pattern match" if ok else f"the pattern match gives {claim.subject} "
                          f"{measured:.0%}, not {s['share'].relation.replace('_', ' ')} {s['share'].value:.0%}")
        if "at_most" in s or "at_least" in s:
            bound = s.get("at_most", s.get("at_least"))
            ok = measured <= bound + slack if "at_most" in s else measured >= bound - slack
            return result(ok, words, "within the stated bound" if ok else
                          f"{claim.subject} is {measured:.0%}, not {'at most' if 'at_most' in s else 'at least'} "
                          f"{bound:.0%}")
        ok = abs(s["probability"] - measured) <= max(slack, 0.005 if not percent else 0.0) + 1e-9
        return result(ok, words, "matches the pattern match" if ok else
                      f"the pattern match gives {claim.subject} {measured:.0%}, not {s['probability']:.0%}")
    if claim.kind in ("gap", "ratio"):
        return result(*check_relation(claim, probabilities_of(ev)))
    if claim.kind == "group_rank":
        return result(*check_group_rank(claim, probabilities_of(ev), class_space() or SEVEN_EMOTIONS))
    if claim.kind == "readout":
        return _check_readout(claim, ev, result)
    if claim.kind == "rank":
        probabilities = probabilities_of(ev)
        if claim.subject not in probabilities:
            return result(False, "not ranked", f"{claim.subject} is not among the pattern match's classes")
        p = probabilities[claim.subject]
        higher = sum(1 for q in probabilities.values() if q > p + 1e-9)
        ties = sum(1 for q in probabilities.values() if abs(q - p) <= 1e-9) - 1
        order = ", ".join(f"{k} {v:.0%}" for k, v in sorted(probabilities.items(), key=lambda kv: -kv[1])[:3])
        if s.get("not_first"):  # "fear is less likely": another class leads
            return result(higher > 0, order, "another class leads the pattern match" if higher else
                          f"{claim.subject} leads the pattern match")
        if s.get("strict") and ties:  # "the least likely class outright"
            return result(False, order, f"{claim.subject} shares its place with {ties} other class{'es' if ties > 1 else ''}")
        if s["rank"] == 0:  # "the least likely class"
            lower = sum(1 for q in probabilities.values() if q < p - 1e-9)
            return result(lower == 0, order, "matches the pattern match's order" if lower == 0 else
                          f"{claim.subject} is not last: {lower} class{'es' if lower > 1 else ''} below it")
        ok = higher + 1 <= s["rank"] <= higher + 1 + ties
        return result(ok, order, "matches the pattern match's order" if ok else
                      f"{claim.subject} ranks {higher + 1}, not {s['rank']}")
    if claim.kind == "order":
        probabilities = probabilities_of(ev)
        names = s.get("tied") or [s["higher"], s["lower"]]
        missing = [n for n in names if n not in probabilities]
        if missing:
            return result(False, "not ranked", f"the pattern match gives no probability for {', '.join(missing)}")
        a, b = (probabilities[n] for n in names)
        words = f"{names[0]} {a:.0%}, {names[1]} {b:.0%}"
        ok = abs(a - b) <= (NEAR_TIE if s.get("near") else 0.0) + 1e-9 if "tied" in s else a > b + 1e-9
        return result(ok, words, "matches the pattern match" if ok else
                      f"{names[0]} is {a:.0%} and {names[1]} {b:.0%}")
    if claim.kind == "band":
        region, band = claim.subject.split()
        z = ev.band_z.get(region, {}).get(band)
        if s.get("measured") is False:  # "parietal gamma not measured"
            return result(z is None, "not measured" if z is None else f"{region} {band} z {z:+.2f} ({_direction(z)})",
                          f"no usable channel covers the {region} region" if z is None else
                          f"{region} {band} was measured")
        if z is None:
            if "group" in s:  # "theta is reduced in every region": regions without channels are not claimed
                return result(True, "not measured", f"no {region} measurement; not part of the claim")
            return result(False, "not measured", f"no {region} {band} measurement (no usable channels there)")
        measured = f"{region} {band} z {z:+.2f} ({_direction(z)})"
        if "direction" in s and s["direction"] != _direction(z):
            return result(False, measured, f"measured {_direction(z)}, not {s['direction']}")
        if "not_direction" in s and s["not_direction"] == _direction(z):
            return result(False, measured, f"measured {_direction(z)}")
        if "z" in s:
            number = claim.numbers.get("z")
            # An unsigned number read with "reduced" is a magnitude ("reduced by 1.3 SD").
            target = abs(z) if not s.get("z_signed", True) and s.get("direction") == "reduced" else z
            if not _within(s["z"], target, number):
                return result(False, measured, f"stated z {s['z']:+g}, measured {z:+.2f}")
        return result(True, measured, "matches the measured band power")
    if claim.kind == "all_typical":
        exempt = set(s.get("except", []))
        values = [(abs(z), f"{r} {b} z {z:+.2f}") for r, bands in ev.band_z.items() for b, z in bands.items()
                  if f"{r} {b}" not in exempt and b == s.get("band", b)]
        strongest = max(values, default=(0.0, "no band measured"))
        ok = bool(values) and strongest[0] < Z_THRESHOLD
        return result(ok, strongest[1], "every region is within the typical range" if ok else
                      f"not every region is typical ({strongest[1]})")
    if claim.kind == "trend":
        return result(*check_trend(claim, ev.timeline, ev.duration_s))
    if claim.kind == "comparison":
        return result(*check_comparison(claim, ev.band_z))
    if claim.kind == "coverage":
        measured_regions = sorted(ev.band_z)
        words = "band power measured over " + (", ".join(measured_regions) or "no region")
        ok = (claim.subject not in ev.band_z) if "measured" in s else s["regions"] == measured_regions
        return result(ok, words, "matches the regions measured" if ok else f"{words}")
    if claim.kind == "quality_figure" and claim.subject == "line_noise":
        ratio = getattr(ev, "line_noise_ratio", None)
        if ratio is None:
            m = next((m for r in ev.quality_reasons for m in [re.search(r"line noise (\d+(?:\.\d+)?)×", r)] if m), None)
            ratio = float(m.group(1)) if m else None
        if ratio is None:
            return result(False, "not reported", "the quality report states no line-noise ratio")
        ok = abs(s["ratio"] - ratio) <= 0.5 + 1e-9
        return result(ok, f"line noise {ratio:g}×", "matches the quality report" if ok else
                      f"line noise is {ratio:g}× the neighbouring bands, not {s['ratio']:g}×")
    if claim.kind == "quality_figure":
        measured = quality_figure(ev, claim.subject)
        if measured is None:
            return result(False, "not reported", f"the quality report gives no {claim.subject} percentage")
        if "share" in s:
            ok = share_holds(measured / 100.0, s["share"])
            return result(ok, f"{claim.subject} {measured:g}%", "matches the quality report" if ok else
                          f"{claim.subject} in {measured:g}% of windows, not {s['share'].relation.replace('_', ' ')} "
                          f"{s['share'].value:.0%}")
        ok = abs(s["percent"] - measured) <= 0.5 + 1e-9
        return result(ok, f"{claim.subject} {measured:g}%", "matches the quality report" if ok else
                      f"{claim.subject} in {measured:g}% of windows, not {s['percent']:g}%")
    if claim.kind == "faa":
        if ev.faa is None:
            ok = s.get("measured") is False
            return result(ok, "not measured (no frontal left/right pair)", "no asymmetry was measured" if ok else
                          "no frontal alpha asymmetry was measured for this recording")
        measured = f"{ev.faa:+.2f} ({_faa_side(ev.faa)})"
        if s.get("measured") is False:
            return result(False, measured, f"the asymmetry was measured: {measured}")
        # The value and the side are checked each in its own right: a claim may get one and not the other.
        wrong = []
        if "value" in s and not _within(s["value"], ev.faa, claim.numbers.get("value")):
            wrong.append(f"stated {s['value']:+g}, measured {ev.faa:+.2f}")
        if "side" in s and s["side"] != _faa_side(ev.faa):
            wrong.append(f"the asymmetry is {_faa_side(ev.faa)}, not {s['side']}")
        return result(not wrong, measured, "; ".join(wrong) or "matches the measured asymmetry")
    if claim.kind == "association":
        if claim.subject == "faa":
            side = s.get("side") or (_faa_side(ev.faa) if ev.faa is not None else None)
            documented = faa_meaning(side)
        else:
            region, band = claim.subject.split()
            documented = band_meaning(region, band, s["direction"])
        ok = documented is not None and documented == s["meaning"]
        return result(ok, _meaning_words(documented), "the documented meaning" if ok else
                      f"it indicates {_meaning_words(documented)}, not {_meaning_words(s['meaning'])}")
    if claim.kind == "class":
        space = class_space()
        if space is not None and not space.emotions:  # a label set of valence/arousal classes
            if claim.subject not in space.labels:
                return result(False, "unknown class", f"{claim.subject} is not a class of {space.name}")
            valence, arousal = space.valence(claim.subject), space.arousal(claim.subject)
        elif claim.subject not in VALENCE_AROUSAL:
            return result(False, "unknown class", f"{claim.subject} has no valence/arousal placement")
        else:
            valence, arousal = class_of(claim.subject)
        measured = f"{claim.subject}: {valence} valence, {arousal} arousal"
        wrong = [f"{k} is {v}" for k, v in (("valence", valence), ("arousal", arousal)) if k in s and s[k] != v]
        if s.get("only") and not wrong:  # "the only high-arousal class": no other class of the set placed so
            read_in = space or SEVEN_EMOTIONS
            same = [label for label in read_in.labels if label != claim.subject
                    and all(read_in.class_on(label, k) == s[k] for k in ("valence", "arousal") if k in s)]
            if same:
                wrong.append(f"not the only one: {', '.join(same)} too")
        return result(not wrong, measured, "the class's placement" if not wrong else
                      f"{claim.subject}'s {'; '.join(wrong)}")
    if claim.kind == "class_count":
        read_in = class_space() or SEVEN_EMOTIONS
        labels = read_in.labels
        dimension = "valence" if "valence" in s else "arousal"
        placed = [label for label in labels if read_in.class_on(label, dimension) == s[dimension]]
        measured = f"{s[dimension]} {dimension}: {', '.join(placed) or 'none'} (of {len(labels)} classes)"
        wrong = []
        if s["count"] != len(placed):
            wrong.append(f"{len(placed)} classes are {s[dimension]} {dimension}, not {s['count']}")
        if "of" in s and s["of"] != len(labels):
            wrong.append(f"the set has {len(labels)} classes, not {s['of']}")
        if "members" in s and set(s["members"]) != set(placed):
            wrong.append(f"they are {', '.join(placed) or 'none'}")
        return result(not wrong, measured, "; ".join(wrong) or "matches the label set")
    if claim.kind == "quality":
        ok = s["grade"] == ev.quality_grade
        return result(ok, f"quality {ev.quality_grade}", "matches the quality report" if ok else
                      f"measured quality is {ev.quality_grade}, not {s['grade']}")
    if claim.kind == "usable":
        measured = f"{ev.usable_seconds:.0f} of {ev.total_seconds:.0f} s usable"
        if "usable_s" in s and abs(s["usable_s"] - ev.usable_seconds) > 0.5 + 1e-9:
            return result(False, measured, f"stated {s['usable_s']:g} s usable, measured {ev.usable_seconds:.0f}")
        if "rejected_s" in s and abs(s["rejected_s"] - (ev.total_seconds - ev.usable_seconds)) > 0.5 + 1e-9:
            return result(False, measured, f"stated {s['rejected_s']:g} s rejected, measured "
                                           f"{ev.total_seconds - ev.usable_seconds:.0f}")
        if "total_s" in s and abs(s["total_s"] - ev.total_seconds) > 0.5 + 1e-9:
            return result(False, measured, f"stated {s['total_s']:g} s in all, measured {ev.total_seconds:.0f}")
        if "share" in s and not share_holds(ev.usable_seconds / ev.total_seconds if ev.total_seconds else 0.0, s["share"]):
            return result(False, measured, f"{ev.usable_seconds:.0f} of {ev.total_seconds:.0f} s is not "
                                           f"{s['share'].relation.replace('_', ' ')} {s['share'].value:.0%}")
        if "usable_percent" in s:
            percent = 100.0 * ev.usable_seconds / ev.total_seconds if ev.total_seconds else 0.0
            if abs(s["usable_percent"] - percent) > 0.5 + 1e-9:
                return result(False, measured, f"stated {s['usable_percent']:g}% usable, measured {percent:.0f}%")
        return result(True, measured, "matches the quality report")
    if claim.kind == "bad_channels":
        bad = {c.lower() for c in ev.bad_channels}
        measured = ", ".join(ev.bad_channels) if ev.bad_channels else "none"
        if "channels" in s:
            named = {c.lower() for c in s["channels"]}
            wrong = sorted(c for c in s["channels"] if c.lower() not in bad)
            if wrong:
                return result(False, measured, f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not bad")
            if s.get("exhaustive") and named != bad:
                return result(False, measured, f"the bad channels are {measured}")
        if "count" in s and s["count"] != len(bad):
            return result(False, measured, f"{len(bad)} bad channel(s), not {s['count']}")
        if "of" in s and s["of"] != ev.n_channels:
            return result(False, measured, f"the recording has {ev.n_channels} EEG channels, not {s['of']}")
        return result(True, measured, "matches the quality report")
    if claim.kind == "confidence_level":
        # Imported here: prompts.evidence_text imports this package for the documented band meanings.
        from ..evidence_text import confidence_level

        level = confidence_level(ev)
        ok = level in s["levels"]
        return result(ok, f"confidence {level}", "matches the pattern match's lead and the quality" if ok else
                      f"the reading's confidence is {level} (top probability, its lead and the quality), not "
                      f"{' or '.join(s['levels'])}")
    if claim.kind == "channels" and "good" in s:
        good = ev.n_channels - len(ev.bad_channels)
        return result(s["good"] == good, f"{good} of {ev.n_channels} channels good",
                      "matches the recording" if s["good"] == good else
                      f"{good} channels are good ({len(ev.bad_channels)} of {ev.n_channels} bad), not {s['good']}")
    if claim.kind == "channels":
        ok = s["count"] == ev.n_channels
        return result(ok, f"{ev.n_channels} EEG channels", "matches the recording" if ok else
                      f"the recording has {ev.n_channels} EEG channels, not {s['count']}")
    if claim.kind == "duration":
        tolerance = 30.0 if s.get("minutes") else 0.5
        ok = abs(s["seconds"] - ev.duration_s) <= tolerance + 1e-9
        return result(ok, f"{ev.duration_s:.0f} s", "matches the recording" if ok else
                      f"the recording lasts {ev.duration_s:.0f} s, not {s['seconds']:g}")
    return result(False, "", f"unknown claim kind {claim.kind}")


def _check_segment(claim: Claim, ev: Evidence) -> CheckedClaim:
    """A claim about one part of the recording, against the encoder's reading of that part: the parts of
    the timeline that lie mostly within it (or, for a moment, around it)."""
    def result(holds: bool, measured: str, why: str) -> CheckedClaim:
        return CheckedClaim(claim.kind, claim.text, claim.subject, holds, measured, why)

    if not ev.timeline:
        return result(False, "no reading over time", "the evidence has no reading over time (no timeline) for a part of "
                                                     "the recording")
    total = max(ev.duration_s, ev.timeline[-1][1])
    start, end = interval(claim.stated["segment"], total)
    within = [seg for seg in ev.timeline
              if min(seg[1], end) - max(seg[0], start) >= min(seg[1] - seg[0], end - start) / 2 - 1e-9 > 0]
    if not within:
        return result(False, "no such part", f"the evidence has no reading for {start:g}–{end:g} s")
    measured = "; ".join(f"{a:g}–{b:g} s: {label} {p:.0%}" for a, b, label, p in within)
    led = [seg for seg in within if seg[2] == claim.subject]
    if not led:
        leaders = " or ".join(sorted({seg[2] for seg in within}))
        return result(False, measured, f"the reading of {start:g}–{end:g} s is closest to {leaders}, not {claim.subject}")
    if claim.kind == "rank" and claim.stated["rank"] not in (0, 1):
        return result(False, measured, f"{claim.subject} leads that part")
    if claim.kind == "probability":
        slack = _probability_slack(claim.numbers.get("probability"))
        s = claim.stated
        if "share" in s and not any(share_holds(seg[3], s["share"]) for seg in led):
            return result(False, measured, f"{claim.subject} is {', '.join(f'{seg[3]:.0%}' for seg in led)} in that part, "
                                           f"not {s['share'].relation.replace('_', ' ')} {s['share'].value:.0%}")
        if "probability" in s and not any(abs(s["probability"] - seg[3]) <= max(slack, 0.005) + 1e-9 for seg in led):
            return result(False, measured, f"{claim.subject} is {', '.join(f'{seg[3]:.0%}' for seg in led)} in that part, "
                                           f"not {s['probability']:.0%}")
    return result(True, measured, "matches the reading of that part")


def _check_readout(claim: Claim, ev: Evidence, result) -> CheckedClaim:
    """A valence or arousal class's share, against the pattern match summed by the classes' place on
    that dimension (the read-out the evidence text shows), at the precision it was written."""
    from ..evidence_text import class_readout  # imported here, as confidence_level above

    s = claim.stated
    space = class_space() or SEVEN_EMOTIONS
    readout = dict(class_readout(ev, space, s["dimension"])) if ev.probabilities else {}
    if not readout:
        return result(False, "no read-out", f"the evidence holds no full pattern match to sum by {s['dimension']}")
    words = ", ".join(f"{c} {s['dimension']} {p:.0%}" for c, p in sorted(readout.items(), key=lambda kv: -kv[1]))
    if s["class"] not in readout:
        return result(False, words, f"no class of the label set has {claim.subject}")
    measured = readout[s["class"]]
    number = claim.numbers["share"]
    if "relation" in s:  # "just under 30%"
        ok = share_holds(measured, Share(0, 0, s["share"], s["relation"]))
        return result(ok, words, "within the stated bound" if ok else f"the pattern match sums to {measured:.0%} for "
                      f"{claim.subject}, not {s['relation'].replace('_', ' ')} {s['share']:.0%}")
    slack = stated_precision(number) / (100.0 if number.kind == "percent" else 1.0)
    ok = abs(s["share"] - measured) <= slack + 1e-9
    return result(ok, words, "matches the summed pattern match" if ok else
                  f"the pattern match sums to {measured:.0%} for {claim.subject}, not {s['share']:.0%}")


def check_text(text: str, ev: Evidence, space: LabelSpace | None = None) -> list[CheckedClaim]:
    """Every claim in `text`, checked against one recording's evidence; class names are read as
    `space`'s classes (default: the label set of the evidence's pattern match, else the emotions)."""
    with class_vocabulary(_space_of(ev, space)):
        checked = [check_claim(claim, ev) for claim in extract_claims(text)]
    # A situation picked against the reasoning's own reading of the situations, and an emotion other
    # than the pattern match's first chosen among the situations' emotions.
    first = ev.pattern[0][0] if ev.pattern else None
    for kind, (words, holds, measured, why) in situation_claims(text or "", ev.probabilities or {}, first).items():
        checked.append(CheckedClaim(kind, words, "situation", holds, measured, why))
    return checked


def check_answer_line(text: str, ev: Evidence, space: LabelSpace | None = None) -> list[CheckedClaim]:
    """The claims the Answer line of `text` states in its shape (`answer_line.py`), checked against one
    recording's evidence; empty without an Answer line or for one that states no measurement."""
    with class_vocabulary(_space_of(ev, space)):
        return [check_claim(claim, ev) for claim in answer_line_claims(text)[1]]


def _probability_slack(number) -> float:
    """How far a stated probability may be from the stored one: the precision it is written at (half a
    point for "41%"), else half of the stored two decimals' last digit."""
    if number is None:
        return 0.005
    return stated_precision(number) / (100.0 if number.kind == "percent" else 1.0)


def _space_of(ev: Evidence, space: LabelSpace | None) -> LabelSpace | None:
    """The label set class names are read in: `space`, else that of the evidence's pattern match (None:
    the emotions)."""
    if space is None and ev.probabilities:
        from encoders.labels import LABEL_SPACES, space_of

        # By the classes, in whatever order the evidence lists them (a stored or pasted record may be
        # ordered by probability): the checker reads names and placements, never indices.
        named = set(ev.probabilities)
        return next((s for s in LABEL_SPACES.values() if set(s.labels) == named), None) or space_of(tuple(ev.probabilities))
    return space
