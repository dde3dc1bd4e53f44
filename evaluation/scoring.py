"""Judging one answer: its format, its correctness, whether its reasoning concludes what it answers
(consistency), and whether every claim the reasoning makes holds against the recording's measured
evidence (faithfulness, `prompts.claims`)."""

from __future__ import annotations

import re

from encoders.evidence import Evidence
from encoders.labels import SEVEN_EMOTIONS, LabelSpace
from prompts.answer_format import parse_answer
from prompts.claims import CheckedClaim, check_text
from prompts.questions import answers_question
from prompts.rationale import conclusion_agrees, conclusion_of

_RECORDING = re.compile(r"(?=\b[Ii]n recording \d+|\bRecording \d+[: ])")


def check_reasoning(reasoning: str, evidences: list[Evidence], space: LabelSpace | None = None) -> list[CheckedClaim]:
    """Claims in a reasoning checked against its recording's evidence, class names read in `space`.
    With several recordings a claim is checked against the recording its sentence names ("In
    recording 2, …"), else the first; a claim about a recording that does not exist fails."""
    if len(evidences) == 1:
        return check_text(reasoning, evidences[0], space)
    if not evidences:
        from prompts.claims import extract_claims

        return [CheckedClaim(c.kind, c.text, c.subject, False, "", "no evidence was computed for this item")
                for c in extract_claims(reasoning)]
    checked: list[CheckedClaim] = (_shared_class_claims(reasoning, evidences, space or SEVEN_EMOTIONS)
                                   + _class_order_claims(reasoning, evidences, space or SEVEN_EMOTIONS))
    for piece in _RECORDING.split(reasoning):
        match = re.match(r"\s*(?:[Ii]n r|R)ecording (\d+)", piece)
        index = int(match.group(1)) - 1 if match else 0
        if not 0 <= index < len(evidences):
            checked += [CheckedClaim(c.kind, c.text, c.subject, False, "", f"recording {index + 1} does not exist")
                        for c in check_text(piece, evidences[0], space)]
            continue
        checked += check_text(piece, evidences[index], space)
    return checked


# "Both match emotions with high arousal": a claim about every recording at once.
_SHARED_CLASS = re.compile(r"\b(?:both|all three)\b[^.;]*?\b(positive|neutral|negative|high|low)\s+"
                           r"(valence|arousal)\b", re.I)


def _shared_class_claims(reasoning: str, evidences: list[Evidence], space: LabelSpace) -> list[CheckedClaim]:
    """Claims that the recordings' best pattern matches share a valence or arousal class, each
    checked against every recording's pattern match (a recording without one fails the claim)."""
    from prompts.rationale import pattern_class

    out = []
    for match in _SHARED_CLASS.finditer(reasoning):
        stated, dimension = match.group(1).lower(), match.group(2).lower()
        classes = [pattern_class(ev, dimension, space) for ev in evidences]
        measured = "; ".join(f"recording {i}: {ev.pattern[0][0] if ev.pattern else 'no pattern match'}"
                             f" ({c or 'no class'})" for i, (ev, c) in enumerate(zip(evidences, classes), 1))
        holds = all(c == stated for c in classes)
        out.append(CheckedClaim("shared_class", match.group(0), dimension, holds, measured,
                                "every recording's best match has that class" if holds else
                                f"not every recording's best match has {stated} {dimension}"))
    return out


_CLASS = r"(positive|neutral|negative|high|low)"
# "Recording 2's positive valence is above recording 1's negative valence"
_CLASS_ORDER_CLAIM = re.compile(rf"\brecording (\d+)'s {_CLASS} (valence|arousal) (?:is|sits|lies|ranks) "
                                rf"(above|higher than|greater than|below|lower than|under) "
                                rf"(?:that of )?recording (\d+)(?:'s)? {_CLASS}\b", re.I)
# "So recording 2 has the higher valence", "recording 1 shows more arousal", "… the lower valence"
_WINNER_CLAIM = re.compile(r"\brecording (\d+) (?:has|shows|is) (?:the )?(?:clearly |slightly )?"
                           r"(more|higher|highest|greater|stronger|most|lower|less|weaker|lowest)\s+"
                           r"(?:positive |pleasant |negative )?(valence|arousal)\b", re.I)
_DOWNWARD = {"below", "lower than", "under", "lower", "less", "weaker", "lowest"}


def _class_order_claims(reasoning: str, evidences: list[Evidence], space: LabelSpace) -> list[CheckedClaim]:
    """Claims that order two recordings on valence or arousal. "Recording 2's positive valence is
    above recording 1's negative valence" holds when both classes are each recording's pattern-match
    class and the order is right; "recording 2 has the higher valence" holds when the classes differ
    and put that recording higher. When the classes tie, the rest of the pattern match decides,
    which the evidence text does not show in full, so that conclusion is not a checkable claim."""
    from prompts.rationale import CLASS_ORDER, class_winner, pattern_class

    out = []
    if len(evidences) != 2:
        return out
    for match in _CLASS_ORDER_CLAIM.finditer(reasoning):
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
    for match in _WINNER_CLAIM.finditer(reasoning):
        dimension = match.group(3).lower()
        winner = class_winner(evidences, dimension, space)
        if winner is None:
            continue
        named = int(match.group(1))
        claimed_higher = named if match.group(2).lower() not in _DOWNWARD else 3 - named
        classes = [pattern_class(ev, dimension, space) for ev in evidences]
        measured = f"recording 1: {classes[0]}; recording 2: {classes[1]}"
        holds = claimed_higher == winner
        out.append(CheckedClaim("comparison_winner", match.group(0), dimension, holds, measured,
                                f"recording {winner}'s pattern-match class is the higher" if holds else
                                f"recording {winner}'s pattern-match class is the higher, not recording {claimed_higher}'s"))
    return out


def _normalised_answer(task: str, answer: str | None) -> str | None:
    if answer is None:
        return None
    if task == "compare":
        return answer.lower().replace("rec ", "recording ").strip(".")
    if task == "scenario":
        return answer.strip("). ").upper()[:1]
    if task == "rank":
        return ", ".join(x.strip() for x in answer.replace(">", ",").split(",") if x.strip())
    return answer


def _same(answer: str | None, target: str) -> bool:
    """Answers compare as the parser writes them (lower case; channel names keep their letters)."""
    return answer is not None and answer.strip().lower() == target.strip().lower()


def item_space(item: dict) -> LabelSpace:
    """The label set an item was asked in (items written before label sets were recorded: the seven emotions)."""
    data = item.get("label_space")
    return LabelSpace.from_dict(data) if data else SEVEN_EMOTIONS


def score_item(item: dict, output: str, guarded_from: str | None = None) -> dict:
    """Parse an answer and judge it: correctness, consistency with its reasoning, faithful claims.
    `guarded_from`: the model's own text when the loop guard completed it (kept for the report)."""
    space = item_space(item)
    parsed = parse_answer(output, space.labels)
    answer = _normalised_answer(item["task"], parsed.answer)
    conclusion = conclusion_of(parsed.reasoning, item["task"], space.labels) if parsed.reasoning else None
    evidences = [Evidence.from_dict(e) for e in item["evidence"]]
    claims = check_reasoning(parsed.reasoning, evidences, space) if parsed.reasoning else []
    if item["task"] == "free":
        # A free question is scored for answering the question asked (its kind's answer shape) and
        # for the answer itself; whether the reasoning agrees is what its claims say.
        consistent = None
        asked = answers_question(item["kind"], answer, space.labels)
    else:
        consistent = bool(parsed.well_formed and conclusion_agrees(conclusion, answer, item.get("option_emotions"),
                                                                   space))
        asked = None
    return {
        "id": item["id"],
        "task": item["task"],
        "fold": item.get("fold"),
        "subjects": item["subjects"],
        "zero_shot": item.get("zero_shot", False),
        "quality": [e["quality_grade"] for e in item["evidence"]],
        "target": item["answer"],
        "output": output,
        "loop_guard": guarded_from is not None,
        "unguarded_output": guarded_from,
        "parsed": {"reasoning": parsed.reasoning, "answer": answer, "confidence": parsed.confidence,
                   "well_formed": parsed.well_formed},
        "correct": _same(answer, item["answer"]),
        "encoder_correct": _same(item["encoder_answer"], item["answer"]) if "encoder_answer" in item else None,
        "conclusion": conclusion,
        "consistent": consistent,
        "kind": item.get("kind"),
        "arm": item.get("arm"),
        "labels": list(space.labels),
        "answered_as_asked": asked,
        "claims": [c.to_dict() for c in claims],
    }
