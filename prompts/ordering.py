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


def shared_class_clause(evidences: list[Evidence], dimension: str, space: LabelSpace = SEVEN_EMOTIONS) -> str:
    """When every recording's pattern match has one class on `dimension`, the clause that says the
    order then comes from the rest of the pattern match ("; both low arousal, so the rest of the
    pattern match decides"); empty otherwise. Written into the order line and copied by the
    rationales, so a model that sees two recordings of one class is told, not left to guess, why
    one still comes first."""
    classes = {pattern_class(ev, dimension, space) for ev in evidences}
    if len(evidences) < 2 or len(classes) != 1 or None in classes:
        return ""
    both = "both" if len(evidences) == 2 else "all"
    return f"; {both} {classes.pop()} {dimension}, so the rest of the pattern match decides"


def order_line(evidences: list[Evidence], order: list[int], dimension: str, space: LabelSpace = SEVEN_EMOTIONS,
               shared_clause: bool = False) -> str:
    """The order with each recording's class and (`shared_clause`), where they share one, why one
    still leads: "recording 2 (low), recording 1 (low); both low arousal, so the rest of the pattern
    match decides"."""
    clause = shared_class_clause(evidences, dimension, space) if shared_clause else ""
    return ranked(evidences, order, dimension, space) + clause


def order_lines(evidences: list[Evidence], space: LabelSpace = SEVEN_EMOTIONS, shared_clause: bool = False) -> list[str]:
    """One evidence line per dimension the label set places its classes on: "valence, highest first
    (encoder): recording 2 (positive), recording 1 (negative)", with the shared-class clause where
    the template shows it (`shared_clause`, chat-v3 on). Empty for one recording; a recording
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
        line = order_line(evidences, order, dimension, space, shared_clause)
        lines.append(f"- {dimension}, highest first (encoder): {line}")
    return lines


__all__ = ["CLASS_ORDER", "encoder_order", "expected_value", "order_line", "order_lines", "pattern_class", "ranked",
           "shared_class_clause"]
