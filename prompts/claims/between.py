"""Claims about several recordings at once, checked against each recording's evidence:

    "Both match emotions with high arousal"                              → every recording's class
    "Recording 2's positive valence is above recording 1's negative valence" → the classes, and their order
    "So recording 2 has the higher valence", "recording 1 shows less arousal" → the encoder's order
    "So the order is 2, 3, 1" (after "Ranking by valence")               → the encoder's order

The encoder's order (`prompts.ordering.encoder_order`) is the pattern-match classes first, then the
expected value under the full pattern match; a recording without a pattern match has no place in it,
and a claim about such an order is not checkable. Every other claim is checked against the recording
its sentence names ("In recording 2, …"), else the first."""

from __future__ import annotations

import re

from encoders.evidence import Evidence
from encoders.labels import SEVEN_EMOTIONS, LabelSpace

from ..ordering import CLASS_ORDER, encoder_order, pattern_class, ranked
from .check import CheckedClaim, check_text
from .extract import extract_claims
from .order_words import (CLASSES, calls_itself_an_order, cited_classes, comparison, not_asserted, prose_order,
                          ranked_dimension, recording_mentions, sentence_dimension, stated_order)

_RECORDING = re.compile(r"(?=\b[Ii]n recording \d+|\bRecording \d+[: ])")


def check_reasoning(reasoning: str, evidences: list[Evidence], space: LabelSpace | None = None) -> list[CheckedClaim]:
    """Claims in a reasoning checked against its recordings' evidence, class names read in `space`.
    With several recordings a claim is checked against the recording its sentence names ("In
    recording 2, …"), else the first; a claim about a recording that does not exist fails."""
    if len(evidences) == 1:
        return check_text(reasoning, evidences[0], space)
    if not evidences:
        return [CheckedClaim(c.kind, c.text, c.subject, False, "", "no evidence was computed for this item")
                for c in extract_claims(reasoning)]
    space_used = space or SEVEN_EMOTIONS
    across = (_shared_class_claims(reasoning, evidences, space_used) + _class_order_claims(reasoning, evidences, space_used)
              + _rank_claims(reasoning, evidences, space_used))
    # A claim about the set of recordings said twice in the same words is one claim, said twice.
    once: dict[tuple[str, str], CheckedClaim] = {}
    for claim in across:
        once.setdefault((claim.kind, " ".join(claim.text.lower().split())), claim)
    checked = list(once.values())
    for piece in _RECORDING.split(reasoning):
        match = re.match(r"\s*(?:[Ii]n r|R)ecording (\d+)", piece)
        index = int(match.group(1)) - 1 if match else 0
        if not 0 <= index < len(evidences):
            checked += [CheckedClaim(c.kind, c.text, c.subject, False, "", f"recording {index + 1} does not exist")
                        for c in check_text(piece, evidences[0], space)]
            continue
        checked += check_text(piece, evidences[index], space)
    return checked


def _classes_measured(evidences: list[Evidence], dimension: str, space: LabelSpace) -> str:
    return "; ".join(f"recording {i}: {ev.pattern[0][0] if ev.pattern else 'no pattern match'}"
                     f" ({pattern_class(ev, dimension, space) or 'no class'})" for i, ev in enumerate(evidences, 1))


# "Both match emotions with high arousal": a claim about every recording at once.
# "all three … high-arousal emotions", "every recording's top match is negative in valence", "both
# fall into the same arousal class, high", "they share low arousal", "(both low)" after "arousal
# class", "same valence class for both: negative". "Recordings 1 and 2 are both positive" is held to
# the two it names.
_SHARED_CLASS = re.compile(
    r"(?:\brecordings?\s+(?P<a>[1-3])\s+and\s+(?:recording\s+)?(?P<b>[1-3])\s+(?:are\s+|were\s+)?)?"
    r"\b(?:both|all(?: three| the recordings)?|every|each|they"
    r"|the (?:two|three) (?:recordings|traces|eegs)(?= (?:share|have|are|sit|fall|lie|match|point)))\b[^.;]*?(?:"
    rf"\b(?P<cls>{CLASSES})(?:\s+|-)(?:in\s+)?(?P<dim>valence|arousal)\b"
    rf"|\bsame\s+(?P<dim2>valence|arousal)\s+class(?:,\s*|\s+(?:of\s+|namely\s+)?)(?P<cls2>{CLASSES})\b"
    # "both low)": the class word names its dimension
    rf"|(?<=both )(?P<cls3>{CLASSES})\b(?=\s*(?:[).;,]|$)))"
    rf"|\bsame\s+(?P<dim4>valence|arousal)\s+class\s+for\s+(?:both|all(?:\s+three)?)(?:\s+recordings)?"
    rf"\s*[:,]?\s*(?P<cls4>{CLASSES})\b", re.I)


def _shared_class_claims(reasoning: str, evidences: list[Evidence], space: LabelSpace) -> list[CheckedClaim]:
    """Claims that the recordings' best pattern matches share a valence or arousal class, each
    checked against every recording's pattern match, or the two the claim names (a recording
    without one fails the claim)."""
    out = []
    for match in _SHARED_CLASS.finditer(reasoning):
        if not_asserted(reasoning, match.start()):
            continue
        stated = next(match.group(g) for g in ("cls", "cls2", "cls3", "cls4") if match.group(g)).lower()
        dimension = (match.group("dim") or match.group("dim2") or match.group("dim4")
                     or ("arousal" if stated in ("high", "low") else "valence")).lower()
        named = sorted({int(match.group("a")), int(match.group("b"))}) if match.group("a") else None
        if named and max(named) > len(evidences):
            continue
        held_to = [evidences[n - 1] for n in named] if named else evidences
        holds = all(pattern_class(ev, dimension, space) == stated for ev in held_to)
        whose = f"recordings {named[0]} and {named[1]}" if named else "every recording"
        out.append(CheckedClaim("shared_class", match.group(0), dimension, holds,
                                _classes_measured(evidences, dimension, space),
                                f"the best match of {whose} has that class" if holds else
                                f"not the best match of {whose} has {stated} {dimension}"))
    return out


_CLASS = f"({CLASSES})"
# "Recording 2's positive valence is above recording 1's negative valence"
_CLASS_ORDER_CLAIM = re.compile(rf"\brecording (\d+)'s {_CLASS} (valence|arousal) (?:is|sits|lies|ranks) "
                                rf"(above|higher than|greater than|below|lower than|under) "
                                rf"(?:that of )?recording (\d+)(?:'s)? {_CLASS}\b", re.I)
# "the encoder's valence order puts recording 2 first"
_PUTS_FIRST = re.compile(r"\b(valence|arousal) order (?:puts|places|ranks) recording (\d+) (first|last)\b", re.I)
_DOWNWARD = {"below", "lower than", "under"}  # the relations of a stated class order that point down


def _class_order_claims(reasoning: str, evidences: list[Evidence], space: LabelSpace) -> list[CheckedClaim]:
    """Claims that order two recordings on valence or arousal. "Recording 2's positive valence is
    above recording 1's negative valence" (of two recordings) holds when both classes are each
    recording's pattern-match class and the order is right; "recording 2 has the higher valence" (of
    two) and "recording 3 is calmer than recording 1" (of three, the pair named) hold when the
    encoder's order puts the one said to be higher above the other."""
    out = []
    if len(evidences) == 2:
        out += _stated_class_orders(reasoning, evidences, space)
    for text, higher, lower, dimension in _pairs_compared(reasoning, len(evidences)):
        dimension = dimension.lower()
        order = encoder_order(evidences, dimension, space)
        if order is None:
            continue
        holds = (order[0] == higher if lower is None else order[-1] == lower if higher is None
                 else order.index(higher) < order.index(lower))
        said = (f"recording {higher} first" if lower is None else f"recording {lower} last" if higher is None
                else f"recording {higher} above recording {lower}")
        out.append(CheckedClaim("comparison_winner", text, dimension, holds, ranked(evidences, order, dimension, space),
                                f"the encoder's {dimension} order puts {said}" if holds else
                                f"the encoder's {dimension} order is {', '.join(map(str, order))}, highest first, "
                                f"not {said}"))
    return out


def _stated_class_orders(reasoning: str, evidences: list[Evidence], space: LabelSpace) -> list[CheckedClaim]:
    out = []
    for match in _CLASS_ORDER_CLAIM.finditer(reasoning):
        if not_asserted(reasoning, match.start()):
            continue
        first, first_class, dimension, relation, second, second_class = match.groups()
        i, j = int(first) - 1, int(second) - 1
        if not (0 <= i < 2 and 0 <= j < 2) or i == j:
            out.append(CheckedClaim("class_order", match.group(0), dimension.lower(), False, "",
                                    "it does not compare the two recordings"))
            continue
        measured_classes = [pattern_class(ev, dimension.lower(), space) for ev in evidences]
        measured = f"recording 1: {measured_classes[0] or 'no class'}; recording 2: {measured_classes[1] or 'no class'}"
        stated = {i: first_class.lower(), j: second_class.lower()}
        if any(stated[k] != measured_classes[k] for k in (i, j)):
            out.append(CheckedClaim("class_order", match.group(0), dimension.lower(), False, measured,
                                    "a stated class is not that recording's pattern-match class"))
            continue
        upward = CLASS_ORDER[stated[i]] > CLASS_ORDER[stated[j]]
        holds = upward if relation.lower() not in _DOWNWARD else CLASS_ORDER[stated[i]] < CLASS_ORDER[stated[j]]
        out.append(CheckedClaim("class_order", match.group(0), dimension.lower(), holds, measured,
                                "the classes are in that order" if holds else "the classes are in the other order"))
    return out


def _pairs_compared(reasoning: str, n: int) -> list[tuple[str, int | None, int | None, str]]:
    """(text, recording said to be higher, the one it is above, dimension) of each comparison: of two
    recordings the other is implied; of three the sentence must name exactly the two it compares.
    "… order puts recording N first" leaves the lower one None (N is above all), "… last" the higher."""
    pairs = []
    for sentence in sentences(reasoning):
        if _CLASS_ORDER_CLAIM.search(sentence):
            continue  # an ordering of stated classes, checked above
        said = comparison(sentence)
        if not said or not_asserted(sentence, said[3]):
            continue
        subject, dimension, sign, start, end = said
        others = {number for _, _, number in recording_mentions(sentence)} - {subject}
        other = (3 - subject if n == 2 else others.pop() if len(others) == 1 else None)
        if subject in range(1, n + 1) and other in range(1, n + 1):
            higher, lower = (subject, other) if sign > 0 else (other, subject)
            pairs.append((sentence[start:end].strip(" ,;"), higher, lower, dimension))
    for m in _PUTS_FIRST.finditer(reasoning):
        named = int(m.group(2))
        if not_asserted(reasoning, m.start()) or not 1 <= named <= n:
            continue
        first = m.group(3).lower() == "first"
        pairs.append((m.group(0), named if first else None, None if first else named, m.group(1)))
    return pairs


# A numbered or bulleted list of recordings is one order: "Valence ranking:\n1. Recording 3\n2. …".
_LISTED = re.compile(r"\n\s*(?:\d+[.)]|[-*•])\s+(?=(?:recording|rec\b|eeg|the\s+(?:first|second|third)))", re.I)


def sentences(text: str) -> list[str]:
    """The sentences (and ;-clauses, lines) of a reasoning: a comparison is read within one; the
    items of a list of recordings stay together."""
    return [p for p in re.split(r"(?<=[.!?;])\s+|\n+", _LISTED.sub(", ", text or "")) if p.strip()]


def _rank_claims(reasoning: str, evidences: list[Evidence], space: LabelSpace) -> list[CheckedClaim]:
    """An order of all the recordings, checked against the encoder's order on the dimension the
    sentence ranks by, or else the one an earlier sentence ranks by ("Ranking by valence. … So the
    order is 3, 1, 2."); not checkable when none says, or when it ranks by something else ("by
    signal quality"). Of two recordings, only a sentence that calls itself an order is one. Classes
    cited beside the recordings ("recording 2 (positive)") must be theirs too."""
    out = []
    if len(evidences) < 2:
        return out
    context = None
    clause_dimension = None  # the dimension of the clause before a ";" ("… by expected valence; the order is …")
    for sentence in sentences(reasoning):
        explicit, dimension = ranked_dimension(sentence)
        if dimension is None and not explicit:
            dimension = clause_dimension
        clause_dimension = sentence_dimension(sentence) if sentence.rstrip().endswith(";") else None
        after_ranking = context is not None and not explicit  # "Ranking by arousal. 1, 2."
        if explicit:
            context = dimension
        # The classes cited beside the recordings are checked below; the order is read without them.
        bare, cited = cited_classes(sentence)
        said = stated_order(bare, len(evidences))
        if len(evidences) == 2 and not calls_itself_an_order(sentence) and not (after_ranking and said):
            continue
        if said is None:
            prose = prose_order(bare, len(evidences))
            said = (prose, 0, len(sentence)) if prose else None
        if said is None or not_asserted(sentence, said[1], said[1] or len(sentence)):
            continue
        dimension = dimension if explicit or dimension else context
        order = encoder_order(evidences, dimension, space) if dimension else None
        if order is None:
            continue
        stated, _, _ = said
        classes = {i: pattern_class(ev, dimension, space) for i, ev in enumerate(evidences, start=1)}
        miscited = [(n, c) for n, c in cited if n in classes and classes[n] != c]
        if stated != order:
            why = f"the encoder's {dimension} order is {', '.join(map(str, order))}, highest first"
        elif miscited:
            n, c = miscited[0]
            why = f"recording {n}'s pattern match has {classes[n]} {dimension}, not {c}"
        else:
            why = "the encoder's order"
        out.append(CheckedClaim("rank_order", sentence.strip(), dimension, stated == order and not miscited,
                                ranked(evidences, order, dimension, space), why))
    return out


__all__ = ["check_reasoning"]
