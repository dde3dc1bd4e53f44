"""Judging one answer: its format, its correctness, whether its reasoning concludes what it answers
(consistency), and whether every claim the reasoning makes holds against the recording's measured
evidence (faithfulness, `prompts.claims`); for a free question, whether what its Answer line states
holds too."""

from __future__ import annotations

import re

from encoders.evidence import Evidence
from encoders.labels import SEVEN_EMOTIONS, LabelSpace
from prompts.answer_format import parse_answer
from prompts.claims import check_answer_line
from prompts.claims.between import check_reasoning
from prompts.questions import answers_question
from prompts.rationale import conclusion_agrees, conclusion_of


_LETTER_ANSWER = re.compile(r"(?:(?:situation|option|vignette)\s+)?\(?([a-g])(?:\)|\.|:|\s+[-–—]|$)", re.I)


def _normalised_answer(task: str, answer: str | None) -> str | None:
    if answer is None:
        return None
    if task == "compare":
        return answer.lower().replace("rec ", "recording ").strip(".")
    if task == "scenario":
        # "B", "(b)", "B) the party", "situation B", "option c." → the letter; anything else ("fear")
        # stays as written: an emotion is not the first letter of its name.
        letter = _LETTER_ANSWER.match(answer.strip())
        return letter.group(1).upper() if letter else answer
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


def score_item(item: dict, output: str, guarded_from: str | None = None, fitted_from: str | None = None) -> dict:
    """Parse an answer and judge it: correctness, consistency with its reasoning, faithful claims.
    `guarded_from`: the model's own text when the loop guard completed it; `fitted_from`: the text
    before the answer-line guard wrote its Answer line again (both kept for the report)."""
    space = item_space(item)
    parsed = parse_answer(output, space.labels)
    answer = _normalised_answer(item["task"], parsed.answer)
    conclusion = conclusion_of(parsed.reasoning, item["task"], space.labels) if parsed.reasoning else None
    evidences = [Evidence.from_dict(e) for e in item["evidence"]]
    claims = check_reasoning(parsed.reasoning, evidences, space) if parsed.reasoning else []
    answer_claims = []
    if item["task"] == "free":
        # A free question is scored for answering the question asked (its kind's answer shape) and
        # for the answer itself; whether the reasoning agrees is what its claims say, and what the
        # Answer line states is checked against the evidence like them (kept apart: faithfulness is
        # the reasoning's).
        consistent = None
        answer_claims = check_answer_line(output, evidences[0], space) if len(evidences) == 1 else []
        asked = asked_unfitted = answers_question(item["kind"], answer, space.labels)
        correct_unfitted = _same(answer, item["answer"])
        if fitted_from is not None:  # as the model answered before the answer-line guard
            before = _normalised_answer(item["task"], parse_answer(fitted_from, space.labels).answer)
            asked_unfitted = answers_question(item["kind"], before, space.labels)
            correct_unfitted = _same(before, item["answer"])
    else:
        consistent = bool(parsed.well_formed and conclusion_agrees(conclusion, answer, item.get("option_emotions"),
                                                                   space))
        asked = asked_unfitted = correct_unfitted = None
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
        "answer_line_guard": fitted_from is not None,
        "unfitted_output": fitted_from,
        "answered_as_asked_unfitted": asked_unfitted,
        "correct_unfitted": correct_unfitted,
        "claims": [c.to_dict() for c in claims],
        "answer_claims": [c.to_dict() for c in answer_claims],
    }


def score_stored(item: dict, result: dict) -> dict:
    """A stored result judged again by the current checker (the guards' records kept)."""
    return score_item(item, result["output"], result.get("unguarded_output"), result.get("unfitted_output"))
