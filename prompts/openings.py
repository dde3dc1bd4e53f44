"""How each kind of reply opens: the first sentence of its reasoning, which names what it answers.

Every reply the model is trained on opens with the task it answers ("Rating arousal.", "Checking the
channels."): a small model that has committed to an opening in its first tokens keeps to that
answer's shape. The builders of the targets (`prompts.answers`, `prompts.rationale`) and the router
that starts a served reply with the opening of the question's kind (`prompts.routing`) read them
here, so the two cannot drift apart.
"""

from __future__ import annotations

REASONING_CUE = "Reasoning: "  # how every reply starts (`prompts.answer_format.format_answer`)

OPENINGS = {
    "emotion": "Judging the emotion.",
    "record": "Drafting the assessment.",
    "valence_arousal": "Rating valence and arousal.",
    "scenario": "Matching a situation.",
    "valence": "Rating valence.",
    "arousal": "Rating arousal.",
    "confidence": "Judging how sure the reading is.",
    "timeline": "Following the recording over time.",
    "asymmetry": "Checking the frontal alpha asymmetry.",
    "quality": "Checking signal quality.",
    "bad_channels": "Checking the channels.",
    "next_steps": "Deciding what to check next.",
    "summary": "Summarising in plain words.",
}


def band_opening(region: str, band: str) -> str:
    return f"Checking {region} {band}."


def why_not_opening(emotion: str) -> str:
    return f"Weighing {emotion}."


def reference_opening(reference: str) -> str:
    return f"Comparing with the reference ({reference})."


# Where a slot of the opening is not found in the question, the reply opens with the words before
# it and the model writes the rest.
PARTIAL_OPENINGS = {"band": "Checking", "why_not": "Weighing", "reference": "Comparing with the reference"}
