"""Answers to the free questions of `prompts.questions`, written from the measured evidence.

Each builder returns the reasoning, the answer line (in its kind's shape) and a confidence, from the
`Evidence` and the label set alone, deterministically: these are the training targets, and the
references the evaluator scores replies against. A reasoning only writes numbers the evidence holds,
formatted as the prompt shows them, so the claim checker reads it like any rationale. Readings of the
recording (valence, arousal, how sure, why not, over time) follow the encoder's calibrated
probabilities: the decision the evidence supports, not a guess beyond it; a recording that cannot
support a reading gets "cannot tell" and says why.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from encoders.evidence import Evidence
from encoders.labels import SEVEN_EMOTIONS, LabelSpace

from .abstention import chance_among, measured_facts
from .answer_format import ABSTAIN
from .evidence_text import (NO_MEANING, class_readout, confidence_level, format_percent, format_z,
                            limit_phrase, notable_band_findings, quality_problems, reference_scheme)
from .openings import OPENINGS, band_opening, reference_opening, why_not_opening
from .questions import READINGS
from .rationale import BAND_CUES, CLASS_SIGN, CONCLUSION_DIMENSION, cues, dimension_summary, quality_sentence, readout_sentence

FACT_CONFIDENCE = 0.95  # a measurement reported as measured


@dataclass
class Target:
    reasoning: str
    answer: str
    confidence: float


def _c(value: float) -> float:
    return float(min(0.95, max(0.05, round(value, 2))))


def _ranked(ev: Evidence) -> list[tuple[str, float]]:
    return sorted(ev.probabilities.items(), key=lambda kv: -kv[1])


def dimension_decision(ev: Evidence, space: LabelSpace, dimension: str) -> tuple[str, float] | None:
    """The valence or arousal class the encoder's probabilities favour, with its probability (the
    Bayes decision given the evidence); None without a reading or a placement for the dimension."""
    readout = class_readout(ev, space, dimension)
    return readout[0] if readout else None


def _abstain(ev: Evidence, opening: str, what: str, space: LabelSpace = SEVEN_EMOTIONS,
             otherwise: str = "the signal is too poor") -> Target:
    why = "; ".join(limit_phrase(x) for x in ev.limits) or otherwise
    return Target(f"{opening} {quality_sentence(ev)} The recording cannot support {what}: {why}.", ABSTAIN,
                  chance_among(space.labels))


def _top_sentence(ev: Evidence, space: LabelSpace, dimension: str | None = None) -> str:
    (top, p), *rest = _ranked(ev)
    text = f"The EEG pattern match is closest to {top} ({format_percent(p)})"
    if dimension:
        cls = space.valence(top) if dimension == "valence" else space.arousal(top)
        if cls:
            text += f", {'an emotion' if space.emotions else 'a class'} with {cls} {dimension}"
    elif rest:
        text += f", then {rest[0][0]} ({format_percent(rest[0][1])})"
    return text + "."


def _cap(text: str) -> str:
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


# ---- readings of the recording --------------------------------------------------------------------


def dimension_answer(ev: Evidence, space: LabelSpace, dimension: str, rng: random.Random) -> Target:
    """Valence or arousal: the read-out the conclusion follows from (the pattern match summed by class;
    for label sets without one, the first class's place), that dimension's indicators and whether they
    agree, then the class."""
    opening = OPENINGS[dimension]
    decision = dimension_decision(ev, space, dimension) if ev.supports_emotion else None
    if decision is None:
        return _abstain(ev, opening, f"a {dimension} reading", space)
    cls, p = decision
    found = [c for c in cues(ev, rng) if c.dimension == dimension]
    cited = readout_sentence(ev, space, (dimension,)) or _top_sentence(ev, space, dimension)
    parts = [opening, quality_sentence(ev), cited]
    parts += [_cap(c.sentence) for c in found]
    parts.append(_cap(dimension_summary(found, dimension, CLASS_SIGN.get(cls, 0))))
    parts.append(_cap(CONCLUSION_DIMENSION.format(cls=cls, dimension=dimension)))
    word = "valence" if dimension == "valence" else "arousal"
    return Target(" ".join(parts), f"{cls} {word}", _c(p))


def confidence_answer(ev: Evidence, space: LabelSpace) -> Target:
    opening = OPENINGS["confidence"]
    if not ev.supports_emotion or not ev.probabilities:
        return Target(f"{opening} {quality_sentence(ev)} The recording cannot support an emotion reading: "
                      + ("; ".join(limit_phrase(x) for x in ev.limits) or "the signal is too poor") + ".",
                      "confidence low", FACT_CONFIDENCE)
    ranked = _ranked(ev)
    level = confidence_level(ev)
    text = [opening, quality_sentence(ev)]
    if len(ranked) > 1:
        text.append(f"The pattern match gives {ranked[0][0]} {format_percent(ranked[0][1])} against "
                    f"{ranked[1][0]} {format_percent(ranked[1][1])}.")
    why = {"high": "a clear lead on a clean signal", "moderate": "a lead, but not a wide one",
           "low": "no clear lead"}[level]
    text.append(f"That is {why}, so confidence is {level}.")
    return Target(" ".join(text), f"confidence {level}", FACT_CONFIDENCE)


def why_not_answer(ev: Evidence, space: LabelSpace, emotion: str) -> Target:
    opening = why_not_opening(emotion)
    if not ev.supports_emotion or emotion not in ev.probabilities:
        return _abstain(ev, opening, "an emotion reading", space)
    ranked = _ranked(ev)
    p = ev.probabilities[emotion]
    top, p_top = ranked[0]
    parts = [opening]
    if emotion == top:
        parts.append(f"{emotion.capitalize()} is the closest match of the EEG pattern ({format_percent(p)}), so it "
                     f"is not ruled out.")
        return Target(" ".join(parts), f"{emotion} is the closest match ({format_percent(p)})", _c(p))
    parts.append(f"The pattern match gives {emotion} {format_percent(p)}, against {top} {format_percent(p_top)}.")
    mine, theirs = (space.valence(emotion), space.arousal(emotion)), (space.valence(top), space.arousal(top))
    if mine[0] and mine[0] != theirs[0]:
        parts.append(f"{emotion.capitalize()} has {mine[0]} valence, while {top} has {theirs[0]} valence.")
    elif mine[1] and mine[1] != theirs[1]:
        parts.append(f"{emotion.capitalize()} has {mine[1]} arousal, while {top} has {theirs[1]} arousal.")
    parts.append(f"So {emotion} is less likely.")
    return Target(" ".join(parts), f"{emotion} is less likely ({format_percent(p)})", _c(1 - p))


def timeline_answer(ev: Evidence, space: LabelSpace) -> Target:
    opening = OPENINGS["timeline"]
    if not ev.supports_emotion or not ev.timeline:
        # A good recording without a timeline is too short to split into parts.
        return _abstain(ev, opening, "a reading over time", space, "it is too short to follow over time")
    segments = ev.timeline
    parts = [opening] + [f"From {a:.0f} to {b:.0f} s the pattern match is closest to {label} "
                         f"({format_percent(p)})." for a, b, label, p in segments]
    labels = [label for _, _, label, _ in segments]
    changes = [labels[0]] + [b for a, b in zip(labels, labels[1:]) if b != a]
    if len(changes) == 1:
        parts.append(f"The reading stays {labels[0]} throughout.")
        answer = f"steady: {labels[0]}"
    else:
        parts.append("The reading changes over the recording.")
        answer = "changing: " + " then ".join(changes)
    return Target(" ".join(parts), answer, _c(min(p for *_, p in segments)))


# ---- measurements -----------------------------------------------------------------------------------


def band_answer(ev: Evidence, region: str, band: str) -> Target:
    opening = band_opening(region, band)
    z = ev.band_z.get(region, {}).get(band)
    if z is None:
        return Target(f"{opening} No usable channel covers the {region} region, so {region} {band} was not "
                      f"measured.", f"{region} {band} not measured", FACT_CONFIDENCE)
    direction = "elevated" if z >= 1.0 else "reduced" if z <= -1.0 else "typical"
    text = f"{opening} {region.capitalize()} {band} power is {direction} ({format_z(z)}) against the {ev.reference}."
    rule = BAND_CUES.get((region, band, direction))  # the documented meaning, if there is one
    if rule:
        text = text[:-1] + f", {rule[2]}."
    elif direction != "typical":  # said outright, as in the evidence text, so none is borrowed from another row
        text = text[:-1] + f", {NO_MEANING}."
    return Target(text, f"{region} {band} {direction} ({format_z(z)})", FACT_CONFIDENCE)


def asymmetry_answer(ev: Evidence) -> Target:
    opening = OPENINGS["asymmetry"]
    if ev.faa is None:
        return Target(f"{opening} No usable frontal left/right pair was recorded, so no asymmetry was measured.",
                      "not measured", FACT_CONFIDENCE)
    if ev.faa_direction == "balanced":
        text = f"{opening} Frontal alpha asymmetry is {ev.faa:+.2f}, balanced, so it indicates neither valence."
        return Target(text, f"balanced ({ev.faa:+.2f})", FACT_CONFIDENCE)
    meaning = ("approach, positive valence" if ev.faa_direction == "left" else "withdrawal, negative valence")
    text = (f"{opening} Frontal alpha asymmetry is {ev.faa:+.2f}, favouring the {ev.faa_direction} hemisphere "
            f"({meaning}).")
    return Target(text, f"favours {ev.faa_direction} ({ev.faa:+.2f})", FACT_CONFIDENCE)


def quality_answer(ev: Evidence) -> Target:
    parts = [OPENINGS["quality"], quality_sentence(ev)]
    reasons = quality_problems(ev)
    if reasons:
        parts.append("The report notes " + "; ".join(reasons) + ".")
    if ev.quality_grade == "poor":
        parts.append("That is too poor to trust a reading of this recording.")
    return Target(" ".join(parts), f"quality {ev.quality_grade}", FACT_CONFIDENCE)


MAX_LISTED = 8
NO_DEVIATION = "none (all regions typical)"


def bad_channels_answer(ev: Evidence) -> Target:
    opening = OPENINGS["bad_channels"]
    if not ev.bad_channels:
        return Target(f"{opening} No channel was marked bad; all {ev.n_channels} channels were used.",
                      "bad channels: none", FACT_CONFIDENCE)
    shown = ev.bad_channels[:MAX_LISTED]
    more = len(ev.bad_channels) - len(shown)
    listing = ", ".join(shown) + (f" and {more} more" if more else "")
    text = f"{opening} {len(ev.bad_channels)} of {ev.n_channels} channels are bad: {listing}; they were left out."
    return Target(text, f"bad channels: {listing}", FACT_CONFIDENCE)


def reference_answer(ev: Evidence) -> Target:
    opening = reference_opening(ev.reference)
    notable = notable_band_findings(ev)
    if not ev.band_z:
        return Target(f"{opening} No region could be measured, so there is nothing to compare.",
                      "no region measured", FACT_CONFIDENCE)
    if not notable:
        # Worded like the common case up to the finding ("The largest deviation is …"), so that
        # after the shared opening the only choice left is which deviation, "none" among them.
        return Target(f"{opening} The largest deviation is none: band power is typical in every measured region "
                      f"(all within one standard deviation).", f"largest deviation: {NO_DEVIATION}", FACT_CONFIDENCE)
    top = notable[0]
    _, region, band = top.key.split(":")
    parts = [opening, f"The largest deviation is {region} {band}, {top.direction} ({format_z(top.value)})."]
    if len(notable) > 1:
        rest = "; ".join(f"{f.key.split(':')[1]} {f.key.split(':')[2]} {f.direction} ({format_z(f.value)})"
                         for f in notable[1:3])
        parts.append(f"Also {rest}.")
    return Target(" ".join(parts), f"largest deviation: {region} {band} {top.direction} ({format_z(top.value)})",
                  FACT_CONFIDENCE)


def next_steps_answer(ev: Evidence) -> Target:
    parts = [OPENINGS["next_steps"], quality_sentence(ev)]
    if ev.quality_grade == "poor" or len(ev.bad_channels) > max(2, ev.n_channels // 4):
        shown = ", ".join(ev.bad_channels[:4])
        step = f"re-record with better electrode contact{f' (check {shown})' if shown else ''}"
    elif ev.bad_channels:
        step = f"check the electrodes {', '.join(ev.bad_channels[:4])} before relying on their regions"
    elif not ev.supports_emotion:
        step = "record with more channels over more of the head"
    elif ev.duration_s < 60:
        step = "record a longer session (several minutes of clean signal)"
    elif confidence_level(ev) == "low":
        step = "compare with self-report, since the reading has no clear lead"
    else:
        step = "compare the reading with self-report and the session's events"
    parts.append(f"Next I would {step}.")
    return Target(" ".join(parts), f"next: {step}", FACT_CONFIDENCE)


def summary_answer(ev: Evidence, space: LabelSpace) -> Target:
    # Plain words, and worded apart from the emotion rationale from its third sentence on: where a
    # summary shared "The EEG pattern …" with it, the model ran on into that template and ended
    # with a bare emotion for an answer.
    parts = [OPENINGS["summary"], quality_sentence(ev)]
    facts = measured_facts(ev)
    if ev.supports_emotion and ev.probabilities:
        top, p = _ranked(ev)[0]
        parts.append(f"In short, the brain-activity pattern looks most like {top} ({format_percent(p)}), a match of "
                     f"{confidence_level(ev)} confidence.")
        answer, confidence = f"summary: {top}, {ev.quality_grade} quality", _c(p)
    else:
        parts.append("In short, the recording cannot support an emotion reading.")
        answer, confidence = f"summary: no emotion reading, {ev.quality_grade} quality", FACT_CONFIDENCE
    if facts:
        parts.append(f"One measured detail: {facts[0]}.")
    parts.append("This is a research estimate, not a diagnosis.")
    return Target(" ".join(parts), answer, confidence)


def answer_for(kind: str, ev: Evidence, space: LabelSpace = SEVEN_EMOTIONS, rng: random.Random | None = None,
               region: str | None = None, band: str | None = None, emotion: str | None = None) -> Target:
    """The target reply to a free question of `kind` about the recording `ev` describes."""
    rng = rng or random.Random(0)
    if kind in ("valence", "arousal"):
        return dimension_answer(ev, space, kind, rng)
    builders = {
        "confidence": lambda: confidence_answer(ev, space),
        "why_not": lambda: why_not_answer(ev, space, emotion),
        "timeline": lambda: timeline_answer(ev, space),
        "band": lambda: band_answer(ev, region, band),
        "asymmetry": lambda: asymmetry_answer(ev),
        "quality": lambda: quality_answer(ev),
        "bad_channels": lambda: bad_channels_answer(ev),
        "reference": lambda: reference_answer(ev),
        "next_steps": lambda: next_steps_answer(ev),
        "summary": lambda: summary_answer(ev, space),
    }
    if kind not in builders:
        raise ValueError(f"no free-question builder for {kind!r}")
    return builders[kind]()


__all__ = ["READINGS", "Target", "answer_for", "dimension_decision", "reference_scheme"]


# ---- what a question names, looked up for it -------------------------------------------------------


_BAND_COMPOUND = re.compile(r"(?<=[a-zα-ω])-(?=(?:band|power|rhythm|activity|range)\b)", re.I)


def named_regions_and_bands(question: str) -> tuple[list[str], list[str]]:
    """The regions and bands a question names, in order, each once ("theta-band" names theta)."""
    from .claims.lexicon import BAND_RE, BAND_WORDS, REGION_RE, REGION_WORDS, unhyphenated

    text = unhyphenated(_BAND_COMPOUND.sub(" ", question))
    regions = list(dict.fromkeys(REGION_WORDS[m.group(0).lower()] for m in REGION_RE.finditer(text)))
    bands = list(dict.fromkeys(BAND_WORDS[m.group(0).lower()] for m in BAND_RE.finditer(text)))
    return regions, bands


_ASYMMETRY = re.compile(r"asymmetr|\bFAA\b|\bF[34]\b.*\bF[34]\b|\bleft\b.*\bright\b|\bright\b.*\bleft\b|hemispher", re.I)


def asks_about_asymmetry(question: str) -> bool:
    """Whether a question is about the left-right asymmetry, however it is put ("left frontal alpha
    higher or lower than the right?", "F4 versus F3 alpha"): such a question asks for no region's
    band power, though it names a region and a band."""
    return bool(_ASYMMETRY.search(question))


def question_context(question: str, ev: Evidence, labels) -> str | None:
    """The measurements a question names that the evidence text may not show: a named region's band
    power ("How is theta over parietal areas?") and a named class's pattern-match probability ("Why
    not anger?"). Looked up deterministically and given with the question, like a tool's result, so
    the answer rests on the measured value rather than on the model's memory of a table."""
    found = []
    regions, bands = named_regions_and_bands(question)
    if not asks_about_asymmetry(question):
        for region in regions[:2]:
            for band in bands[:2]:
                z = ev.band_z.get(region, {}).get(band)
                found.append(f"{region} {band} not measured" if z is None else
                             f"{region} {band} {'elevated' if z >= 1 else 'reduced' if z <= -1 else 'typical'} "
                             f"({format_z(z)})")
    # "positive, neutral or negative": among emotions, "neutral" in a question about valence names
    # the valence scale's midpoint, not the emotion (where the classes are the valence classes
    # themselves, it is the class).
    scale_word = ("neutral" if not {"positive", "negative"} <= set(labels)
                  and re.search(r"valen[ct]|valance|pleasant|positive|negative", question, re.I) else None)
    if ev.supports_emotion:
        for label in labels:
            if label == scale_word:
                continue
            if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", question, re.I) and label in ev.probabilities:
                found.append(f"pattern match for {label} {format_percent(ev.probabilities[label])}")
    return f"(measured for this question: {'; '.join(found)})" if found else None


def with_context(question: str, ev: Evidence, labels) -> str:
    """The question as the model sees it: with the measurements it names, when it names any."""
    context = question_context(question, ev, labels)
    return f"{question}\n{context}" if context else question
