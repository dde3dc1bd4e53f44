"""How several recordings order on valence or arousal by the encoder's reading: each recording's
pattern-match class first (negative < neutral < positive, low < high), then, between recordings of
one class, the expected value under the full pattern match (Σ p(class) · its valence or arousal).

Shown to the model as one line per dimension under the recordings (templates that have a `between`
field), written by the comparison and ranking rationales, and checked by the claim checker: one
order, computed in one place, so a stated order can be held to it. A small model copies an order
it is shown reliably and derives one from two class words poorly (measured: conclusions that
contradicted their own stated classes in 18 of 21 differing pairs without the line)."""

from __future__ import annotations

from encoders.evidence import Evidence
from encoders.labels import SEVEN_EMOTIONS, LabelSpace

# How valence and arousal classes order.
CLASS_ORDER = {"negative": -1, "neutral": 0, "positive": 1, "low": -1, "high": 1}


def pattern_class(ev: Evidence, dimension: str, space: LabelSpace = SEVEN_EMOTIONS) -> str | None:
    """The class on `dimension` of the label the pattern match puts first (None without one)."""
    return space.class_on(ev.pattern[0][0], dimension) if ev.pattern else None


def expected_value(ev: Evidence, dimension: str, space: LabelSpace = SEVEN_EMOTIONS) -> float | None:
    """Σ p(class) · value over the full pattern match (the shown top classes, renormalised, for
    evidence stored without it); None without a pattern match or where the set places no class."""
    probabilities = ev.probabilities or {label: float(p) for label, p in ev.pattern}
    placed = {label: space.value(label, dimension) for label in probabilities}
    weights = {label: float(p) for label, p in probabilities.items() if placed[label] is not None}
    total = sum(weights.values())
    if not ev.pattern or total <= 0:
        return None
    return sum(p * placed[label] for label, p in weights.items()) / total


def encoder_order(evidences: list[Evidence], dimension: str, space: LabelSpace = SEVEN_EMOTIONS) -> list[int] | None:
    """Recording numbers (1-based), highest on `dimension` first; None when a recording has no
    pattern match or no class on the dimension (the encoder then says nothing about its place)."""
    keys = []
    for i, ev in enumerate(evidences, start=1):
        cls, value = pattern_class(ev, dimension, space), expected_value(ev, dimension, space)
        if cls is None or value is None:
            return None
        keys.append((CLASS_ORDER[cls], value, -i))  # the earlier recording first on an exact tie
    return [-key[2] for key in sorted(keys, reverse=True)]


def ranked(evidences: list[Evidence], order: list[int], dimension: str, space: LabelSpace = SEVEN_EMOTIONS) -> str:
    """An order with each recording's class, as the evidence line shows it and the rationales cite it
    word for word: "recording 2 (positive), recording 1 (negative)"."""
    return ", ".join(f"recording {i} ({pattern_class(evidences[i - 1], dimension, space)})" for i in order)


def order_lines(evidences: list[Evidence], space: LabelSpace = SEVEN_EMOTIONS) -> list[str]:
    """One evidence line per dimension the label set places its classes on: "valence, highest first
    (encoder): recording 2 (positive), recording 1 (negative)". Empty for one recording; a recording
    without a pattern match is named as such instead of an order."""
    if len(evidences) < 2:
        return []
    lines = []
    for dimension in space.dimensions:
        order = encoder_order(evidences, dimension, space)
        if order is None:
            missing = [str(i) for i, ev in enumerate(evidences, start=1) if not ev.pattern]
            lines.append(f"- {dimension}: no encoder order (no pattern match for recording {', '.join(missing)})"
                         if missing else f"- {dimension}: no encoder order")
            continue
        lines.append(f"- {dimension}, highest first (encoder): {ranked(evidences, order, dimension, space)}")
    return lines


__all__ = ["CLASS_ORDER", "encoder_order", "expected_value", "order_lines", "pattern_class", "ranked"]
