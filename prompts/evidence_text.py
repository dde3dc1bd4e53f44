"""Evidence rendered as the short text block a prompt carries. Deterministic: same evidence, same
text. Only numbers present in the `Evidence` object appear here."""

from __future__ import annotations

from encoders.evidence import Evidence, Finding
from encoders.labels import LabelSpace

from .claims.associations import band_meaning

MAX_BAND_FINDINGS = 4
_MEANING_WORDS = {("valence", 1): "positive valence", ("valence", -1): "negative valence",
                  ("arousal", 1): "higher arousal", ("arousal", -1): "lower arousal"}
_FAA_WORDS = {"left": "favours left", "right": "favours right", "balanced": "balanced"}


NO_MEANING = "no documented meaning"


def notable_band_findings(ev: Evidence) -> list[Finding]:
    """The strongest band-power deviations (the ones a prompt shows): a prompt is not a table, and a
    small model reads short lists best."""
    return sorted((f for f in ev.findings if f.key.startswith("band:") and f.direction != "typical"
                   and f.value is not None), key=lambda f: (-abs(f.value), f.key))[:MAX_BAND_FINDINGS]


# A poor recording lists many problems; two say enough, and a long list is what a small model
# starts repeating instead of concluding.
MAX_QUALITY_PROBLEMS = 2


def quality_problems(ev: Evidence) -> list[str]:
    """The quality report's leading problems as headlines ("55 of 62 channels are bad", "eye blinks
    or movements in 38% of windows"): shown in the evidence text, and the only quality figures a
    rationale quotes, so every figure it quotes is one the model was shown."""
    return [r.split(" (")[0] for r in ev.quality_reasons if "usable" not in r][:MAX_QUALITY_PROBLEMS]


def format_z(value: float) -> str:
    """How a z-score is written everywhere (prompt, rationale, checker): one decimal, signed."""
    return f"z {value:+.1f}"


def format_percent(probability: float) -> str:
    """How a pattern-match probability is written everywhere: whole percent."""
    return f"{round(probability * 100):d}%"


def confidence_level(ev: Evidence) -> str:
    """How sure an emotion reading is: from the top probability, its margin over the second, and
    quality. Shown beside the pattern match, so a rationale reports the level rather than judging
    a margin itself (a small model copies a word reliably and compares numbers poorly)."""
    # The full vector when the evidence keeps it, else the top classes it shows (stored evidence).
    ranked = sorted(ev.probabilities.values() if ev.probabilities else (float(p) for _, p in ev.pattern),
                    reverse=True)
    if not ev.supports_emotion or not ranked:
        return "low"
    top = ranked[0]
    # Rounded, so that shares stored at two decimals compare as written: 0.37 − 0.27 is a lead of 0.10
    # (moderate), not the 0.0999… of binary floating point (low).
    margin = round(top - (ranked[1] if len(ranked) > 1 else 0.0), 9)
    if top >= 0.5 and margin >= 0.2 and ev.quality_grade == "good":
        return "high"
    if top >= 0.3 and margin >= 0.1 and ev.quality_grade != "poor":
        return "moderate"
    return "low"


def class_readout(ev: Evidence, space: LabelSpace, dimension: str) -> list[tuple[str, float]]:
    """The encoder's probabilities summed by the classes' place on `dimension` ("negative" 0.62,
    "neutral" 0.25, "positive" 0.13), highest first: its valence or arousal read-out, the Bayes
    decision of which is the class with the most (ties: the first in the label set's order). Empty
    without a full probability vector or a class placed on the dimension."""
    sums: dict[str, float] = {}
    for label, p in ev.probabilities.items():
        cls = space.class_on(label, dimension)
        if cls is not None:
            sums[cls] = sums.get(cls, 0.0) + float(p)
    return sorted(sums.items(), key=lambda kv: -kv[1])


def render_readout(ev: Evidence, space: LabelSpace, dimensions: tuple[str, ...] | None = None) -> str | None:
    """The valence and arousal read-outs as the prompt and the rationales write them ("negative
    valence 62%, neutral valence 25%, positive valence 13%; high arousal 58%, low arousal 42%"):
    each class with its dimension, so no class word is read as an emotion's name. Only for label sets
    of emotions, where it adds what the pattern match does not show: for valence or arousal classes
    it would restate the pattern match. `dimensions`: those to show (default: all the set places)."""
    if not (space.emotions and ev.supports_emotion):
        return None
    parts = [", ".join(f"{cls} {dimension} {format_percent(p)}" for cls, p in class_readout(ev, space, dimension))
             for dimension in (dimensions or space.dimensions) if dimension in space.dimensions]
    parts = [p for p in parts if p]
    return "; ".join(parts) if parts else None


def render_timeline(ev: Evidence) -> str | None:
    """The encoder's reading over the recording, one part after another ("0–20 s fear 56%; …")."""
    if not ev.timeline:
        return None
    return "; ".join(f"{a:.0f}–{b:.0f} s {label} {format_percent(p)}" for a, b, label, p in ev.timeline)


def render_evidence(ev: Evidence, pattern: bool = True, readout: LabelSpace | None = None) -> str:
    """Compact on purpose: every token here is paid for in training and at every answer. With
    `pattern=False` the encoder's reading (pattern match, read-out and timeline) is left out: the
    evidence is then the measured features only, and the emotion must come from the EEG tokens.
    `readout`: the label set whose valence and arousal read-out the text shows (templates with
    `class_readout`), None for none."""
    lines = []
    if ev.synthetic:
        lines.append("- SYNTHETIC recording (generated, not from a person)")
    bad = ", ".join(ev.bad_channels[:8]) + (" …" if len(ev.bad_channels) > 8 else "") if ev.bad_channels else "none"
    lines.append(f"- quality {ev.quality_grade}: {ev.usable_seconds:.0f} of {ev.total_seconds:.0f} s usable; "
                 f"bad channels {bad}")
    problems = quality_problems(ev)
    if problems:
        lines.append("- quality notes: " + "; ".join(problems))
    if ev.faa is not None:
        lines.append(f"- frontal alpha asymmetry {ev.faa:+.2f} ({_FAA_WORDS[ev.faa_direction]})")
    if pattern and ev.pattern and ev.supports_emotion:  # a pattern match is an emotion reading by another name
        lines.append("- EEG pattern match (encoder): " + ", ".join(f"{e} {format_percent(p)}" for e, p in ev.pattern)
                     + f" (confidence {confidence_level(ev)})")
        summed = render_readout(ev, readout) if readout is not None else None
        if summed:
            # Summed over the whole vector, which the top-three line cannot show: a valence question is
            # then answered from a number the prompt carries, not from a sum the model cannot do.
            lines.append(f"- valence and arousal (encoder, summed over the pattern match): {summed}")
        over_time = render_timeline(ev)
        if over_time and len(ev.timeline) > 1:
            lines.append(f"- over time (encoder): {over_time}")
    notable = notable_band_findings(ev)
    if notable:
        parts = []
        for f in notable:
            _, region, band = f.key.split(":")
            meaning = band_meaning(region, band, f.direction)
            # The documented meaning travels with the finding, so a rationale copies it from here
            # rather than recalling a table; a finding without one says so, which keeps a model from
            # lending it the meaning of a neighbouring row (temporal theta read as "relaxed").
            why = f", {_MEANING_WORDS[meaning]}" if meaning else f", {NO_MEANING}"
            parts.append(f"{region} {band} {f.direction} ({format_z(f.value)}{why})")
        lines.append("- band power: " + "; ".join(parts))
    elif ev.band_z:
        lines.append("- band power: all regions typical")
    else:
        lines.append("- band power: no region measurable")
    if ev.eeg_reference:
        lines.append(f"- reference: {reference_scheme(ev)}")
    if not ev.supports_emotion:
        lines.append("- emotion reading NOT supported: " + "; ".join(limit_phrase(x) for x in ev.limits))
    elif ev.limits:
        lines.append("- limits: " + "; ".join(limit_phrase(x) for x in ev.limits))
    return "\n".join(lines)


def reference_scheme(ev: Evidence) -> str:
    """The reference scheme without the reason for it ("as recorded", "common average of 62
    channels"): the reason is in the evidence's limits when it matters."""
    return (ev.eeg_reference or "not recorded").split(" (")[0]


def limit_phrase(limit: str) -> str:
    """A limit ("one usable channel: no spatial pattern") as a clause that fits in a list or a
    sentence ("one usable channel (no spatial pattern)")."""
    head, _, consequence = limit.partition(": ")
    return f"{head} ({consequence})" if consequence else head
