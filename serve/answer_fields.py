"""What a served answer says, read apart: its answer line, its confidence, and each claim of its
reasoning and its Answer line checked against the recording's evidence (the same check as `eegreason verify` and the
evaluator's faithfulness), for `ask --json` and `ask --batch`."""

from __future__ import annotations

from encoders.evidence import Evidence
from prompts.claims.between import check_reasoning
from prompts.answer_format import parse_answer


def answer_fields(text: str, evidences: list[Evidence], labels) -> dict:
    """`label` (the parsed answer line, None without one), `confidence` (None without one),
    `well_formed`, `claims` (kind, text, subject, holds, measured, why) and `claims_failing`.
    The whole reply is checked: the reasoning's claims and what the Answer line states ("favours
    left (+0.27)", "bad channels: T7"), which a reader sees first; without a Reasoning part,
    whatever the text claims is still a claim."""
    parsed = parse_answer(text, tuple(labels))
    claims = check_reasoning(text, evidences)
    return {"label": parsed.answer, "confidence": parsed.confidence, "well_formed": parsed.well_formed,
            "claims": [c.to_dict() for c in claims], "claims_failing": sum(not c.holds for c in claims)}


def served_steps(extra: dict) -> dict:
    """What the serving steps did to an answer (`Generation.extra`), each null where it did nothing:
    `route` (the kind the question router read and the opening the reply was started with),
    `loop_guard` and `answer_line_guard` (the model's own text before its Answer line was written
    again: it looped, or answered another kind of question than the routed one), `evidence_guard`
    (when the recording cannot support an emotion reading: whether the model's text, kept here, was
    replaced by the abstention written from the evidence) and `scope_guard` (the clinical judgement
    the question asked for, whether the rules or the classifier read it and the classifier's
    probability, answered with the scope reply and nothing generated: `prompts.scope.ScopeCheck`)."""
    return {step: extra.get(step) for step in ("route", "loop_guard", "answer_line_guard", "evidence_guard",
                                               "scope_guard")}


def claim_lines(claims: list[dict], holding: bool = True) -> list[str]:
    """Checked claims as aligned text lines (`holds`/`FAILS`, the words, the measured value and, for a
    failing claim, why) in reading order, then a count; `holding=False` leaves out the lines of claims
    that hold (the count still has them)."""
    if not claims:
        return ["No checkable claim found (no probability, band power, asymmetry, class, quality, channel or "
                "duration statement)."]
    shown = [c for c in claims if holding or not c["holds"]]
    width = min(max((len(c["text"]) for c in shown), default=0), 60)
    lines = [f"{'holds' if c['holds'] else 'FAILS':5}  {c['text']:<{width}}  measured: {c['measured']}"
             + ("" if c["holds"] else f"  ({c['why']})") for c in shown]
    held = sum(c["holds"] for c in claims)
    return lines + [f"{held} of {len(claims)} claims hold."]
