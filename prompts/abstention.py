"""The honest answer when the evidence cannot support an emotion reading, and the guard that puts it
in place of whatever a language model wrote.

A recording with one or two usable electrodes, too little usable signal or poor quality
(`Evidence.supports_emotion` is False) still has measured facts: its quality, the band power of
the regions it covers, perhaps an asymmetry. The answer states those, states what the recording
cannot support (`Evidence.limits`), and abstains ("cannot tell") at chance confidence. A small
model asked about emotion tends to name one anyway; `guard` decides, from the evidence alone,
whether its text may stand, so the outcome does not depend on what the model wrote. A question
about a measurement (quality, bad channels, a region's band power, the reference, what to do next)
is still answered on such a recording: the model's answer stands when every claim it makes holds.

Only numbers present in the `Evidence` are written, formatted as the prompt shows them, so the
faithfulness checker reads this text like any rationale.
"""

from __future__ import annotations

from encoders.evidence import Evidence
from encoders.labels import EMOTIONS, space_of

from .answer_format import ABSTAIN, answer_line, format_answer, parse_answer
from .claims import check_text
from .evidence_text import format_z, limit_phrase, notable_band_findings, reference_scheme
from .questions import READINGS, answer_kind
from .rationale import CONCLUSION_UNSUPPORTED, OPENING, conclusion_of, quality_sentence

NO_READING = "no emotion reading"  # how a summary says it names no emotion (prompts/answers.py)



def chance_among(labels) -> float:
    """The confidence of an abstention: chance among a label set's classes (1/7 for the seven
    emotions, 1/2 for DEAP's high/low valence), the confidence the training data gives it too."""
    return round(1 / len(tuple(labels)), 2)


# An abstention claims no more than chance among the classes the checkpoint answers in.
CHANCE_CONFIDENCE = chance_among(EMOTIONS)
ABSTAIN_CONFIDENCE_CAP = CHANCE_CONFIDENCE


def unsupported(evidences: list[Evidence]) -> list[Evidence]:
    """The evidences in `evidences` that cannot support an emotion reading."""
    return [ev for ev in evidences if not ev.supports_emotion]


def measured_facts(ev: Evidence) -> list[str]:
    """What the recording can tell: its band-power deviations, its asymmetry, its reference."""
    facts = []
    notable = notable_band_findings(ev)
    for f in notable:
        _, region, band = f.key.split(":")
        facts.append(f"{region} {band} power is {f.direction} ({format_z(f.value)})")
    measured = sorted(ev.band_z)
    if measured and not notable:
        facts.append(f"band power is typical in the {' and '.join(measured)} region{'s' if len(measured) > 1 else ''}")
    elif measured:
        facts.append("the other measured bands are typical")
    if ev.faa is not None and ev.faa_direction:
        side = "balanced" if ev.faa_direction == "balanced" else f"favouring the {ev.faa_direction} hemisphere"
        facts.append(f"frontal alpha asymmetry is {ev.faa:+.2f}, {side}")
    if ev.eeg_reference:
        facts.append(f"the signal was analysed {reference_scheme(ev)}" if reference_scheme(ev) == "as recorded"
                     else f"the signal was analysed against the {reference_scheme(ev)}")
    return facts


def _recording_sentences(ev: Evidence) -> list[str]:
    parts = [quality_sentence(ev)]
    facts = measured_facts(ev)
    if facts:
        parts.append("What it can tell: " + "; ".join(facts) + ".")
    if ev.limits:
        parts.append("What it cannot: " + "; ".join(limit_phrase(x) for x in ev.limits) + ".")
    return parts


def abstention_answer(evidences: list[Evidence], task: str = "emotion", labels=EMOTIONS) -> str:
    """Reasoning, "cannot tell" and the capped confidence (chance among `labels`), written from the
    evidence alone."""
    parts = [OPENING.get(task, OPENING["emotion"])]
    if len(evidences) == 1:
        parts += _recording_sentences(evidences[0])
    else:
        for i, ev in enumerate(evidences, start=1):
            parts.append(f"Recording {i}:")
            parts += _recording_sentences(ev)
    named = "emotion" if space_of(labels).emotions else "class"
    parts.append(f"{CONCLUSION_UNSUPPORTED}, so no {named} is named.")
    return format_answer(" ".join(parts), ABSTAIN, chance_among(labels))


def may_stand(text: str, labels=EMOTIONS) -> bool:
    """Whether a model's answer is already an honest abstention: well formed, "cannot tell", no
    more confident than chance among `labels`, and no reasoning that concludes one of them or a
    valence/arousal."""
    labels = tuple(labels)
    parsed = parse_answer(text, labels)
    if not parsed.well_formed or parsed.answer != ABSTAIN or parsed.confidence > chance_among(labels):
        return False
    return conclusion_of(parsed.reasoning, labels=labels) in (None, ABSTAIN)


def _task_of(text: str) -> str:
    answer = parse_answer(text).answer or ""
    return "valence_arousal" if ("valence" in answer or "arousal" in answer) else "emotion"


def measurement_kind(answer: str | None, labels=EMOTIONS) -> str | None:
    """The kind of measurement question an answer line answers (quality, bad channels, a band in a
    region, the reference, next steps...), or None when it is a reading (an emotion, valence,
    confidence...), an abstention or no recognisable shape. A summary counts only when it names no
    emotion ("summary: no emotion reading, poor quality")."""
    kind = answer_kind(answer, labels)
    if kind in (None, ABSTAIN, "emotion") or kind in READINGS:
        return None
    if kind == "summary" and NO_READING not in (answer or "").lower():
        return None
    return kind


def measurement_stands(text: str, ev: Evidence, labels=EMOTIONS) -> bool:
    """Whether an answer to a measurement question may stand on a recording that cannot support an
    emotion reading: well formed, its answer line a measurement, its reasoning concluding no reading,
    and every claim of its reasoning and of its answer line holding against the evidence."""
    parsed = parse_answer(text, tuple(labels))
    if not parsed.well_formed or measurement_kind(parsed.answer, labels) is None:
        return False
    if conclusion_of(parsed.reasoning, labels=tuple(labels)) not in (None, ABSTAIN):
        return False
    # The answer line is checked too: "quality good" under a reasoning without claims is still a claim.
    return all(c.holds for c in check_text(parsed.reasoning, ev) + check_text(answer_line(text) or "", ev))


def guard(text: str, evidences: list[Evidence], labels=EMOTIONS) -> str | None:
    """None when `text` may stand: every recording supports an emotion reading, the text is an
    honest abstention, or it answers a measurement question about one recording and every claim it
    makes holds (a measurement can be reported whatever the recording supports). Otherwise the
    abstention that replaces it."""
    if not unsupported(evidences) or may_stand(text, labels):
        return None
    if len(evidences) == 1 and measurement_stands(text, evidences[0], labels):
        return None
    return abstention_answer(evidences, _task_of(text), labels)
